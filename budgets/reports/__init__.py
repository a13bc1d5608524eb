"""The pool manager's report: position (``position``), CSV (``csv``) and PDF (``pdf``)."""
