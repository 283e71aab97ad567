"""Locust scenario for `manage.py load_test`: a realistic mix of visitors and
exhibition apps against a synthetic archive (`generate_archive`).

Weights: record pages and API details are most of the traffic; lists, search,
exhibitions and the home page the rest. Every user runs at a constant throughput
(`LOAD_RATE_PER_USER` requests per second), so users x rate = the offered load. A
429 (rate limit) or 503 (overload) counts as "shed", not as an error; anything
else that is not 2xx or 3xx is an error. Names group requests for the report.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, constant_throughput, events, task

RATE_PER_USER = float(os.environ.get("LOAD_RATE_PER_USER", "1"))
KINDS = ("recognitions", "people", "testimonies", "events", "places", "sources")
WORDS = ("Brussels", "Antwerp", "Mechelen", "rescue", "letter", "synthetic")
SAMPLE: dict[str, list[dict]] = {}


@events.test_start.add_listener
def collect_sample(environment, **kwargs) -> None:
    """One page of each kind, read once, to pick records from."""
    import requests

    host = environment.host
    for kind in (*KINDS, "exhibitions"):
        answer = requests.get(f"{host}/api/v1/{kind}/?page_size=100", timeout=30)
        answer.raise_for_status()
        SAMPLE[kind] = answer.json()["results"]


class Visitor(HttpUser):
    wait_time = constant_throughput(RATE_PER_USER)

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code in (429, 503):
                response.success()
                events.request.fire(
                    request_type="SHED",
                    name=f"{name} (shed {response.status_code})",
                    response_time=response.elapsed.total_seconds() * 1000,
                    response_length=0,
                    exception=None,
                    context={},
                )
            elif response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")

    def _record(self, kind: str | None = None) -> dict:
        return random.choice(SAMPLE[kind or random.choice(KINDS)])

    @task(3)
    def record_page(self) -> None:
        kind = random.choice(KINDS)
        self._get(f"/{kind}/{self._record(kind)['slug']}/", "page: record")

    @task(3)
    def api_detail(self) -> None:
        kind = random.choice(KINDS)
        self._get(f"/api/v1/{kind}/{self._record(kind)['id']}/", "api: detail")

    @task(2)
    def api_list(self) -> None:
        kind = random.choice(KINDS)
        self._get(f"/api/v1/{kind}/?page_size=20", "api: list")

    @task(1)
    def search(self) -> None:
        self._get(f"/api/v1/search/?q={random.choice(WORDS)}", "api: search")

    @task(1)
    def exhibition(self) -> None:
        found = self._record("exhibitions")
        self._get(f"/api/v1/exhibitions/{found['id']}/", "api: exhibition")

    @task(1)
    def home(self) -> None:
        self._get("/", "page: home")
