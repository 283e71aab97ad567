"""SQLite and PostgreSQL give byte-identical API answers for the same archive.

Runs on the PostgreSQL leg of the suite (DATABASE_URL=postgres://...): it builds the
same small synthetic archive in a fresh PostgreSQL database of its own and in a
SQLite file, asks both every list page (every ordering), every detail and their
language-collapsed forms (tests/benchmark/answers.py, one process per database),
and compares the bodies byte for byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from archive.benchmark.databases import POSTGRES_SCHEMES, BenchDatabase
from archive.management.commands.bench_api import Command as BenchApi

DATABASE_URL = os.environ.get("DATABASE_URL", "")
SCALE = 24

pytestmark = pytest.mark.skipif(
    urlsplit(DATABASE_URL).scheme not in POSTGRES_SCHEMES,
    reason="compares SQLite with PostgreSQL: set DATABASE_URL=postgres://...",
)


def answers_on(database_url: str, media: Path, out: Path) -> dict[str, str]:
    env = BenchApi().env(database_url, media)
    env["ENV_FILE"] = ""
    result = subprocess.run(
        [sys.executable, "tests/benchmark/answers.py", str(SCALE), str(out)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(out.read_text())


def test_sqlite_and_postgresql_give_byte_identical_answers(tmp_path):
    parts = urlsplit(DATABASE_URL)
    postgres = BenchDatabase(
        url=urlunsplit(parts._replace(path=f"/agree_{os.getpid()}")),
        vendor="postgresql",
        media=tmp_path / "media-postgresql",
    )
    postgres.create()
    try:
        on_postgres = answers_on(postgres.url, postgres.media, tmp_path / "pg.json")
    finally:
        postgres.drop()
    on_sqlite = answers_on(
        f"sqlite:///{tmp_path / 'agree.sqlite3'}",
        tmp_path / "media-sqlite",
        tmp_path / "sqlite.json",
    )
    assert len(on_sqlite) > 100
    assert sorted(on_sqlite) == sorted(on_postgres)
    differing = [url for url in on_sqlite if on_sqlite[url] != on_postgres[url]]
    assert not differing, (
        f"{len(differing)} answers differ, first {differing[0]}:\n"
        f"SQLite     {on_sqlite[differing[0]][:1500]}\n"
        f"PostgreSQL {on_postgres[differing[0]][:1500]}"
    )
