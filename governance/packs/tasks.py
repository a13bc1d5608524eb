"""Celery task: run one background job (see governance.packs.jobs)."""

from __future__ import annotations

from celery import shared_task
from django.db import close_old_connections, connection

from governance.packs.jobs import job_run


@shared_task(name="packs.run_render_job", ignore_result=True)
def run_render_job(job_id: int) -> None:
    """Run job ``job_id``; a redelivered message for a job already taken does nothing."""
    try:
        job_run(job_id)
    finally:
        if not connection.in_atomic_block:
            close_old_connections()
