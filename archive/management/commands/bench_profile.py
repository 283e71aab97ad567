"""Where a worker's time goes on a benchmark database, in process.

    python manage.py bench_profile --database-url postgres://postgres@127.0.0.1:5432/memorial
    python manage.py bench_profile            # the SQLite benchmark file
    python manage.py bench_profile --site     # public pages instead of the API

Needs a database `bench_api --keep` (PostgreSQL) or `bench_api` (SQLite) seeded and
left in place; nothing is seeded or dropped here. Prints, per scenario (a list of
50 recognitions, one recognition; cold, the response cache bypassed), the median
time of an answer (with `--site`: a recognition page, a person page, an
exhibition page of 30 items and the home page uncached, as `bench_pages` measures
them cold), the part spent in the database (query execution, round trip and
fetch) and the rest (Python). `--profile N` adds cProfile's N heaviest functions
(see `archive.benchmark.inprocess`).
"""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.benchmark.databases import DEFAULT_SQLITE, BenchDatabase
from archive.management.commands.bench_api import Command as BenchApi


class Command(BaseCommand):
    help = "Time API answers in process on a kept benchmark database (DB vs Python)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_SQLITE)
        parser.add_argument("--database-url", default=None)
        parser.add_argument("--pages", type=int, default=12)
        parser.add_argument("--details", type=int, default=100)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--profile", type=int, default=0)
        parser.add_argument(
            "--site",
            action="store_true",
            help="Public pages (as bench_pages measures them cold), not the API.",
        )

    def handle(self, *args, **options):
        database = BenchDatabase.choose(options["database_url"], options["database"])
        if not database.exists():
            raise CommandError(
                f"No benchmark database {database.name}: run bench_api --keep first."
            )
        env = BenchApi().env(database.url, database.media)
        command = [sys.executable, "-m", "archive.benchmark.inprocess"]
        for name in ("pages", "details", "rounds", "profile"):
            command += [f"--{name}", str(options[name])]
        if options["site"]:
            command.append("--site")
        result = subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=False)
        if result.returncode != 0:
            raise CommandError("the in-process run failed")
