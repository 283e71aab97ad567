"""The short load test: locust against gunicorn on a small synthetic archive, on the
database engine the suite runs on, for DURATION seconds. No 5xx and no error.

It proves the harness works end to end (seeding, gunicorn, locust's mixed traffic,
the report); measuring is the full test's job (30,000 recognitions, 50 req/s, 10
minutes: a command in docs/operations.md). It ran for a minute until December 2026;
a quarter of that still sends each request group of the scenario a dozen times
or so."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.ops.conftest import instance_env

pytestmark = pytest.mark.load

#: Seconds of traffic at RATE requests per second.
DURATION = 15
RATE = 10


def _database(tmp_path) -> tuple[str, list[str] | None]:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'load.sqlite3'}", None
    name = f"memorial_load_{uuid.uuid4().hex[:10]}"
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
        check=True,
        capture_output=True,
    )
    drop = ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", name]
    return f"postgres://postgres@127.0.0.1:5432/{name}", drop


def test_a_short_run_of_mixed_traffic_has_no_error_and_no_5xx(tmp_path):
    url, drop = _database(tmp_path)
    report = tmp_path / "load.json"
    try:
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "load_test",
                "--database-url",
                url,
                "--scale",
                "100",
                "--rate",
                str(RATE),
                "--duration",
                str(DURATION),
                "--warmup",
                "3",
                "--workers",
                "2",
                "--no-rate-limit",
                "--media-root",
                str(tmp_path / "media"),
                "--json",
                str(report),
            ],
            env=instance_env(url, tmp_path / "media"),
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    finally:
        if drop:
            subprocess.run(drop, check=False, capture_output=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(report.read_text())
    total = next(row for row in figures["rows"] if row["name"] == "Aggregated")
    assert total["requests"] > DURATION  # at least one a second got through
    assert [row for row in figures["rows"] if row["failures"]] == []
    assert not [row for row in figures["rows"] if "shed 5" in row["name"]]


def test_a_request_group_without_answers_reads_as_zero_not_a_crash(tmp_path):
    """locust writes "N/A" for the percentiles of a group that got no answer yet
    (a short run); the report reads it as 0 instead of failing after the run."""
    from archive.management.commands.load_test import Command

    stats = tmp_path / "stats_stats.csv"
    stats.write_text(
        "Type,Name,Request Count,Failure Count,50%,95%,99%,Requests/s\n"
        "GET,api: search,0,0,N/A,N/A,N/A,0\n"
        "GET,api: detail,4,0,12,30,31,0.8\n"
    )
    rows = Command.read_stats(stats)
    assert [(row["name"], row["p95"]) for row in rows] == [
        ("api: search", 0.0),
        ("api: detail", 30.0),
    ]
