"""Index every record's words again (after data written in bulk)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from archive.api.search_index import INDEXED, rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search word index. Saves keep it current; run this after "
        "writing records in bulk (bulk_create, update(), raw SQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind", action="append", choices=list(INDEXED), help="Only these types."
        )

    def handle(self, *args, **options):
        counts = rebuild(kinds=options["kind"])
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count} words")
