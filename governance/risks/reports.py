"""The Board Assurance Framework report as PDF (WeasyPrint).

The report is built only from what the reader may see (``risks_visible_to``) and needs
nothing from outside the document: styles are inline and the heat map and trajectories
are inline SVG. It is rendered by ``governance.pdf``: in a separate process with a
time limit (``REPORT_TIME_LIMIT`` seconds, default 120) and a memory limit
(``REPORT_MEMORY_MB``, default 2048), with a fetcher that refuses every URL.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from governance import permissions
from governance.pdf import (  # noqa: F401 - re-exported
    BASE_URL,
    DenyAllURLFetcher,
    Rendered,
    ReportRenderError,
    ReportTimeout,
    URLRefused,
    render_isolated,
)
from governance.risks import charts, scoring, selectors
from governance.risks.models import Assessment, RiskAppetite, StrategicObjective
from governance.risks.selectors import RegisterFilter


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
        "sees_all": permissions.reads_everything(user),
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


def report_html(user, filters: RegisterFilter | None = None) -> str:
    return render_to_string("risks/baf_report.html", report_context(user, filters))


def render_baf_report(user, filters: RegisterFilter | None = None) -> Rendered:
    """The report as PDF; raises ReportTimeout or ReportRenderError if it cannot be made."""
    return render_isolated(
        report_html(user, filters),
        time_limit=float(getattr(settings, "REPORT_TIME_LIMIT", 120)),
        memory_mb=int(getattr(settings, "REPORT_MEMORY_MB", 2048)),
    )


def baf_report_pdf(user, filters: RegisterFilter | None = None) -> bytes:
    return render_baf_report(user, filters).pdf
