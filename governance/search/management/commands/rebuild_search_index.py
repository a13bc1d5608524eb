"""Rebuild the search index from the records (after a restore, an import or an upgrade)."""

from django.core.management.base import BaseCommand

from governance.search.models import Kind
from governance.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Reindex every proposal, decision, paper, minutes, action and risk for search."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", choices=Kind.values, help="Only these kinds")

    def handle(self, *args, **options):
        counts = search_index_rebuild(kinds=options.get("kind"), stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Indexed {sum(counts.values())} records."))
