"""The scheduled jobs, in one place: Celery beat runs them, cron lines are derived.

Each job is a management command (it can always be run by hand). With Celery,
``celery -A governance beat`` sends ``governance.run_scheduled_command`` at these times
(Europe/London) and a worker runs it. Without Celery, :func:`cron_lines` gives the
equivalent crontab lines, which the README lists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduledJob:
    command: str
    minute: str
    hour: str
    purpose: str


# Staggered at night, away from the working day; fail_stale_jobs every hour.
JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob("raise_due_reviews", "10", "6", "review tasks for risks past review date"),
    ScheduledJob("reconcile_funds", "20", "2", "check each pooled fund against its ledger"),
    ScheduledJob("verify_audit", "40", "2", "recompute the audit trail's hash chain"),
    ScheduledJob("publish_checkpoint", "50", "2", "sign the audit chain head and publish it"),
    ScheduledJob(
        "refresh_signoff_blocks", "1", "0", "re-test open sign-offs as deputies start and end"
    ),
    ScheduledJob(
        "open_envelope_months", "30", "6", "open ended envelope months; chase late returns"
    ),
    ScheduledJob("fail_stale_jobs", "5", "*", "fail pack jobs whose worker died"),
    ScheduledJob(
        "send_reminders", "0", "7", "remind before deadlines; escalate overdue sign-offs"
    ),
    ScheduledJob("send_digests", "15", "7", "the daily digest for those who chose it"),
)

TASK_NAME = "governance.run_scheduled_command"


def beat_schedule() -> dict:
    """``CELERY_BEAT_SCHEDULE``: one entry a job, each calling the one task by name."""
    from celery.schedules import crontab

    return {
        job.command: {
            "task": TASK_NAME,
            "schedule": crontab(minute=job.minute, hour=job.hour),
            "args": (job.command,),
        }
        for job in JOBS
    }


def cron_lines(manage: str = "/srv/ics/.venv/bin/python /srv/ics/manage.py") -> list[str]:
    """The same schedule as crontab lines (TZ of the cron daemon: set it to Europe/London)."""
    return [f"{job.minute} {job.hour} * * * {manage} {job.command}" for job in JOBS]
