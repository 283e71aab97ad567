"""`manage.py load_test`: locust against gunicorn on a synthetic archive.

    python manage.py load_test --database-url postgres://.../memorial_load \\
        --scale 30000 --rate 50 --duration 600 --workers 4

1. Seeds the given (separate!) database: `migrate`, `generate_archive --scale N`
   (synthetic records, marked as such), the search index and the benchmark
   exhibitions; `--reuse` skips this when the database already holds them.
2. Starts gunicorn with the production settings (`memorial.settings`, DEBUG off,
   the site's own rate limits unless `--no-rate-limit`).
3. Runs the locust scenario in `archive/benchmark/locustfile.py` headless at
   `--rate` requests per second for `--duration` seconds, and samples the memory
   of every gunicorn worker after a warm-up and at the end.
4. Prints one table (requests, p50, p95, p99, errors, shed 429/503 answers) per
   request group and the worker memory growth; `--json` also writes it to a file.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.management.commands.bench_api import Command as BenchApi
from archive.management.commands.bench_api import free_port

LOCUSTFILE = Path(__file__).resolve().parents[2] / "benchmark" / "locustfile.py"

#: The issue's targets: p95 per request group (ms), and worker memory growth (%).
P95_TARGETS_MS = {
    "api: detail": 150,
    "page: record": 150,
    "api: list": 300,
    "api: search": 300,
    "api: exhibition": 300,
    "page: home": 300,
}
MEMORY_GROWTH_TARGET = 10.0


def _number(cell: str) -> float:
    """A figure from locust's CSV: a group with no answers yet has "N/A"."""
    try:
        return float(cell)
    except ValueError:
        return 0.0


def worker_memory(master_pid: int) -> dict[int, int]:
    """Resident memory (bytes) of each gunicorn worker, by pid."""
    import psutil

    master = psutil.Process(master_pid)
    return {child.pid: child.memory_info().rss for child in master.children()}


