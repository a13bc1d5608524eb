"""Background jobs: a registry of job kinds and the services that queue and run them.

An app registers a kind once, from its ``AppConfig.ready``::

    from governance.packs.jobs import JobResult, register_job

    def build_pack(job, report_progress):
        spec = ...  # from job.params, e.g. {"meeting": 12, "variant": "public"}
        pack = render_pack(spec, progress=report_progress)
        return JobResult("board-2026-05-14-public.pdf", pack.pdf, pack.page_count,
                         meta={"item_pages": pack.item_pages})

    register_job("meetings.pack", build_pack)

and queues work with ``job_enqueue(actor=user, kind="meetings.pack", params={...})``.
After the enqueuing transaction commits, the job goes to Celery when
``settings.CELERY_BROKER_URL`` is set; otherwise to the app's own runner
(``governance.packs.runner``: a few daemon threads in each web process, so the embedded
default needs no broker and the click still returns at once). Outside a web process
(``manage.py`` commands), or with ``PACK_JOBS_INLINE`` (the test suite's default), it runs
in the committing thread instead. Whoever runs it claims
the job first with a conditional update, so a job runs once however many runners see it;
``job_run`` does the work and records progress, the result or the failure; the UI polls
``packs:job-status``. A failed job can be queued again with ``job_retry``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from governance.audit.services import audit_record
from governance.packs.models import JobStatus, RenderJob
from governance.packs.spec import PackError

logger = logging.getLogger(__name__)


@dataclass
class JobResult:
    """What a job function returns: a file name, the PDF, its page count, extras."""

    filename: str
    content: bytes = field(repr=False)
    pages: int | None = None
    meta: dict = field(default_factory=dict)


ReportProgress = Callable[[int, str], None]
JobFunc = Callable[[RenderJob, ReportProgress], "JobResult | tuple"]

_REGISTRY: dict[str, JobFunc] = {}
_LABELS: dict[str, Callable[[RenderJob], str]] = {}
# Kinds that are reads (reports): who may read the job's file, per kind. See register_job.
_READERS: dict[str, Callable[[object, RenderJob], bool]] = {}


class JobFailed(Exception):
    """Raise from a job function to fail the job with this message for the user."""


def register_job(
    kind: str,
    func: JobFunc,
    *,
    label: Callable[[RenderJob], str] | None = None,
    may_read: Callable[[object, RenderJob], bool] | None = None,
):
    """Register ``func(job, report_progress)`` as the worker for ``kind``.

    ``label(job)`` names a job of this kind to people ("Public pack"); without it the
    job is "Job 12". Registering the same function again is harmless; another function
    under a kind already taken is an error.

    ``may_read(user, job)`` makes the kind a *read* (a report render): the job row is a
    render cache, not a governance record. Whoever ``may_read`` allows may follow the job,
    download its file and retry it (auditors included, who change nothing), nobody else;
    and its life (queued, started, done, failed, retried) writes no audit event. Without
    it a job is a governed action (packs): audited, followed by its creator, the ICB
    secretariat and auditors, retried by its creator or the secretariat.
    """
    if not kind or len(kind) > 64:
        raise ValueError("A job kind is 1–64 characters, e.g. 'meetings.pack'.")
    existing = _REGISTRY.get(kind)
    if existing is not None and existing is not func:
        raise ValueError(f"Job kind {kind!r} is already registered to {existing!r}.")
    _REGISTRY[kind] = func
    if label is not None:
        _LABELS[kind] = label
    if may_read is not None:
        _READERS[kind] = may_read


def unregister_job(kind: str) -> None:
    """Remove a kind (for tests)."""
    _REGISTRY.pop(kind, None)
    _LABELS.pop(kind, None)
    _READERS.pop(kind, None)


def is_read_kind(kind: str) -> bool:
    """Is ``kind`` a read (a report render, registered with ``may_read``): not audited."""
    return kind in _READERS


def _audit(job: RenderJob, **kwargs) -> None:
    """Audit a step of a governed job; a read job (a report render) is not audited."""
    if not is_read_kind(job.kind):
        audit_record(target=job, **kwargs)


def job_label(job: RenderJob) -> str:
    """What a job is called on screen, e.g. "Members' pack"."""
    label = _LABELS.get(job.kind)
    try:
        return (label(job) if label else "") or f"Job {job.pk}"
    except Exception:  # a label never breaks a page
        logger.exception("Label of job %s failed", job.pk)
        return f"Job {job.pk}"


def registered_kinds() -> list[str]:
    return sorted(_REGISTRY)


# --- services ---------------------------------------------------------------------------


def job_enqueue(*, actor, kind: str, params: dict | None = None) -> RenderJob:
    """Queue a job of a registered ``kind``; it starts once this transaction commits."""
    errors: dict[str, list[str]] = {}
    if kind not in _REGISTRY:
        errors["kind"] = [f"Unknown job kind {kind!r}."]
    params = {} if params is None else params
    if not isinstance(params, dict):
        errors["params"] = ["Parameters must be a JSON object."]
    else:
        try:
            params = json.loads(json.dumps(params))
        except (TypeError, ValueError):
            errors["params"] = ["Parameters must be plain JSON values."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        job = RenderJob.objects.create(
            kind=kind,
            params=params,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            message="Waiting to start",
        )
        _audit(
            job,
            actor=actor,
            verb="job.enqueue",
            changes={"kind": kind, "params": params, "status": JobStatus.QUEUED},
        )
        transaction.on_commit(lambda: _dispatch(job.pk), robust=True)
    return job


def _dispatch(job_id: int) -> None:
    """Hand a committed job to Celery, or run it here when there is no broker."""
    if getattr(settings, "CELERY_BROKER_URL", ""):
        from governance.packs.tasks import run_render_job

        try:
            run_render_job.delay(job_id)
        except Exception as exc:  # broker down: say so rather than queue for ever
            logger.exception("Could not send job %s to the queue", job_id)
            job_fail(job_id=job_id, message=f"The job queue could not be reached ({exc}).")
        return
    from governance.packs import runner

    if getattr(settings, "PACK_JOBS_INLINE", False) or not runner.enabled():
        job_run(job_id)
        return
    runner.wake()


def _claim(job_id: int) -> RenderJob | None:
    """Take a queued job for this runner: one conditional UPDATE (queued -> running), so
    of two runners racing for it exactly one gets a row back, on SQLite and PostgreSQL."""
    with transaction.atomic():
        now = timezone.now()
        taken = RenderJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, progress=0, message="Starting"
        )
        if not taken:
            return None  # gone, or already taken (e.g. a redelivered Celery message)
        job = RenderJob.objects.get(pk=job_id)
        _audit(
            job,
            actor=None,
            verb="job.start",
            changes={"status": {"before": JobStatus.QUEUED, "after": JobStatus.RUNNING}},
        )
    return job


def _progress_reporter(job: RenderJob) -> ReportProgress:
    last = {"percent": -1, "message": None, "at": 0.0}

    def report(percent: int, message: str = "") -> None:
        percent = max(0, min(99, int(percent)))
        now = time.monotonic()
        if percent == last["percent"] and message == last["message"]:
            return
        if percent == last["percent"] and now - last["at"] < 0.5:
            return
        last.update(percent=percent, message=message, at=now)
        # Progress is telemetry, not a change of state: not audited.
        RenderJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            progress=percent, message=str(message)[:500]
        )

    return report


def _as_result(value) -> JobResult:
    if isinstance(value, JobResult):
        return value
    if isinstance(value, tuple) and len(value) in (2, 3, 4):
        return JobResult(*value)
    raise TypeError("A job function returns JobResult(filename, content, pages, meta).")


def job_run(job_id: int) -> RenderJob | None:
    """Run queued job ``job_id`` here: claim it, call its kind's function, record the outcome.

    Returns the job as it ended, or None if it was not queued (already taken). Never
    raises for a failing job function: the failure is recorded on the job.
    """
    job = _claim(job_id)
    if job is None:
        return None
    return _execute(job)


def job_claim_next() -> RenderJob | None:
    """Claim the oldest queued job of a registered kind, or None when there is none (or
    other runners took every candidate first)."""
    candidates = RenderJob.objects.filter(
        status=JobStatus.QUEUED, kind__in=list(_REGISTRY)
    ).order_by("created_at", "pk")
    for job_id in candidates.values_list("pk", flat=True)[:10]:
        job = _claim(job_id)
        if job is not None:
            return job
    return None


def job_run_next() -> RenderJob | None:
    """Claim and run the oldest queued job; None when there was nothing to run."""
    job = job_claim_next()
    return None if job is None else _execute(job)


def _execute(job: RenderJob) -> RenderJob:
    started = time.monotonic()
    try:
        func = _REGISTRY.get(job.kind)
        if func is None:
            raise JobFailed(f"No worker is registered for jobs of kind {job.kind!r}.")
        result = _as_result(func(job, _progress_reporter(job)))
        if not result.content:
            raise JobFailed("The job produced an empty file.")
    except (JobFailed, PackError, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return job_fail(job_id=job.pk, message=message, started=started)
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        return job_fail(job_id=job.pk, message=f"{type(exc).__name__}: {exc}", started=started)
    return _job_complete(job, result, started)


def _job_complete(job: RenderJob, result: JobResult, started: float) -> RenderJob:
    name = get_valid_filename(result.filename or f"{job.kind}-{job.pk}.pdf")[:150] or "result.pdf"
    digest = hashlib.sha256(result.content).hexdigest()
    meta = json.loads(json.dumps(result.meta or {}, default=str))
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().get(pk=job.pk)
        job.result.save(f"{job.pk}-{digest[:16]}-{name}", ContentFile(result.content), save=False)
        job.status = JobStatus.DONE
        job.progress = 100
        job.message = "Done"
        job.result_name = name
        job.result_pages = result.pages
        job.result_bytes = len(result.content)
        job.result_sha256 = digest
        job.result_meta = meta
        job.finished_at = timezone.now()
        job.duration_ms = int((time.monotonic() - started) * 1000)
        job.save()
        _audit(
            job,
            actor=None,
            verb="job.done",
            changes={
                "status": {"before": JobStatus.RUNNING, "after": JobStatus.DONE},
                "result": name,
                "pages": result.pages,
                "bytes": len(result.content),
                "sha256": digest,
                "duration_ms": job.duration_ms,
            },
        )
    return job


def job_fail(*, job_id: int, message: str, started: float | None = None) -> RenderJob:
    """Record that a job failed, with a message for the person who asked for it."""
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().get(pk=job_id)
        before = job.status
        job.status = JobStatus.FAILED
        job.message = (message or "The job failed.")[:500]
        job.finished_at = timezone.now()
        if started is not None:
            job.duration_ms = int((time.monotonic() - started) * 1000)
        job.save(update_fields=["status", "message", "finished_at", "duration_ms"])
        _audit(
            job,
            actor=None,
            verb="job.fail",
            changes={"status": {"before": before, "after": JobStatus.FAILED}},
            reason=job.message,
        )
    return job


def jobs_fail_stale(*, older_than: datetime.timedelta) -> int:
    """Fail queued or running jobs started (or queued) longer ago than ``older_than``:
    their worker died or their message was lost. Returns how many were failed."""
    cutoff = timezone.now() - older_than
    stale = RenderJob.objects.filter(
        Q(status=JobStatus.QUEUED, created_at__lt=cutoff)
        | Q(status=JobStatus.RUNNING, started_at__lt=cutoff)
    ).values_list("pk", flat=True)
    count = 0
    for job_id in list(stale):
        job_fail(job_id=job_id, message="The job did not finish: its worker stopped or was lost.")
        count += 1
    return count


def job_may_view(user, job: RenderJob) -> bool:
    """Who may follow a job and download its file: for a read kind (a report), whoever
    may read that report (its ``may_read``); otherwise its creator, the ICB secretariat
    and auditors (``selectors.jobs_visible_to``)."""
    from governance import permissions

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    reader = _READERS.get(job.kind)
    if reader is not None:
        return bool(reader(user, job))
    return job.created_by_id == user.pk or permissions.reads_everything(user)


def job_may_retry(user, job: RenderJob) -> bool:
    """Who may queue a failed job again: for a read kind (a report), whoever may read it;
    otherwise whoever asked for it, and the ICB secretariat (auditors follow governed
    jobs but change nothing)."""
    from governance import permissions

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_read_kind(job.kind):
        return job_may_view(user, job)
    return job.created_by_id == user.pk or permissions.is_system_secretariat(user)


def job_retry(*, actor, job_id: int) -> RenderJob:
    """Queue a failed job again (same kind and parameters, same id, so the page that
    follows it keeps following it); it starts once this transaction commits."""
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job_may_retry(actor, job):
            raise PermissionDenied("You cannot retry this job.")
        if job.status != JobStatus.FAILED:
            raise ValidationError("Only a failed job can be retried.")
        if job.kind not in _REGISTRY:
            raise ValidationError(f"Jobs of kind {job.kind!r} can no longer be run.")
        reason = job.message
        job.status = JobStatus.QUEUED
        job.progress = 0
        job.message = "Waiting to start"
        job.started_at = None
        job.finished_at = None
        job.duration_ms = None
        job.save(
            update_fields=[
                "status",
                "progress",
                "message",
                "started_at",
                "finished_at",
                "duration_ms",
            ]
        )
        _audit(
            job,
            actor=actor,
            verb="job.retry",
            changes={"status": {"before": JobStatus.FAILED, "after": JobStatus.QUEUED}},
            reason=f"Previous attempt failed: {reason}"[:500],
        )
        transaction.on_commit(lambda: _dispatch(job.pk), robust=True)
    return job
