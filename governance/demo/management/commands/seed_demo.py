"""Create (or complete) the fictional demo ICS. Safe to run more than once."""

from django.core.management.base import BaseCommand
from django.db import transaction

from governance.demo.core import DEMO_PASSWORD, PEOPLE
from governance.demo.registry import seeders


class Command(BaseCommand):
    help = "Seed a clearly fictional Integrated Care System for demonstration (idempotent)."

    def handle(self, *args, **options):
        for entry in seeders():
            with transaction.atomic():
                entry.func(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS("Demo data ready: Northmere and Calder ICS (fictional).")
        )
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD!r} as:")
        self.stdout.write("  admin  (superuser; /admin/)")
        for username, first, last, _org, role, title in PEOPLE:
            self.stdout.write(f"  {username:<24} {role.label:<22} {first} {last}, {title}")