class Command(BaseCommand):
    help = "Load-test gunicorn with locust on a synthetic archive (see docs/)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database-url", required=True)
        parser.add_argument("--scale", type=int, default=30000)
        parser.add_argument("--reuse", action="store_true")
        parser.add_argument("--rate", type=float, default=50.0, help="requests/s")
        parser.add_argument("--users", type=int, default=0, help="0: rate / 2")
        parser.add_argument("--duration", type=int, default=600, help="seconds")
        parser.add_argument("--warmup", type=int, default=10, help="seconds")
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--no-rate-limit", action="store_true")
        parser.add_argument(
            "--media-root",
            default=str(Path(tempfile.gettempdir()) / "memorial-load-media"),
            help="Media folder of the synthetic archive (kept for --reuse).",
        )
        parser.add_argument("--json", help="Also write the results to this file.")

    def env(self, options: dict, media: Path) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=options["database_url"],
            DEBUG="0",
            ENV_FILE="",
            SECRET_KEY=secrets.token_urlsafe(50),
            SECURE_SSL_REDIRECT="0",
            STATIC_MANIFEST="0",
            ALLOWED_HOSTS="127.0.0.1",
            MEDIA_ROOT=str(media),
            LOG_LEVEL="ERROR",
            DJANGO_SETTINGS_MODULE="memorial.settings",
        )
        if options["no_rate_limit"]:
            env.update(API_THROTTLE_ANON="", API_THROTTLE_CLIENT="")
        return env

    def seed(self, env: dict, scale: int) -> None:
        bench = BenchApi(stdout=self.stdout, stderr=self.stderr)
        bench.manage(env, "migrate", "--noinput", "-v", "0")
        bench.manage(env, "generate_archive", "--scale", str(scale), "--replace")
        bench.manage(env, "rebuild_search_index")
        bench.manage(
            env,
            "shell",
            "-c",
            "from archive.benchmark.exhibitions import ensure_bench_exhibitions; "
            "ensure_bench_exhibitions(); from django.db import connection; "
            "connection.cursor().execute('ANALYZE')",
        )

    def handle(self, *args, **options) -> None:
        with tempfile.TemporaryDirectory(prefix="load-test-") as work:
            work_dir = Path(work)
            env = self.env(options, Path(options["media_root"]))
            if not options["reuse"]:
                self.seed(env, options["scale"])
            port = free_port()
            bench = BenchApi(stdout=self.stdout, stderr=self.stderr)
            server = bench.start_server(env, port, options["workers"], 1, "sync")
            try:
                result = self.run_locust(env, port, server.pid, options, work_dir)
            finally:
                bench.stop_server(server)
        self.report(result, options)

    def run_locust(
        self, env: dict, port: int, master: int, options: dict, work: Path
    ) -> dict:
        users = options["users"] or max(1, round(options["rate"] / 2))
        locust_env = {**env, "LOAD_RATE_PER_USER": str(options["rate"] / users)}
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{options['duration']}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(work / "stats"),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ]
        process = subprocess.Popen(
            command,
            env=locust_env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(min(options["warmup"], options["duration"] / 2))
        memory_start = worker_memory(master)
        _out, errors = process.communicate()
        memory_end = worker_memory(master)
        if not (work / "stats_stats.csv").exists():
            raise CommandError(f"locust failed: {errors[-2000:]}")
        return {
            "rows": self.read_stats(work / "stats_stats.csv"),
            "memory_start": sum(memory_start.values()),
            "memory_end": sum(memory_end.values()),
            "workers": len(memory_end),
            "users": users,
        }

    @staticmethod
    def read_stats(path: Path) -> list[dict]:
        rows = []
        with path.open() as handle:
            for row in csv.DictReader(handle):
                rows.append(
                    {
                        "type": row["Type"],
                        "name": row["Name"],
                        "requests": int(row["Request Count"]),
                        "failures": int(row["Failure Count"]),
                        "p50": _number(row["50%"]),
                        "p95": _number(row["95%"]),
                        "p99": _number(row["99%"]),
                        "rps": _number(row["Requests/s"]),
                    }
                )
        return rows

    @staticmethod
    def verdicts(rows: list[dict], growth: float) -> dict[str, bool]:
        """The issue's targets, each passed or not. Shed answers (429, 503) are
        not errors; every other non-2xx/3xx answer, refused connection or timeout
        is. At twice the load, expect shed answers, and still no errors."""
        errors = sum(row["failures"] for row in rows if row["name"] != "Aggregated")
        shed = sum(row["requests"] for row in rows if row["type"] == "SHED")
        checks = {f"no errors and no 5xx other than shed 503s ({errors})": not errors}
        for row in rows:
            target = P95_TARGETS_MS.get(row["name"])
            if target is not None and row["type"] != "SHED":
                checks[f"{row['name']} p95 {row['p95']:.0f} <= {target} ms"] = (
                    row["p95"] <= target
                )
        checks[f"worker memory growth {growth:+.1f}% < {MEMORY_GROWTH_TARGET:g}%"] = (
            growth < MEMORY_GROWTH_TARGET
        )
        checks[f"shed answers (429/503), fast: {shed}"] = all(
            row["p95"] <= 300 for row in rows if row["type"] == "SHED"
        )
        return checks

    def report(self, result: dict, options: dict) -> None:
        start, end = result["memory_start"], result["memory_end"]
        growth = (end - start) / start * 100 if start else 0.0
        result.update(
            memory_growth_percent=round(growth, 1),
            rate=options["rate"],
            duration=options["duration"],
            scale=options["scale"],
        )
        self.stdout.write(
            f"\n{options['rate']:g} req/s offered for {options['duration']} s by "
            f"{result['users']} users; gunicorn {result['workers']} sync workers\n"
        )
        self.stdout.write(
            "| group | requests | req/s | p50 ms | p95 ms | p99 ms | errors |"
        )
        self.stdout.write("|---|---:|---:|---:|---:|---:|---:|")
        for row in result["rows"]:
            self.stdout.write(
                f"| {row['type']} {row['name']} | {row['requests']} | "
                f"{row['rps']:.1f} | {row['p50']:.0f} | {row['p95']:.0f} | "
                f"{row['p99']:.0f} | {row['failures']} |"
            )
        self.stdout.write(
            f"\nworker memory: {start / 2**20:.0f} MiB after warm-up, "
            f"{end / 2**20:.0f} MiB at the end ({growth:+.1f}%)"
        )
        result["verdicts"] = self.verdicts(result["rows"], growth)
        self.stdout.write("\ntargets:")
        for label, passed in result["verdicts"].items():
            self.stdout.write(f"  {'PASS' if passed else 'FAIL'}  {label}")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(result, indent=2))
