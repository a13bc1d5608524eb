"""The Board Assurance Framework report as PDF (WeasyPrint).

The report is built only from what the reader may see (``risks_visible_to``) and
needs nothing from outside the document: styles are inline and the heat map and
trajectories are inline SVG. WeasyPrint is given ``DenyAllURLFetcher``, so whatever a
risk's text contains, rendering never reads a file or opens a connection.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from governance import permissions
from governance.risks import charts, scoring, selectors
from governance.risks.models import Assessment, RiskAppetite, StrategicObjective
from governance.risks.selectors import RegisterFilter

BASE_URL = "https://risks.invalid/"


class URLRefused(ValueError):
    """The report asked for a URL; reports fetch nothing."""


class DenyAllURLFetcher(URLFetcher):
    """A WeasyPrint fetcher that refuses every URL (file, http(s), ftp, data…): the
    report is self-contained. No urllib handlers are installed, so even a path into
    the underlying OpenerDirector cannot reach anything. Refusals are kept in
    ``refused`` for tests and logs."""

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
        raise URLRefused(f"Refused to fetch {str(url)[:80]!r}: the BAF report loads nothing.")

    def open(self, url, data=None, timeout=None):
        raise URLRefused("The report fetcher opens no URLs.")


@dataclass
class Rendered:
    pdf: bytes
    seconds: float
    refused: list[str]


def report_context(user, filters: RegisterFilter | None = None) -> dict:
    filters = filters or RegisterFilter()
    risks = list(selectors.register(user, filters).prefetch_related("partners"))
    history: dict[int, list[Assessment]] = {}
    for a in Assessment.objects.filter(risk__in=[r.pk for r in risks]).order_by(
        "assessed_on", "recorded_at", "pk"
    ):
        history.setdefault(a.risk_id, []).append(a)
    for r in risks:
        r.trajectory = charts.trajectory_svg(
            charts.trajectory_points(r, history.get(r.pk, [])),
            appetite=r.category.appetite_max_score,
            id_prefix=f"trajectory-{r.pk}",
        )
        r.above_appetite = scoring.above_appetite(r.current_score, r.category.appetite_max_score)
    by_objective = []
    for objective in StrategicObjective.objects.filter(is_active=True):
        linked = [r for r in risks if r.strategic_objective_id == objective.pk]
        by_objective.append((objective, linked))
    counts = selectors.heat_map_counts(user, filters)
    return {
        "generated": timezone.localtime(),
        "reader": user,
        "sees_all": permissions.sees_everything(user) or permissions.is_system_secretariat(user),
        "risks": risks,
        "by_objective": by_objective,
        "other_risks": [r for r in risks if r.strategic_objective_id is None],
        "heat_map": charts.heat_map_svg(counts, links=False, id_prefix="report-heatmap"),
        "heat_map_rows": charts.heat_map_rows(counts),
        "total": sum(counts.values()),
        "bands": scoring.BANDS,
        "escalations": list(selectors.open_escalations(user)),
        "appetites": RiskAppetite.objects.select_related("category"),
        "default_threshold": scoring.DEFAULT_ESCALATION_SCORE,
    }


def render_baf_report(user, filters: RegisterFilter | None = None) -> Rendered:
    started = time.perf_counter()
    html = render_to_string("risks/baf_report.html", report_context(user, filters))
    fetcher = DenyAllURLFetcher()
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher, encoding="utf-8").write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return Rendered(pdf, time.perf_counter() - started, fetcher.refused)


def baf_report_pdf(user, filters: RegisterFilter | None = None) -> bytes:
    return render_baf_report(user, filters).pdf
