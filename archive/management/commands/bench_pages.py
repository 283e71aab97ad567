"""Benchmark the public pages under gunicorn against the API benchmark's ceiling.

    python manage.py bench_pages --scale 30000

Same set-up as `bench_api` (a separate synthetic SQLite database, gunicorn with
the benchmark's settings, the ceiling view answering as many bytes as the page):
the home page, a recognition, a person, an exhibition of 30 items and a search,
each cold (every request a different page or language) and warm (one page again
and again). Pages have no response cache: "warm" measures the compiled queries and
the process's own caches (citations, map outlines, translations).
"""

from __future__ import annotations

import random
from urllib.parse import quote, urlsplit

from django.core.management.base import CommandError

from archive import kinds
from archive.benchmark.client import fetch_json
from archive.management.commands import bench_api
from archive.management.commands.bench_api import HOST

LANGUAGES = kinds.language_codes()


def _path(url: str) -> str:
    return urlsplit(url).path


def _in(language: str, path: str) -> str:
    """The page's address in another language (/en/x/ -> /fr/x/)."""
    return f"/{language}/" + path.split("/", 2)[2]


class Command(bench_api.Command):
    help = "Benchmark the public pages (req/s, p50, p99; cold and warm)."
    targets = {("recognition", "cold"): 0.10}
    scenario_names = ("home", "recognition", "person", "exhibition", "search")

    def records(self, port: int, route: str, limit: int) -> list[dict]:
        found: list[dict] = []
        url: str | None = f"/api/v1/{route}/?page_size=100"
        while url and len(found) < limit:
            data = fetch_json(HOST, port, url)
            found += data["results"]
            url = (
                _path(data["next"]) + "?" + urlsplit(data["next"]).query
                if data["next"]
                else None
            )
        return found[:limit]

    def scenarios(self, port: int) -> dict[str, dict[str, list[str]]]:
        rng = random.Random(1940)
        recognitions = [
            _path(r["web_url"]) for r in self.records(port, "recognitions", 400)
        ]
        people = [_path(r["web_url"]) for r in self.records(port, "people", 400)]
        exhibitions = [
            _path(fetch_json(HOST, port, path)["web_url"])
            for path in self.exhibitions_of_30(port)
        ]
        if not (recognitions and people and exhibitions):
            raise CommandError("The synthetic archive has nothing to show.")
        words = sorted(
            {path.rstrip("/").rsplit("/", 1)[1].split("-")[0] for path in people}
        )
        rng.shuffle(words)

        def spread(paths: list[str]) -> list[str]:
            cold = [_in(rng.choice(LANGUAGES), path) for path in paths]
            rng.shuffle(cold)
            return cold

        return {
            "home": {"cold": [f"/{code}/" for code in LANGUAGES], "warm": ["/en/"]},
            "recognition": {"cold": spread(recognitions), "warm": [recognitions[0]]},
            "person": {"cold": spread(people), "warm": [people[0]]},
            "exhibition": {
                "cold": [_in(code, path) for path in exhibitions for code in LANGUAGES],
                "warm": [exhibitions[0]],
            },
            "search": {
                "cold": [
                    f"/{rng.choice(LANGUAGES)}/search/?q={quote(word)}"
                    for word in words
                ],
                "warm": [f"/en/search/?q={quote(words[0])}"],
            },
        }
