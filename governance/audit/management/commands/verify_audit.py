"""Recompute the audit trail's hash chain and report the first break."""

from django.core.management.base import BaseCommand, CommandError

from governance.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero naming the first broken event."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes verifying stretches of a long trail in parallel "
            "(default: the CPUs, up to 4; 1 for one process).",
        )

    def handle(self, *args, workers=None, **options):
        result = verify_chain(workers=workers)
        self.stdout.write(f"{result.checked} events checked")
        if not result.ok:
            raise CommandError(
                f"Audit trail broken at sequence {result.broken_seq}: {result.problem}"
            )
        self.stdout.write(self.style.SUCCESS("Audit trail intact"))
