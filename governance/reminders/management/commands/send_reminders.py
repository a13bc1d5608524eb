"""Send today's deadline reminders and overdue escalations (run daily, in the morning).

Idempotent: each reminder is logged with the day it was for, so a second run that day
(or a late run) sends nothing twice."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.reminders.services import reminders_send


class Command(BaseCommand):
    help = "Remind signatories, action owners and paper authors; escalate overdue sign-offs."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as on this date (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        today = _day(options.get("today"))
        counts = reminders_send(today=today)
        total = sum(counts.values())
        detail = ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items())) or "none due"
        self.stdout.write(f"Sent {total} reminder(s) for {today:%Y-%m-%d} ({detail}).")


def _day(value) -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError("--today must be a date, YYYY-MM-DD.") from None
