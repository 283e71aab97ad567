"""bench_pages runs end to end on a tiny synthetic archive (figures are for the
report, not asserted): seeding, gunicorn, every page scenario cold and warm and
its ceiling, the table and the JSON."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from archive.management.commands.bench_pages import Command as BenchPages

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the smoke test seeds a SQLite file whatever the suite's database; "
    "the SQLite run of the suite covers it",
)


def test_benchmark_command_measures_every_page_scenario(tmp_path):
    out = io.StringIO()
    report = tmp_path / "pages.json"
    call_command(
        "bench_pages",
        "--scale",
        "20",
        "--seconds",
        "0.2",
        "--connections",
        "1",
        "--workers",
        "1",
        "--database",
        str(tmp_path / "bench.sqlite3"),
        "--database-url",
        "",
        "--json",
        str(report),
        stdout=out,
    )
    rows = json.loads(report.read_text())
    assert {(row["scenario"], row["mode"]) for row in rows} == {
        (scenario, mode)
        for scenario in BenchPages.scenario_names
        for mode in ("ceiling", "cold", "warm")
    }
    # Every page answered 200 before its runs (the ceiling's size is read from
    # it); how many requests fit in a 0.2 s window depends on the machine's load,
    # so only the whole run is asked to have measured something, without errors.
    assert all(row["errors"] == 0 for row in rows), rows
    assert sum(row["requests"] for row in rows if row["mode"] != "ceiling") > 0
    text = out.getvalue()
    assert "| recognition | cold |" in text and "of ceiling" in text
