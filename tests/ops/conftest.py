"""Fixtures for operations tests: a second, empty instance on the other database
engine, and a way to run manage.py and scripts against it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.api.conftest import _fresh_caches  # noqa: F401  (autouse: empty caches)
from tests.media.conftest import moto_endpoint, s3, stored_files  # noqa: F401


def instance_env(database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """Environment of a production-like instance (DEBUG off) on its own database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("S3_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        ENV_FILE="",
        DEBUG="0",
        SECRET_KEY="test-only-secret-key-not-for-production-use-0123456789",
        SECURE_SSL_REDIRECT="0",
        STATIC_MANIFEST="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="memorial.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        PYTHONPATH=str(settings.BASE_DIR),
    )
    env.update(extra)
    return env


@dataclass
class Instance:
    """Another installation of the archive: its own database and media folder."""

    database_url: str
    media_root: Path
    vendor: str
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return instance_env(self.database_url, self.media_root, **self.extra_env)

    def run(self, *args: str, check: bool = True, timeout: float = 600):
        result = subprocess.run(
            [sys.executable, *args],
            env=self.env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def manage(self, *args: str, check: bool = True, timeout: float = 600):
        return self.run("manage.py", *args, check=check, timeout=timeout)


def _postgres(name: str) -> tuple[str, list[str]]:
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
        check=True,
        capture_output=True,
    )
    return f"postgres://postgres@127.0.0.1:5432/{name}", [
        "dropdb",
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "--if-exists",
        "--force",
        name,
    ]


@pytest.fixture
def other_engine_instance(tmp_path) -> Instance:
    """An empty instance on the engine the tests are NOT running on: PostgreSQL when
    the suite runs on SQLite, a SQLite file when it runs on PostgreSQL."""
    drop = None
    if connection.vendor == "sqlite":
        url, drop = _postgres(f"memorial_rt_{uuid.uuid4().hex[:10]}")
        vendor = "postgresql"
    else:
        url, vendor = f"sqlite:///{tmp_path / 'other.sqlite3'}", "sqlite"
    yield Instance(url, tmp_path / "other-media", vendor)
    if drop:
        subprocess.run(drop, check=False, capture_output=True)


@pytest.fixture
def same_engine_instance(tmp_path) -> Instance:
    """An empty instance on the same engine as the tests (own database)."""
    drop = None
    if connection.vendor == "sqlite":
        url, vendor = f"sqlite:///{tmp_path / 'same.sqlite3'}", "sqlite"
    else:
        url, drop = _postgres(f"memorial_same_{uuid.uuid4().hex[:10]}")
        vendor = "postgresql"
    yield Instance(url, tmp_path / "same-media", vendor)
    if drop:
        subprocess.run(drop, check=False, capture_output=True)
