"""Export the audit trail as JSON lines, verifiable without the application.

One event a line (with its hash, signature and key id), then the chain head, then every
published checkpoint (``{"type": "checkpoint", ...}``). Verify an export with the
published public keys:

    python3 governance/audit/chain.py audit.jsonl --keys keys.json
"""

import sys

from django.core.management.base import BaseCommand

from governance.audit import chain
from governance.audit.models import AuditEvent, ChainHead
from governance.audit.selectors import published_checkpoints


class Command(BaseCommand):
    help = (
        "Write the audit trail as JSON lines (one event a line, then the chain head and "
        "the published checkpoints)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output)")

    def handle(self, *args, output=None, **options):
        handle = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            count = 0
            for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
                handle.write(chain.canonical_json(event.as_record()) + "\n")
                count += 1
            head = ChainHead.objects.filter(id=1).first()
            handle.write(
                chain.canonical_json(
                    {
                        "type": "head",
                        "seq": head.seq if head else 0,
                        "hash": head.hash if head else chain.GENESIS_HASH,
                    }
                )
                + "\n"
            )
            for point in published_checkpoints():
                handle.write(chain.canonical_json(point) + "\n")
        finally:
            if output:
                handle.close()
        if output:
            self.stderr.write(f"{count} events written to {output}")
