"""Background jobs and files over the API, for token callers as for sessions.

- ``GET /api/v1/jobs/{id}/``: a job's status (the ``status_url`` that generate-packs
  answers), to those who may follow it (``packs.selectors.jobs_visible_to``), else 404.
- ``GET /api/v1/jobs/{id}/download/``: its result (PDF), once done.
- ``GET /api/v1/packs/{id}/download/``: a meeting pack version (the members' pack only to
  those who see the meeting's private business; a read of it is recorded).

The web app's own URLs for these (``/jobs/…``, ``/meetings/packs/…``) sit behind the
session sign-in; these answer a token with the file or a JSON error, never a redirect.
"""

from __future__ import annotations

import json

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.serializers import ErrorSerializer
from governance.packs import jobs
from governance.packs.models import JobStatus, RenderJob

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="The PDF.")


class PDFRenderer(renderers.BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; errors still render as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


def pdf_response(handle, filename: str) -> FileResponse:
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def job_for(user, pk: int) -> RenderJob:
    """The job if ``user`` may follow it, by the web's one check (``jobs.job_may_view``:
    per kind for reports), else 404 (its existence is not given away)."""
    job = RenderJob.objects.filter(pk=pk).first()
    if job is None or not jobs.job_may_view(user, job):
        raise Http404("No such job.")
    return job


class JobStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    label = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = serializers.IntegerField()
    message = serializers.CharField()
    result_url = serializers.SerializerMethodField(
        help_text="The result's download (this API) once the job is done; else null."
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_label(self, job) -> str:
        return str(jobs.job_label(job))

    def get_result_url(self, job) -> str | None:
        if job.status == JobStatus.DONE and job.result:
            return reverse("api-job-download", args=[job.pk])
        return None


class JobStatusApi(APIView):
    @extend_schema(
        summary="A background job's status",
        description="Poll until ``status`` is done (then fetch ``result_url``) or failed.",
        responses={200: JobStatusSerializer, 404: ErrorSerializer},
        tags=["jobs"],
    )
    def get(self, request, pk: int):
        job = job_for(request.user, pk)
        response = Response(JobStatusSerializer(job).data)
        response["Cache-Control"] = "no-store"
        return response


class JobDownloadApi(APIView):
    renderer_classes = [renderers.JSONRenderer, PDFRenderer]

    @extend_schema(
        summary="A finished job's file",
        responses={(200, "application/pdf"): PDF, 404: ErrorSerializer},
        tags=["jobs"],
    )
    def get(self, request, pk: int):
        job = job_for(request.user, pk)
        if job.status != JobStatus.DONE or not job.result:
            raise Http404("The result is not ready.")
        try:
            handle = job.result.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The result file is missing.") from exc
        return pdf_response(handle, job.result_name or f"job-{job.pk}.pdf")
