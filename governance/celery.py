"""The Celery application for background jobs (board packs).

Configured from Django settings prefixed ``CELERY_`` (``CELERY_BROKER_URL`` etc., see
governance/settings.py); tasks are discovered in each installed app's ``tasks.py``.
Without ``CELERY_BROKER_URL`` nothing is sent to a broker: jobs run in-process
(``governance.packs.jobs``). Run a worker with::

    celery -A governance worker --loglevel=INFO
    celery -A governance beat --loglevel=INFO   # one only: the scheduled jobs
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="governance.run_scheduled_command", ignore_result=True)
def run_scheduled_command(command: str) -> None:
    """Run one of the scheduled management commands (governance/schedule.py) on a worker.
    Only the listed commands run: a forged message cannot start any other command."""
    from django.core.management import call_command

    from governance.schedule import JOBS

    if command not in {job.command for job in JOBS}:
        raise ValueError(f"{command!r} is not a scheduled job")
    call_command(command)
