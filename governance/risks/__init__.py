"""Risk register and Board Assurance Framework.

- ``scoring``: the 5×5 matrix, bands, rating validation, escalation thresholds (one place).
- ``models``: categories and appetite, strategic objectives, risks (scores derived),
  score history (``Assessment``), review tasks, escalations.
- ``services``: every change, audited; partner sign-off of shared risks through the
  shared machinery (``governance.signoffs``) in ``flows.RiskSignOffFlow``.
- ``selectors``: visibility (owner, sharing partners, ICB secretariat, auditors) and
  the register's filters, shared by the pages, the heat map, the API and the report.
- ``charts``: server-side SVG heat map and score trajectory; ``reports``: the BAF PDF.
- ``manage.py raise_due_reviews``: review tasks for risks whose review date has come.
"""
