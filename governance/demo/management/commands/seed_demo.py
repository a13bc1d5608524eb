"""Create (or complete) the fictional demo ICS. Safe to run more than once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from governance.demo.core import DEMO_PASSWORD
from governance.demo.registry import seeders
from governance.organisations.models import Membership


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
        self.stdout.write("  admin                    superuser (/admin/)")
        memberships = Membership.objects.active().select_related("organisation", "user")
        roles: dict[int, list[str]] = {}
        for m in memberships.order_by("organisation__name", "role"):
            roles.setdefault(m.user_id, []).append(f"{m.get_role_display()}, {m.organisation.name}")
        for user in get_user_model().objects.filter(is_superuser=False).order_by("username"):
            what = "; ".join(roles.get(user.pk, [])) or "board member (no organisation role)"
            self.stdout.write(f"  {user.username:<24} {user.get_full_name()} — {what}")
