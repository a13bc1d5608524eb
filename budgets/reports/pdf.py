"""The quarterly pool manager's report as PDF.

The report is self-contained (inline styles, no images) and is rendered by the core's
safe renderer (``governance.pdf``): in a separate process with a time and a memory
limit, with a WeasyPrint fetcher that refuses every URL, so whatever a fund's or an
allocation's text contains, rendering never reads a file or opens a connection.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from budgets.reports.position import FundReport
from governance.pdf import DenyAllURLFetcher, Rendered, render_isolated

__all__ = ["DenyAllURLFetcher", "Rendered", "render_html", "render_report"]


def render_html(report: FundReport) -> str:
    return render_to_string("budgets/report_pdf.html", {"report": report})


def render_report(report: FundReport) -> Rendered:
    return render_isolated(
        render_html(report),
        time_limit=float(getattr(settings, "REPORT_TIME_LIMIT", 120)),
        memory_mb=int(getattr(settings, "REPORT_MEMORY_MB", 2048)),
    )
