"""Web pages of pooled budgets."""
