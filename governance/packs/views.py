"""JSON status of a background job (polled by the UI) and the download of its result."""

from __future__ import annotations

from django.http import FileResponse, Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from governance.packs.models import JobStatus
from governance.packs.selectors import jobs_visible_to


def _job_or_404(request, pk: int):
    job = jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404("No such job.")
    return job


@require_GET
@never_cache
def job_status(request, pk: int):
    """``{status, progress, message, result_url, ...}`` for the job's creator, the ICB
    secretariat and auditors; 404 for everyone else (including anonymous users)."""
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
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_name or f"job-{job.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
