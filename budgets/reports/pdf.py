"""The quarterly pool manager's report as PDF (WeasyPrint).

The report is self-contained (inline styles, no images), and WeasyPrint is given
``DenyAllURLFetcher``: whatever a fund's or allocation's text contains (e.g. a
``<link rel="attachment" href="file:///etc/passwd">`` in a purpose, which Django's
escaping already neutralises), rendering never reads a file or opens a connection.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from budgets.reports.position import FundReport

BASE_URL = "https://funds.invalid/"


class URLRefused(ValueError):
    """The report asked for a URL; it may load nothing."""


class DenyAllURLFetcher(URLFetcher):
    """Refuses every URL (file, http(s), ftp, data…), follows no redirects and installs
    no urllib handlers. Refusals are kept in ``refused``."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        self.handlers.clear()
        self.handle_open.clear()
        self.handle_error.clear()
        self.process_request.clear()
        self.process_response.clear()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.refused.append(str(url)[:200])
        raise URLRefused(f"Refused to fetch {str(url)[:80]!r}: the report loads nothing.")

    def open(self, url, data=None, timeout=None):
        raise URLRefused("The report fetcher opens no URLs.")


@dataclass
class Rendered:
    pdf: bytes
    seconds: float
    refused: list[str]


def render_html(report: FundReport) -> str:
    return render_to_string("budgets/report_pdf.html", {"report": report})


def render_report(report: FundReport) -> Rendered:
    started = time.perf_counter()
    fetcher = DenyAllURLFetcher()
    pdf = HTML(
        string=render_html(report), base_url=BASE_URL, url_fetcher=fetcher, encoding="utf-8"
    ).write_pdf(pdf_variant="pdf/ua-1")
    return Rendered(pdf, time.perf_counter() - started, fetcher.refused)
