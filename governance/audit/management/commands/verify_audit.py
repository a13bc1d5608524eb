"""Recompute the audit trail's hash chain, check its signatures and checkpoints, and
report the first break.

Every event's hash, link and key are checked; the Ed25519 signatures at every
``--stride``-th event (default ``chain.STRIDE``), the first and last events, each key
change and each checkpoint's event: a good signature vouches for every event before it,
since its hash covers them. ``--every-signature`` checks each one."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.audit import chain
from governance.audit.models import VerificationRun
from governance.audit.services import verification_perform


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain, its signatures and its checkpoints; exits "
        "non-zero naming the first broken event (and the checkpoint a rewrite contradicts)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes verifying stretches of a long trail in parallel "
            "(default: the CPUs, up to 4; 1 for one process).",
        )
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE",
            help="JSON lines of checkpoints kept outside the database (e.g. copied from "
            "the public portal or an export); may be given more than once.",
        )
        parser.add_argument(
            "--stride",
            type=int,
            default=chain.STRIDE,
            help="Check the signature of every N-th event (default %(default)s), as well "
            "as the first and last, each key change and each checkpoint's event.",
        )
        parser.add_argument(
            "--every-signature", action="store_true", help="Check every event's signature."
        )

    def handle(self, *args, workers=None, checkpoints=(), **options):
        stride = 1 if options.get("every_signature") else options.get("stride", chain.STRIDE)
        if stride < 1:
            raise CommandError("--stride must be at least 1")
        extra = []
        for path in checkpoints:
            try:
                extra.extend(chain.read_checkpoints(path))
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(f"Cannot read checkpoints from {path}: {exc}") from exc
        run = VerificationRun.objects.create(started_at=timezone.now())
        run = verification_perform(run, workers=workers, checkpoints=extra, stride=stride)
        self.stdout.write(f"{run.events_checked} events checked")
        self.stdout.write(f"{run.signatures_checked} signatures checked")
        self.stdout.write(f"{run.checkpoints_matched} checkpoint matches")
        if run.broken_seq is not None:
            raise CommandError(f"Audit trail broken at sequence {run.broken_seq}: {run.problem}")
        self.stdout.write(self.style.SUCCESS("Audit trail intact"))
