"""Where a worker's time goes, in process: `manage.py bench_profile`.

Answers the same cold API requests (response cache bypassed), or with `--site` the
public pages `bench_pages` measures (a recognition, a person, an exhibition of 30
items, the home page uncached; each in the four languages), through Django's test
client in this process, against a database `bench_api --keep` seeded, and splits
each answer's time into the database's (time spent in cursor `execute`, which
with psycopg includes the round trip and fetching the rows) and the rest (Python:
building the queries' parameters, the rows into dicts, the presenters, orjson,
Django's request handling). With `--profile` it also prints a cProfile of the run.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client

from archive.benchmark.middleware import COLD_HEADER


@dataclass
class Timings:
    """Per request: wall time, time inside the database, queries."""

    total: list[float] = field(default_factory=list)
    database: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def row(self) -> dict[str, float]:
        total = statistics.median(self.total) * 1000
        database = statistics.median(self.database) * 1000
        return {
            "requests": len(self.total),
            "median_ms": round(total, 2),
            "database_ms": round(database, 2),
            "python_ms": round(total - database, 2),
            "queries": statistics.median(self.queries),
        }


class DatabaseClock:
    """An `execute_wrapper` adding up the time spent executing queries."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute: Callable, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def list_urls(client: Client, pages: int, page_size: int = 50) -> list[str]:
    """The first `pages` pages of recognitions (following `next`)."""
    urls = []
    url: str | None = f"/api/v1/recognitions/?page_size={page_size}"
    while url and len(urls) < pages:
        urls.append(url)
        data = client.get(url).json()
        url = data["next"] and data["next"].split("127.0.0.1", 1)[1]
    return urls


def detail_urls(client: Client, count: int) -> list[str]:
    data = client.get(f"/api/v1/recognitions/?page_size={min(count, 100)}").json()
    return [r["api_url"].split("127.0.0.1", 1)[1] for r in data["results"]][:count]


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def site_urls(client: Client, count: int) -> dict[str, list[str]]:
    """Public pages, each record in one of the four languages in turn: the
    same kinds of page as `bench_pages` measures cold."""
    from archive.kinds import language_codes

    codes = language_codes()

    def spread(route: str) -> list[str]:
        data = client.get(f"/api/v1/{route}/?page_size={min(count, 100)}").json()
        paths = [_path(r["web_url"]) for r in data["results"]][:count]
        return [
            f"/{codes[i % len(codes)]}/" + path.split("/", 2)[2]
            for i, path in enumerate(paths)
        ]

    exhibitions = []
    for record in client.get("/api/v1/exhibitions/?page_size=100").json()["results"]:
        detail = client.get(record["api_url"].split("127.0.0.1", 1)[1]).json()
        if sum(len(s["items"]) for s in detail["sections"]) == 30:
            path = _path(detail["web_url"])
            exhibitions += [f"/{code}/" + path.split("/", 2)[2] for code in codes]
    return {
        "recognition page": spread("recognitions"),
        "person page": spread("people"),
        "exhibition page (30 items)": exhibitions[:count],
        "home page, uncached": [f"/{code}/" for code in codes],
    }


def measure(
    client: Client, urls: list[str], rounds: int, profiler: cProfile.Profile | None
) -> Timings:
    timings = Timings()
    clock = DatabaseClock()
    headers = {COLD_HEADER: "1"}
    with connection.execute_wrapper(clock):
        for _round in range(rounds):
            for url in urls:
                clock.seconds, clock.count = 0.0, 0
                if profiler is not None:
                    profiler.enable()
                start = time.perf_counter()
                response = client.get(url, headers=headers)
                elapsed = time.perf_counter() - start
                if profiler is not None:
                    profiler.disable()
                assert response.status_code == 200, (url, response.status_code)
                timings.total.append(elapsed)
                timings.database.append(clock.seconds)
                timings.queries.append(clock.count)
    return timings


def profile_text(profiler: cProfile.Profile, lines: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    """Run in the environment `bench_api` gives its server (see bench_profile)."""
    import argparse
    import json

    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--details", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--site", action="store_true")
    args = parser.parse_args(argv)
    django.setup()
    client = Client(HTTP_HOST="127.0.0.1")
    if args.site:
        scenarios = site_urls(client, args.details)
    else:
        scenarios = {
            "list of 50": list_urls(client, args.pages),
            "one recognition": detail_urls(client, args.details),
        }
    # Warm up: compile and prepare every query shape, fill the count cache.
    measure(client, [url for urls in scenarios.values() for url in urls], 1, None)
    results = {}
    profiles = {}
    for name, urls in scenarios.items():
        profiler = cProfile.Profile() if args.profile else None
        results[name] = measure(client, urls, args.rounds, profiler).row()
        if profiler is not None:
            profiles[name] = profile_text(profiler, args.profile)
    print(json.dumps({"vendor": connection.vendor, "results": results}))
    for name, text in profiles.items():
        print(f"\n===== {name} =====\n{text}")


if __name__ == "__main__":
    main()
