"""Sign and publish the audit chain head as a checkpoint (run daily from the schedule)."""

from django.core.management.base import BaseCommand

from governance.audit.services import checkpoint_publish


class Command(BaseCommand):
    help = "Sign the audit trail's chain head and publish it as a checkpoint."

    def handle(self, *args, **options):
        point = checkpoint_publish(actor=None)
        self.stdout.write(point.text())
