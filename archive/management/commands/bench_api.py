"""Benchmark the API under gunicorn against synthetic data, with its ceiling.

    python manage.py bench_api --scale 30000

1. Seeds a separate database with `generate_archive --scale N` (synthetic, marked
   as such; the project's own database is never touched), adds synthetic
   exhibitions of 30 items if it has none, and runs ANALYZE. SQLite by default;
   with `--database-url postgres://...` (or DATABASE_URL naming a PostgreSQL
   server) a database `bench_<name>` of its own on that server, dropped after the
   run (see `archive.benchmark.databases`).
2. Starts gunicorn (2 workers, DEBUG off, a throwaway SECRET_KEY, no HTTPS
   redirect, throttling off) on a free loopback port, with the benchmark's own
   settings (`archive.benchmark.settings`): its URLconf adds the ceiling view and
   its middleware lets cold runs skip the response cache.
3. Measures, with 16 client connections: the 50-item recognition list, a
   recognition, an exhibition of 30 items, search and a recognition's public page
   (HTML), each cold (every request a
   different page, filter, record or search, the response cache bypassed; the count
   cache of lists stays on) and warm (the same request repeated); and for each, the
   ceiling: a minimal view returning a precomputed JSON payload of the same size
   under the same server. Cold searches look for family names and uncommon title
   words found in the list.
4. Prints the table and the targets (ratios to the ceiling, p99).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.benchmark.client import fetch, fetch_json, load
from archive.benchmark.databases import DEFAULT_SQLITE, BenchDatabase
from archive.benchmark.middleware import COLD_HEADER

HOST = "127.0.0.1"
COLD = {COLD_HEADER: "1"}

#: (scenario, mode) -> (minimum share of the ceiling's req/s, or None)
TARGETS = {
    ("list", "cold"): 0.05,
    ("list", "warm"): 0.50,
    ("detail", "cold"): 0.10,
    ("exhibition", "cold"): 0.10,
}
P99_LIMIT_MS = 100.0
SCENARIOS = ("list", "detail", "exhibition", "search", "page")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = "Benchmark the API (req/s, p50, p99; cold and warm) against its ceiling."
    #: (scenario, mode) -> minimum share of the ceiling's req/s.
    targets = TARGETS
    #: What `--only` may name.
    scenario_names: tuple[str, ...] = SCENARIOS

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=30000)
        parser.add_argument(
            "--database",
            default=DEFAULT_SQLITE,
            help="SQLite file for the synthetic archive (created).",
        )
        parser.add_argument(
            "--database-url",
            default=os.environ.get("DATABASE_URL"),
            help="A PostgreSQL server (postgres://user@host:5432/NAME; default: "
            "DATABASE_URL if it names one): the benchmark creates and seeds its own "
            "database bench_NAME there and drops it after the run.",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep an existing benchmark database instead of seeding again.",
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Do not drop the PostgreSQL benchmark database after the run.",
        )
        parser.add_argument(
            "--only",
            nargs="+",
            choices=self.scenario_names,
            help="Measure only these scenarios.",
        )
        parser.add_argument("--seconds", type=float, default=8.0)
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument(
            "--worker-class",
            default="sync",
            choices=["sync", "gthread"],
            help="sync: one request per connection, so the kernel spreads requests "
            "evenly over the workers; gthread: keep-alive connections stay with the "
            "worker that accepted them.",
        )
        parser.add_argument("--json", help="Also write the results to this file.")

    # Set-up ---------------------------------------------------------------------
    def env(self, database_url: str, media: Path) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": database_url,
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "SECURE_SSL_REDIRECT": "0",
                "STATIC_MANIFEST": "0",
                "ALLOWED_HOSTS": HOST,
                "MEDIA_ROOT": str(media),
                "API_THROTTLE_ANON": "",
                "API_THROTTLE_CLIENT": "",
                "LOG_LEVEL": "ERROR",
                "DJANGO_SETTINGS_MODULE": "archive.benchmark.settings",
            }
        )
        env.pop("REDIS_URL", None)
        return env

    def manage(self, env: dict, *args: str) -> None:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]
        self.stdout.write("  $ manage.py " + " ".join(args))
        result = subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=False)
        if result.returncode != 0:
            raise CommandError(f"manage.py {' '.join(args)} failed")

    def seed(
        self,
        env: dict,
        database: BenchDatabase,
        scale: int,
        reuse: bool,
        exhibitions: bool = True,
    ) -> None:
        """Generate the archive; `exhibitions`: also the exhibitions of 30 items
        and their images' renditions (minutes of image work at scale 20,000)."""
        if reuse and database.exists():
            self.stdout.write(f"Reusing {database.name}")
            return
        database.create()
        self.manage(env, "migrate", "--noinput", "-v", "0")
        self.manage(env, "generate_archive", "--scale", str(scale))
        # Generated rows may be written in bulk, without the save signals that keep
        # the search index (and the archive version) current.
        self.manage(env, "rebuild_search_index")
        if exhibitions:
            self.manage(
                env,
                "shell",
                "-c",
                "from archive.benchmark.exhibitions import ensure_bench_exhibitions; "
                "ensure_bench_exhibitions()",
            )
        database.analyze()

    def start_server(
        self, env: dict, port: int, workers: int, threads: int, worker_class: str
    ):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "memorial.wsgi:application",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ]
        process = subprocess.Popen(
            command, env=env, cwd=settings.BASE_DIR, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fetch_json(HOST, port, "/api/v1/")
                return process
            except (OSError, RuntimeError):
                if process.poll() is not None:
                    raise CommandError("gunicorn did not start") from None
                time.sleep(0.3)
        self.stop_server(process)
        raise CommandError("gunicorn did not answer within a minute")

    @staticmethod
    def stop_server(process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    # Scenarios -----------------------------------------------------------------------
    def scenarios(self, port: int) -> dict[str, dict[str, list[str]]]:
        """Cold URLs (all different) and the warm URL for each scenario."""
        pages: list[str] = []
        details: list[str] = []
        web_pages: list[str] = []
        names: list[str] = []
        frequency: dict[str, int] = {}
        url = "/api/v1/recognitions/?page_size=50"
        first = url
        while url and len(pages) < 400:
            pages.append(url)
            data = fetch_json(HOST, port, url)
            for record in data["results"]:
                details.append(record["api_url"].split(f"{HOST}:{port}", 1)[1])
                web_pages.append(record["web_url"].split(f"{HOST}:{port}", 1)[1])
                for word in set((record["title"]["en"] or "").lower().split()):
                    frequency[word] = frequency.get(word, 0) + 1
                for rescuer in record["rescuers"]:
                    names.append(rescuer["person"]["title"].split()[-1])
            url = data["next"].split(f"{HOST}:{port}", 1)[1] if data["next"] else None
        # Other orderings and filters: their first pages (later ones are pages too).
        variants = [
            f"/api/v1/recognitions/?page_size=50&{query}"
            for query in (
                "ordering=-date",
                "ordering=title",
                "ordering=-title",
                "ordering=updated",
                "ordering=-updated",
                "country=BE",
                "country=NL",
                "country=FR",
                "country=BE&ordering=title",
                "country=NL&ordering=-date",
            )
        ]
        rng = random.Random(1940)
        details_cold = details[:]
        rng.shuffle(details_cold)
        pages_cold = web_pages[:]
        rng.shuffle(pages_cold)
        # What visitors look for in a memorial archive: a family name, or a word of
        # a file's title that few files share (a word in every title is a stress
        # test of counting, not a search).
        rare = [
            word
            for word, count in frequency.items()
            if len(word) > 3 and count <= max(2, len(details) // 100)
        ]
        queries = sorted(set(names) | set(rare))
        rng.shuffle(queries)
        search_cold = [
            f"/api/v1/search/?q={quote(word)}&page_size=20" for word in queries
        ]
        if not search_cold:
            raise CommandError("No words to search for.")
        list_cold = pages + variants
        rng.shuffle(list_cold)
        return {
            "list": {"cold": list_cold, "warm": [first]},
            "detail": {"cold": details_cold, "warm": [details[0]]},
            "search": {"cold": search_cold, "warm": [search_cold[0]]},
            # Public pages have no response cache: cold and warm differ only by
            # whether the record changes from one request to the next.
            "page": {"cold": pages_cold, "warm": [web_pages[0]]},
        }

    def exhibition_scenario(self, port: int) -> dict[str, list[str]]:
        exhibitions = self.exhibitions_of_30(port)
        if not exhibitions:
            raise CommandError("No exhibition of 30 items to measure.")
        urls = [
            f"{path}{suffix}"
            for path in exhibitions
            for suffix in ("", "?lang=en", "?lang=fr", "?lang=nl", "?lang=de")
        ]
        return {"cold": urls, "warm": [exhibitions[0]]}

    def exhibitions_of_30(self, port: int) -> list[str]:
        found = []
        url = "/api/v1/exhibitions/?page_size=100"
        while url:
            data = fetch_json(HOST, port, url)
            for record in data["results"]:
                path = record["api_url"].split(f"{HOST}:{port}", 1)[1]
                detail = fetch_json(HOST, port, path)
                items = sum(len(s["items"]) for s in detail["sections"])
                if items == 30:
                    found.append(path)
            url = data["next"].split(f"{HOST}:{port}", 1)[1] if data["next"] else None
        return found

    # Run ---------------------------------------------------------------------------
    def handle(self, *args, **options):
        database = BenchDatabase.choose(options["database_url"], options["database"])
        env = self.env(database.url, database.media)
        self.stdout.write(
            f"Seeding {database.vendor} {database.name} (scale {options['scale']})"
        )
        try:
            self.seed(
                env,
                database,
                options["scale"],
                options["reuse"],
                exhibitions="exhibition" in (options["only"] or self.scenario_names),
            )
            rows, counts = self.serve_and_measure(env, options)
        finally:
            if database.vendor == "postgresql" and not options["keep"]:
                database.drop()
        options["vendor"] = database.vendor
        self.report(rows, counts, options)

    def serve_and_measure(self, env: dict, options: dict) -> tuple[list, dict]:
        port = free_port()
        process = self.start_server(
            env, port, options["workers"], options["threads"], options["worker_class"]
        )
        try:
            counts = {
                route: fetch_json(HOST, port, f"/api/v1/{route}/?page_size=1")["count"]
                for route in ("recognitions", "people", "images", "exhibitions")
            }
            self.stdout.write(f"Public records: {counts}")
            rows = self.measure(port, options)
        finally:
            self.stop_server(process)
        return rows, counts

    def measure(self, port: int, options: dict) -> list[dict]:
        rows = []
        common = {
            "host": HOST,
            "port": port,
            "connections": options["connections"],
            "seconds": options["seconds"],
        }
        wanted = options.get("only")
        scenarios = self.scenarios(port)
        if (
            "exhibition" in (wanted or self.scenario_names)
            and "exhibition" not in scenarios
        ):
            scenarios["exhibition"] = self.exhibition_scenario(port)
        for scenario, urls in scenarios.items():
            if wanted and scenario not in wanted:
                continue
            accept = {"Accept": "text/html"} if scenario == "page" else {}
            size = self.answer_size(port, urls["warm"][0], accept)
            ceiling = load(
                name=f"{scenario} ceiling",
                urls=[f"/api/bench/ceiling/?size={size}"],
                **common,
            )
            rows.append({"scenario": scenario, "mode": "ceiling", **ceiling.as_dict()})
            for mode in ("cold", "warm"):
                headers = {**(COLD if mode == "cold" else {}), **accept}
                result = load(
                    name=f"{scenario} {mode}",
                    urls=urls[mode],
                    headers=headers,
                    **common,
                )
                row = {"scenario": scenario, "mode": mode, **result.as_dict()}
                row["share"] = result.rate / ceiling.rate if ceiling.rate else 0.0
                row["distinct_urls"] = len(set(urls[mode]))
                rows.append(row)
                self.stdout.write(
                    f"  {scenario:10} {mode:5} {row['req_per_s']:8.1f} req/s "
                    f"p50 {row['p50_ms']:7.2f} ms p99 {row['p99_ms']:7.2f} ms "
                    f"{100 * row['share']:5.1f}% of ceiling"
                )
        return rows

    def answer_size(self, port: int, url: str, headers: dict[str, str]) -> int:
        """Bytes of one answer (the API's compact JSON, or a page's HTML): the
        ceiling answers as many."""
        return len(fetch(HOST, port, url, headers))

    def report(self, rows: list[dict], counts: dict, options: dict) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"gunicorn {options['workers']} {options['worker_class']} workers"
            f"{' x ' + str(options['threads']) + ' threads' if options['worker_class'] == 'gthread' else ''}, "
            f"{options['connections']} client connections, "
            f"{options['seconds']:.0f} s per run, {options.get('vendor', 'sqlite')}; "
            f"records: {counts}"
        )
        header = (
            "| scenario | mode | req/s | p50 ms | p99 ms | share of ceiling | "
            "bytes | errors | target |"
        )
        self.stdout.write(header)
        self.stdout.write("|---|---|---:|---:|---:|---:|---:|---:|---|")
        failures = []
        for row in rows:
            target = self.targets.get((row["scenario"], row["mode"]))
            verdicts = []
            if row["mode"] != "ceiling":
                if target is not None:
                    ok = row["share"] >= target
                    verdicts.append(f">= {target:.0%}: {'ok' if ok else 'MISSED'}")
                    if not ok:
                        failures.append(f"{row['scenario']} {row['mode']} share")
                ok = row["p99_ms"] < P99_LIMIT_MS
                verdicts.append(
                    f"p99 < {P99_LIMIT_MS:.0f} ms: {'ok' if ok else 'MISSED'}"
                )
                if not ok:
                    failures.append(f"{row['scenario']} {row['mode']} p99")
            share = "" if row["mode"] == "ceiling" else f"{100 * row['share']:.1f}%"
            self.stdout.write(
                f"| {row['scenario']} | {row['mode']} | {row['req_per_s']:.1f} | "
                f"{row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {share} | "
                f"{row['bytes']} | {row['errors']} | {'; '.join(verdicts)} |"
            )
        if options.get("json"):
            Path(options["json"]).write_text(json.dumps(rows, indent=2))
        if failures:
            self.stdout.write(self.style.WARNING("Missed: " + ", ".join(failures)))
        else:
            self.stdout.write(self.style.SUCCESS("Every target met."))
