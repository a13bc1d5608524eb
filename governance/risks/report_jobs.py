"""The Board Assurance Framework report rendered as a background job.

Registered from ``RisksConfig.ready`` as a *read* kind (``governance.packs.reports``): no
audit event. The report shows each reader the risks they may see, so a render belongs to
the reader who asked for it (its cache key names the reader): only that reader follows
and downloads it, and those who read every risk (the ICB secretariat, auditors).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from governance import permissions
from governance.packs import jobs, reports
from governance.risks import reports as baf
from governance.risks.selectors import RegisterFilter

BAF_REPORT = "risks.baf_report"
FILTERS = (
    "organisation",
    "category",
    "status",
    "likelihood",
    "consequence",
    "score",
    "min_score",
    "max_score",
    "objective",
)


def baf_report_params(query: Mapping[str, str]) -> dict:
    """The register's filters from the query string (only those given)."""
    given = {name: (query.get(name) or "").strip() for name in FILTERS}
    return {"filters": {name: value for name, value in given.items() if value}}


def render_baf_report(job, report_progress) -> jobs.JobResult:
    reader = job.created_by
    if reader is None or not reader.is_active:
        raise jobs.JobFailed("The person who asked for this report can no longer sign in.")
    report_progress(10, "Reading the register and rendering the PDF")
    filters = RegisterFilter.from_params(job.params.get("filters") or {})
    stamp = timezone.localdate().isoformat()
    return reports.pdf_result(
        f"baf-report-{stamp}.pdf", lambda: baf.render_baf_report(reader, filters)
    )


def may_read_baf_report(user, job) -> bool:
    return job.created_by_id == user.pk or permissions.reads_everything(user)


def register() -> None:
    jobs.register_job(
        BAF_REPORT,
        render_baf_report,
        label=lambda job: "Board Assurance Framework report",
        may_read=may_read_baf_report,
    )
