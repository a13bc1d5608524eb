"""The monthly system finance report: for a board pack appendix (PDF through the core's
isolated renderer, fetching nothing) and as CSV.

The report holds the position at the month (plan, actual and forecast per partner and in
total, variance in pounds and per cent, run-rate), the year-to-date trajectory, the
capital lines and programme, the open variance alerts and the late returns, with the
rules it was worked out by.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from budgets import envelope_charts, envelope_position, envelope_selectors
from budgets.models import (
    AlertStatus,
    CapitalProgramme,
    MonthlyReturn,
    MonthlyReturnStatus,
    ProgrammeStatus,
)
from budgets.templatetags.envelope_tags import money_text
from governance.pdf import Rendered, render_isolated

POSITION_RULES = envelope_position.__doc__.split("Rules (stated in the report):", 1)[1].strip()


@dataclass
class EnvelopeReport:
    envelope: object
    position: envelope_position.Position
    trajectory: list
    alerts: list
    late: list
    capital_segments: list
    programme: object
    generated_at: object

    @property
    def charts(self) -> dict:
        return {
            "plan_forecast": envelope_charts.plan_vs_forecast_svg(self.position),
            "trajectory": envelope_charts.trajectory_svg(self.trajectory),
            "capital": envelope_charts.capital_svg(
                self.envelope.capital_total, self.capital_segments
            ),
        }

    @property
    def capital_total(self):
        return sum((a for _, a in self.capital_segments), envelope_position.ZERO)


def capital_segments(envelope, rows) -> list[tuple[str, object]]:
    return [(r.name, r.capital_allocation) for r in rows if r.capital_allocation]


def build_report(envelope, month: int | None = None) -> EnvelopeReport:
    position = envelope_selectors.position(envelope, month)
    trajectory = [p for p in envelope_selectors.trajectory(envelope) if p.month <= position.month]
    alerts = list(
        envelope_selectors.alerts_of(envelope).filter(status=AlertStatus.OPEN).order_by("pk")
    )
    late = list(
        MonthlyReturn.objects.filter(month__envelope=envelope, is_late=True)
        .select_related("line__organisation", "month")
        .order_by("month__month", "line__organisation__name")
    )
    for r in late:
        r.outstanding = r.status == MonthlyReturnStatus.DUE
    programme = (
        CapitalProgramme.objects.filter(envelope=envelope, status=ProgrammeStatus.APPLIED)
        .order_by("-proposed_at")
        .first()
    )
    return EnvelopeReport(
        envelope=envelope,
        position=position,
        trajectory=trajectory,
        alerts=alerts,
        late=late,
        capital_segments=capital_segments(envelope, position.rows),
        programme=programme,
        generated_at=timezone.localtime(),
    )


def render_html(report: EnvelopeReport) -> str:
    return render_to_string(
        "budgets/envelope/report_pdf.html", {"report": report, "rules": POSITION_RULES}
    )


def render_pdf(report: EnvelopeReport) -> Rendered:
    return render_isolated(
        render_html(report),
        time_limit=float(getattr(settings, "REPORT_TIME_LIMIT", 120)),
        memory_mb=int(getattr(settings, "REPORT_MEMORY_MB", 2048)),
    )


CSV_HEADER = (
    "partner",
    "code",
    "plan_income",
    "plan_expenditure",
    "plan_surplus",
    "ytd_plan_surplus",
    "ytd_actual_surplus",
    "ytd_variance",
    "forecast_surplus",
    "forecast_variance",
    "forecast_variance_percent",
    "run_rate_surplus",
    "capital_allocation",
    "return",
)


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in text cells (names starting = + - @)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def report_csv(report: EnvelopeReport) -> str:
    """One row per partner and a total row; amounts as plain decimals (pounds and pence,
    a leading minus for negatives) so a spreadsheet adds them up."""
    out = io.StringIO()
    writer = csv.writer(out)
    env = report.envelope
    writer.writerow([f"{env.reference} {env.name} {env.year_label}", report.position.month_label])
    writer.writerow(CSV_HEADER)
    codes = {line.organisation_id: line.organisation.identifier for line in env.lines.all()}
    for row in [*report.position.rows, report.position.total]:
        if row.organisation_id is None:
            status = ""
        elif not row.submitted:
            status = "no return (at plan)"
        else:
            status = "submitted late" if row.late else "submitted"
        pct = row.forecast_variance_percent
        writer.writerow(
            [
                _csv_safe(row.name),
                codes.get(row.organisation_id, ""),
                row.plan_income,
                row.plan_expenditure,
                row.plan_surplus,
                row.ytd_plan_surplus,
                row.ytd_surplus,
                row.ytd_variance,
                row.forecast_surplus,
                row.forecast_variance,
                "" if pct is None else pct,
                row.run_rate_surplus,
                row.capital_allocation,
                status,
            ]
        )
    return out.getvalue()


__all__ = ["EnvelopeReport", "build_report", "money_text", "render_html", "render_pdf"]
