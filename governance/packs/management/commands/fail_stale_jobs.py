"""Mark background jobs whose worker died (or whose message was lost) as failed."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from governance.packs.jobs import jobs_fail_stale


class Command(BaseCommand):
    help = "Fail render jobs queued or running for longer than --minutes (default 60)."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=60)

    def handle(self, *args, minutes: int, **options):
        if minutes < 1:
            raise CommandError("--minutes must be at least 1.")
        count = jobs_fail_stale(older_than=datetime.timedelta(minutes=minutes))
        self.stdout.write(f"{count} stale job(s) marked failed")
