"""The database `manage.py bench_api` seeds, measures and removes.

SQLite: a file (default /tmp/memorial-bench.sqlite3). PostgreSQL: a database of its
own on the server `--database-url` (or DATABASE_URL) names, called `bench_<name>`:
the named database itself is never touched. The benchmark creates it, seeds it and
drops it after the run (unless asked to keep it for a later `--reuse`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

DEFAULT_SQLITE = "/tmp/memorial-bench.sqlite3"
POSTGRES_SCHEMES = ("postgres", "postgresql")


@dataclass(frozen=True)
class BenchDatabase:
    """Where the synthetic archive lives for one benchmark run."""

    url: str
    vendor: str  # "sqlite" or "postgresql"
    media: Path

    @classmethod
    def choose(cls, url: str | None, sqlite_file: str) -> BenchDatabase:
        """The benchmark's own database: on the PostgreSQL server of `url` if it
        is one, otherwise the SQLite file `sqlite_file`."""
        if url and urlsplit(url).scheme in POSTGRES_SCHEMES:
            parts = urlsplit(url)
            name = parts.path.lstrip("/") or "memorial"
            bench = f"bench_{name}"[:63]
            return cls(
                url=urlunsplit(parts._replace(path=f"/{bench}")),
                vendor="postgresql",
                media=Path(f"/tmp/memorial-{bench}-media"),
            )
        database = Path(sqlite_file).resolve()
        return cls(
            url=f"sqlite:///{database}",
            vendor="sqlite",
            media=database.with_name(database.stem + "-media"),
        )

    @property
    def name(self) -> str:
        return dj_database_url.parse(self.url)["NAME"]

    def _admin(self):
        """An autocommit connection to the server's maintenance database."""
        import psycopg

        config = dj_database_url.parse(self.url)
        return psycopg.connect(
            dbname="postgres",
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            autocommit=True,
        )

    def exists(self) -> bool:
        if self.vendor == "sqlite":
            return Path(self.name).exists()
        with self._admin() as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
            ).fetchone()
        return found is not None

    def create(self) -> None:
        """An empty database (an existing one is dropped first)."""
        self.drop()
        if self.vendor == "postgresql":
            with self._admin() as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.name}{suffix}").unlink(missing_ok=True)
            return
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def analyze(self) -> None:
        """Fresh planner statistics (and, on PostgreSQL, a visibility map for
        index-only scans), as a database in service would have."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.name) as connection:
                connection.execute("ANALYZE")
            return
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
