"""Load a large Integrated Care System for benchmarks and scale checks."""

import time

from django.core.management.base import BaseCommand, CommandError

from governance.scale.load import DEFAULTS, seed_scale


class Command(BaseCommand):
    help = (
        "Grow the demo ICS to a large system (default: "
        + ", ".join(f"{v:,} {k}" for k, v in DEFAULTS.items())
        + "); --scale 0.01 loads a hundredth. Every record is a copy of one written by "
        "the services, with its audit events on the hash chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the default size (0 < s ≤ 10)."
        )
        parser.add_argument(
            "--batch", type=int, default=100, help="Copies inserted per transaction."
        )

    def handle(self, *args, scale, batch, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        started = time.perf_counter()
        target = seed_scale(scale=scale, stdout=self.stdout, batch=batch)
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data loaded in {time.perf_counter() - started:.0f} s: "
                + ", ".join(f"{v:,} {k}" for k, v in target.items())
            )
        )
