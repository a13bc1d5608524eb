"""The fund report and the envelope's monthly report rendered as background jobs.

Registered from ``BudgetsConfig.ready`` as *read* kinds (``governance.packs.reports``):
whoever may read the fund (or the envelope) may start, follow, download and retry the
render, and no audit event is written. Neither report depends on who reads it, so one
render serves every reader of the same content.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from budgets import envelope_selectors, selectors
from budgets.models import PooledFund, SystemEnvelope
from budgets.reports import envelope as envelope_report
from budgets.reports import pdf as fund_pdf
from budgets.reports.position import fund_report
from governance.packs import jobs, reports

FUND_REPORT = "budgets.fund_report"
ENVELOPE_REPORT = "budgets.envelope_report"


def end_of_day(value: str | None) -> datetime.datetime | None:
    """``YYYY-MM-DD`` as the end of that day (UK time); None for none. ValueError if bad."""
    if not value:
        return None
    day = datetime.date.fromisoformat(value)
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(midnight)


# --- the fund report ----------------------------------------------------------------------


def fund_report_params(fund: PooledFund, as_at: str | None) -> dict:
    return {"fund": fund.pk, "as_at": as_at or None}


def render_fund_report(job, report_progress) -> jobs.JobResult:
    fund = PooledFund.objects.filter(pk=job.params.get("fund")).first()
    if fund is None:
        raise jobs.JobFailed("The fund no longer exists.")
    report_progress(10, "Reading the fund's position")
    data = fund_report(fund, as_at=end_of_day(job.params.get("as_at")))
    report_progress(40, "Rendering the PDF")
    stamp = timezone.localdate().isoformat()
    return reports.pdf_result(
        f"{fund.reference}-report-{stamp}.pdf", lambda: fund_pdf.render_report(data)
    )


def may_read_fund_report(user, job) -> bool:
    return selectors.funds_visible_to(user).filter(pk=job.params.get("fund")).exists()


def fund_report_label(job) -> str:
    name = PooledFund.objects.filter(pk=job.params.get("fund")).values_list("name", flat=True)
    return f"Fund report: {name.first() or 'a fund'}"


# --- the envelope's monthly report --------------------------------------------------------


def envelope_report_params(envelope: SystemEnvelope, month: int) -> dict:
    return {"envelope": envelope.pk, "month": month}


def render_envelope_report(job, report_progress) -> jobs.JobResult:
    envelope = SystemEnvelope.objects.filter(pk=job.params.get("envelope")).first()
    month = job.params.get("month")
    if envelope is None or not envelope.months.filter(month=month).exists():
        raise jobs.JobFailed("That envelope or month is no longer open.")
    report_progress(10, "Reading the system position")
    data = envelope_report.build_report(envelope, month)
    report_progress(40, "Rendering the PDF")
    return reports.pdf_result(
        f"{envelope.reference}-M{month}-system-finance-report.pdf",
        lambda: envelope_report.render_pdf(data),
    )


def may_read_envelope_report(user, job) -> bool:
    visible = envelope_selectors.envelopes_visible_to(user)
    return visible.filter(pk=job.params.get("envelope")).exists()


def envelope_report_label(job) -> str:
    envelope = SystemEnvelope.objects.filter(pk=job.params.get("envelope")).first()
    name = envelope.name if envelope else "an envelope"
    return f"System finance report, month {job.params.get('month')}: {name}"


def register() -> None:
    jobs.register_job(
        FUND_REPORT, render_fund_report, label=fund_report_label, may_read=may_read_fund_report
    )
    jobs.register_job(
        ENVELOPE_REPORT,
        render_envelope_report,
        label=envelope_report_label,
        may_read=may_read_envelope_report,
    )
