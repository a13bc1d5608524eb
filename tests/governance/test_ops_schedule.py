"""The scheduled jobs ship as a Celery beat schedule (and the same as cron lines); the
task runs only those commands."""

from __future__ import annotations

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import get_commands

from governance.audit.models import AuditEvent
from governance.celery import app, run_scheduled_command
from governance.schedule import JOBS, TASK_NAME, cron_lines


def test_beat_schedule_has_every_job_once_calling_a_registered_task():
    schedule = settings.CELERY_BEAT_SCHEDULE
    commands = {job.command for job in JOBS}
    assert set(schedule) == commands
    assert {"raise_due_reviews", "reconcile_funds", "verify_audit", "fail_stale_jobs"} <= commands
    available = get_commands()
    for name, entry in schedule.items():
        assert name in available, f"{name} is not a management command"
        assert entry["task"] == TASK_NAME and entry["args"] == (name,)
        assert isinstance(entry["schedule"], crontab)
    assert TASK_NAME in app.tasks


def test_fail_stale_jobs_runs_hourly_and_the_rest_daily():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["fail_stale_jobs"]["schedule"].hour == set(range(24))
    for name in ("raise_due_reviews", "reconcile_funds", "verify_audit"):
        assert len(schedule[name]["schedule"].hour) == 1, name


def test_cron_lines_match_the_schedule():
    manage = "/srv/ics/.venv/bin/python /srv/ics/manage.py"
    lines = cron_lines(manage)
    assert len(lines) == len(JOBS)
    for job, line in zip(JOBS, lines, strict=True):
        assert line == f"{job.minute} {job.hour} * * * {manage} {job.command}"


@pytest.mark.django_db
def test_the_task_runs_a_scheduled_command():
    result = run_scheduled_command.apply(args=("verify_audit",))
    assert result.successful(), result.traceback
    assert AuditEvent.objects.count() == 0  # verifying writes nothing


def test_the_task_refuses_any_other_command():
    result = run_scheduled_command.apply(args=("flush",))
    assert result.failed()
    assert isinstance(result.result, ValueError)
