"""Scheduled (daily): open every ended month of every agreed system envelope (a due
return and an inbox task per partner), then flag and chase overdue returns (at most
once a day each). Idempotent: running it twice the same day changes nothing more."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from budgets.services.envelope_returns import envelope_months_open, envelope_returns_chase


class Command(BaseCommand):
    help = "Open ended months of agreed system envelopes and chase overdue returns."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as of this date (YYYY-MM-DD); default today.")
        parser.add_argument("--no-chase", action="store_true", help="Only open months.")

    def handle(self, *args, **options):
        today = None
        if options.get("today"):
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("Give --today as YYYY-MM-DD.") from None
        opened = envelope_months_open(today=today)
        for m in opened:
            self.stdout.write(
                f"Opened {m.envelope.reference} M{m.month}: returns due {m.due_date:%d %b %Y}"
            )
        chased = 0 if options["no_chase"] else envelope_returns_chase(today=today)
        self.stdout.write(f"{len(opened)} month(s) opened; {chased} overdue return(s) chased.")
