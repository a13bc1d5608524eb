"""Raise a review task for every registered risk whose review date has come.

Idempotent: a risk with an open review task gets no second one, so running it twice
(or from two schedulers at once) creates nothing new. Run it daily, e.g. from cron.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from governance.risks.services import review_tasks_raise_due


class Command(BaseCommand):
    help = "Create review tasks for risks whose next review date has passed (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Treat this day (YYYY-MM-DD) as today; default: today (Europe/London).",
        )

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be a date as YYYY-MM-DD.") from None
        raised = review_tasks_raise_due(actor=None, today=today)
        for task in raised:
            self.stdout.write(f"{task.risk.reference}: review due {task.due_date:%d %b %Y}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(raised)} review task{'s' if len(raised) != 1 else ''} raised."
            )
        )
