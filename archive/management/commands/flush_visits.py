"""Move the page views counted in the cache into the database now (celery beat
does it every five minutes; see archive/visits.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from archive import visits


class Command(BaseCommand):
    help = "Move the public page views counted in the cache into the database."

    def handle(self, *args, **options) -> None:
        moved = visits.flush()
        self.stdout.write(f"{moved} page views flushed.")
