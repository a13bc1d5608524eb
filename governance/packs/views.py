"""A background job's page, its JSON status (polled by static/js/jobs.js), the download
of its result, and Retry for a failed one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from governance.audit.reads import record_read
from governance.packs import jobs
from governance.packs.models import JobStatus, RenderJob


def _job_or_404(request, pk: int):
    """The job if the user may follow it (``jobs.job_may_view``: per kind for reports),
    else 404, so a job's existence is not given away."""
    job = RenderJob.objects.filter(pk=pk).first()
    if job is None or not jobs.job_may_view(request.user, job):
        raise Http404("No such job.")
    return job


@require_GET
@never_cache
def job_status(request, pk: int):
    """``{status, progress, message, result_url, ...}`` for those who may follow the job
    (its creator, the ICB secretariat and auditors; for a report, whoever may read the
    report); 404 for everyone else (including anonymous users)."""
    job = _job_or_404(request, pk)
    done = job.status == JobStatus.DONE and bool(job.result)
    return JsonResponse(
        {
            "id": job.pk,
            "kind": job.kind,
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
            "result_url": reverse("packs:job-download", args=[job.pk]) if done else None,
            "result_name": job.result_name or None,
            "result_pages": job.result_pages,
            "label": jobs.job_label(job),
            "retry_url": reverse("packs:job-retry", args=[job.pk])
            if job.status == JobStatus.FAILED and jobs.job_may_retry(request.user, job)
            else None,
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        }
    )


@require_GET
@never_cache
def job_download(request, pk: int):
    """The job's PDF, to the same people as :func:`job_status`; 404 until it is done."""
    job = _job_or_404(request, pk)
    if job.status != JobStatus.DONE or not job.result:
        raise Http404("The result is not ready.")
    try:
        handle = job.result.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The result file is missing.") from exc
    if job.kind == "meeting_pack" and (job.params or {}).get("variant") == "members":
        # a members' pack carries Part 2 papers: who viewed what (governance.audit.reads)
        record_read(user=request.user, target=job, how="download", request=request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_name or f"job-{job.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
@never_cache
def job_detail(request, pk: int):
    """The job's progress as a page (a refresh shows the state without JavaScript)."""
    job = _job_or_404(request, pk)
    return render(
        request,
        "packs/job_detail.html",
        {"label": jobs.job_label(job), "jobs": [job], "noun": "file", "plural": "files"},
    )


@login_required
@require_POST
def job_retry(request, pk: int):
    """Queue a failed job again, then go back to the page that showed it."""
    job = _job_or_404(request, pk)
    try:
        jobs.job_retry(actor=request.user, job_id=job.pk)
        messages.success(request, f"{jobs.job_label(job)}: trying again.")
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("packs:job", args=[job.pk])
    return redirect(back)
