"""Index every record again (after data written in bulk)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from archive import kinds
from archive.search.index import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index. Saves keep it current; run this after writing "
        "records in bulk (bulk_create, update(), raw SQL) or changing what a kind "
        "indexes (archive/kinds.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            choices=[kind.name for kind in kinds.KINDS],
            help="Only these types.",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = rebuild(only=options["kind"])
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count} documents")
        self.stdout.write(f"{time.perf_counter() - started:.1f} s")
