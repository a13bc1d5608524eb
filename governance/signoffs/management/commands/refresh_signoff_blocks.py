"""Re-test every open sign-off for conflicts of interest (run daily).

Memberships, deputy appointments and register entries start and end by date; the
services re-test at once when they are changed, and this catches the days on which one
simply begins or runs out. Idempotent: a change of state is audited once."""

from django.core.management.base import BaseCommand
from django.db import transaction

from governance.signoffs.services import refresh_all_pending


class Command(BaseCommand):
    help = "Re-test every open sign-off: blocked or unblocked by today's signatories and deputies."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = refresh_all_pending()
        self.stdout.write(f"Re-tested {count} open sign-off(s).")
