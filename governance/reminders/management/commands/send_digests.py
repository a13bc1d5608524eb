"""Send the daily digest to everyone who chose it (run daily, after send_reminders).

Idempotent: at most one digest a person a day."""

from django.core.management.base import BaseCommand

from governance.reminders.digest import digests_send
from governance.reminders.management.commands.send_reminders import _day


class Command(BaseCommand):
    help = "E-mail each person who chose the daily digest what awaits them."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as on this date (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        today = _day(options.get("today"))
        count = digests_send(today=today)
        self.stdout.write(f"Sent {count} digest(s) for {today:%Y-%m-%d}.")
