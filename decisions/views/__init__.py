"""Web pages of shared decisions: proposals (signed in) and the decision register (public)."""
