"""Background jobs that produce a file (board packs): queued, running, done or failed."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q


class PrivateJobStorage(FileSystemStorage):
    """Job results, outside MEDIA_ROOT so no web server serves them directly.

    Files are only ever served by ``governance.packs.views.job_download`` after the
    permission check. The directory is ``settings.PACKS_PRIVATE_ROOT`` (default
    ``<BASE_DIR>/private_media``), read on every use so tests can point it elsewhere.
    """

    @property
    def base_location(self):
        return str(
            getattr(settings, "PACKS_PRIVATE_ROOT", None)
            or Path(settings.BASE_DIR) / "private_media"
        )

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


_storage = PrivateJobStorage()


def job_storage() -> PrivateJobStorage:
    """The storage of job results (a callable, so migrations do not freeze a path)."""
    return _storage


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RenderJob(models.Model):
    """One run of a registered job kind (see ``governance.packs.jobs``) and its result.

    ``params`` are the JSON arguments the job kind's function reads (e.g. a meeting id
    and a variant). ``progress`` runs 0–100 while running; ``message`` says what is
    happening, or why it failed. ``result`` is the produced PDF, kept in private
    storage; ``result_meta`` carries what the producer reported alongside it (e.g. the
    page where each agenda item starts).
    """

    kind = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    result = models.FileField(upload_to="jobs/%Y/%m/", storage=job_storage, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_pages = models.PositiveIntegerField(null=True, blank=True)
    result_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True)
    result_meta = models.JSONField(default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="render_jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="renderjob_creator_idx"),
            models.Index(fields=["kind", "status"], name="renderjob_kind_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="renderjob_progress_0_100",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in JobStatus]),
                name="renderjob_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["running", "done"]) | Q(started_at__isnull=False),
                name="renderjob_started_when_running",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["done", "failed"]) | Q(finished_at__isnull=False),
                name="renderjob_finished_when_over",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(result=""),
                name="renderjob_done_has_result",
            ),
            models.CheckConstraint(condition=~Q(kind=""), name="renderjob_kind_present"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} job #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
