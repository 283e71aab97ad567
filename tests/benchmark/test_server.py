"""bench_api's server: the ceiling and cold runs exist only under its own settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive import models as m
from archive.benchmark import settings as bench_settings
from archive.benchmark.databases import BenchDatabase
from archive.benchmark.middleware import COLD_HEADER
from archive.management.commands.bench_api import Command as BenchApi
from tests import factories as f
from tests.api.conftest import _fresh_caches  # noqa: F401  (autouse: empty caches)

COLD = {COLD_HEADER: "1"}
CEILING = "/api/bench/ceiling/?size=300"


def run_python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def queries_for(client, url: str, headers: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers or {}).status_code == 200
    return len(captured)


def test_the_site_has_no_benchmark_route(client):
    """The production URLconf answers the ceiling's address with a plain 404."""
    assert client.get(CEILING).status_code == 404


def test_the_benchmark_urlconf_adds_the_ceiling_to_the_site(client, settings):
    """Under bench_api's URLconf the ceiling answers exactly `size` bytes of JSON,
    and the site's own answers (and its problem+json errors) are unchanged."""
    settings.ROOT_URLCONF = bench_settings.ROOT_URLCONF
    response = client.get(CEILING)
    assert response.status_code == 200
    assert len(response.content) == 300
    json.loads(response.content)
    missing = client.get("/api/v1/no-such-list/")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_cold_requests_skip_the_response_cache_only_on_the_benchmark_server(
    client, settings
):
    """`X-Bench-Cold: 1` renders the answer again under bench_api's middleware; on
    the site's own settings the header changes nothing."""
    f.make_recognition(status=m.Status.PUBLISHED)
    url = "/api/v1/recognitions/"
    rendered = queries_for(client, url)
    cached = queries_for(client, url)
    assert cached < rendered
    assert queries_for(client, url, COLD) == cached
    settings.MIDDLEWARE = bench_settings.MIDDLEWARE
    bench_client = Client()  # a client loads its middleware once
    assert queries_for(bench_client, url, COLD) > cached
    assert queries_for(bench_client, url) == cached


def test_bench_api_serves_with_its_own_settings(tmp_path):
    """The environment bench_api gives its server routes the ceiling."""
    env = BenchApi().env(f"sqlite:///{tmp_path / 'bench.sqlite3'}", tmp_path / "media")
    assert env["DJANGO_SETTINGS_MODULE"] == "archive.benchmark.settings"
    out = run_python(
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/api/bench/ceiling/?size=64', HTTP_HOST='127.0.0.1'); "
        "print(r.status_code, len(r.content))",
        env,
    )
    assert out.split() == ["200", "64"]


def test_the_site_never_imports_the_benchmark():
    """Checks, every URLconf and the WSGI application load no benchmark module."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "memorial.settings"}
    out = run_python(
        "import sys, django; django.setup(); "
        "from django.core.management import call_command; call_command('check'); "
        "import memorial.wsgi; "
        "print([n for n in sys.modules if n.startswith('archive.benchmark')])",
        env,
    )
    assert out.strip().splitlines()[-1] == "[]"


def test_bench_api_on_postgresql_uses_a_database_of_its_own(tmp_path):
    """Given the project's PostgreSQL URL, the benchmark seeds and drops
    `bench_<name>` on the same server, never the named database; anything else
    (no URL, a SQLite URL) gives the SQLite file."""
    url = "postgres://memorial:secret@db.internal:5433/memorial"
    database = BenchDatabase.choose(url, str(tmp_path / "bench.sqlite3"))
    assert database.vendor == "postgresql"
    assert database.name == "bench_memorial"
    assert database.url == "postgres://memorial:secret@db.internal:5433/bench_memorial"
    for other in (None, "", "sqlite:////tmp/project.sqlite3"):
        chosen = BenchDatabase.choose(other, str(tmp_path / "bench.sqlite3"))
        assert chosen.vendor == "sqlite"
        assert chosen.name == str(tmp_path / "bench.sqlite3")
