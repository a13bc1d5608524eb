"""Reports rendered off the request, through the jobs registry, cached by content.

A report URL (``/risks/report.pdf``, ``/funds/<pk>/report.pdf``,
``/envelopes/<pk>/report/<m>.pdf``) keeps its address. Its view checks that the reader
may read the report, then calls :func:`report_response`:

- a finished render of the same content exists: the PDF, at once;
- otherwise the running render of that content is joined, or a new one started
  (``jobs.job_enqueue``), and the reader is sent (303) to the job's progress page, which
  turns into a download link (and shows the reason and Retry should it fail).

"The same content" is the job's *cache key*: the kind, the report's parameters, the
reader when the report depends on who reads it (the risk register shows each reader what
they may see), the day (reports flag what is overdue today), and the *content version*:
the audit trail's latest sequence number outside job bookkeeping. Every governed change
is audited in the same transaction as the change, so an unchanged sequence number means
no record changed since the render. A render is reused for ``REPORT_CACHE_MINUTES``
(default 10) at most.

Report jobs are reads: anyone who may read the report may start one, auditors included.
The job row is a render cache, not a governance record, so these kinds are registered
with ``may_read`` (``jobs.register_job``): no audit event, and the job page and file
only for those who may read that report.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.packs import jobs
from governance.packs.models import JobStatus, RenderJob
from governance.pdf import Rendered, ReportRenderError, ReportTimeout

CACHE_KEY = "cache_key"


def content_version() -> int:
    """The audit trail's latest sequence number, job bookkeeping (``job.*``) aside: it
    moves with every governed change (one indexed read, newest first)."""
    seq = (
        AuditEvent.objects.exclude(verb__startswith="job.")
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return seq or 0


def cache_key(kind: str, params: dict, *, reader=None) -> str:
    """What identifies one rendering's content (see the module docstring)."""
    basis = {
        "kind": kind,
        "params": params,
        "reader": getattr(reader, "pk", None),
        "day": timezone.localdate().isoformat(),
        "version": content_version(),
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()


def max_age() -> datetime.timedelta:
    return datetime.timedelta(minutes=float(getattr(settings, "REPORT_CACHE_MINUTES", 10)))


def cached_job(kind: str, key: str) -> RenderJob | None:
    """The newest job of this content still fresh enough to reuse (or to follow)."""
    return (
        RenderJob.objects.filter(
            kind=kind, params__cache_key=key, created_at__gte=timezone.now() - max_age()
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def report_job(*, actor, kind: str, params: dict, per_reader: bool = False) -> RenderJob:
    """The job rendering this report's current content: a fresh one already done or under
    way, or one queued now. ``per_reader``: the content depends on who reads it."""
    key = cache_key(kind, params, reader=actor if per_reader else None)
    job = cached_job(kind, key)
    if job is not None and not (job.status == JobStatus.DONE and not job.result):
        return job
    return jobs.job_enqueue(actor=actor, kind=kind, params={**params, CACHE_KEY: key})


def report_response(
    request, *, kind: str, params: dict, per_reader: bool = False, inline: bool = True
) -> HttpResponse:
    """The report's PDF if a render of the same content is done, else a 303 to the
    progress page of the render under way (or started now). The caller has checked that
    the reader may read this report."""
    job = report_job(actor=request.user, kind=kind, params=params, per_reader=per_reader)
    if job.status == JobStatus.DONE:
        try:
            handle = job.result.open("rb")
        except FileNotFoundError:
            handle = None
        if handle is not None:
            response = FileResponse(
                handle,
                as_attachment=not inline,
                filename=job.result_name or f"report-{job.pk}.pdf",
                content_type="application/pdf",
            )
            response["X-Content-Type-Options"] = "nosniff"
            response["X-Render-Job"] = str(job.pk)
            return response
    response = HttpResponse(status=303)  # See Other: follow the render on its page
    response["Location"] = reverse("packs:job", args=[job.pk])
    return response


def pdf_result(filename: str, render) -> jobs.JobResult:
    """Run ``render()`` (returning a ``governance.pdf.Rendered``) as a job's work: its
    time-out or failure becomes the job's reason, in words."""
    try:
        rendered: Rendered = render()
    except ReportTimeout as exc:
        raise jobs.JobFailed(f"The report took too long to render ({exc}).") from exc
    except ReportRenderError as exc:
        raise jobs.JobFailed(f"The report could not be rendered ({exc}).") from exc
    return jobs.JobResult(filename, rendered.pdf, page_count(rendered.pdf))


def page_count(pdf: bytes) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf), strict=False).pages)
    except Exception:  # a stub or a damaged file: the count is only shown to people
        return None
