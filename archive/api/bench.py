"""The moving parts of `manage.py bench_api`: the ceiling view and the load client.

The ceiling is the cheapest answer this server can give: a minimal Django view that
returns a precomputed JSON payload, through the same middleware as the API. It is
routed only when `API_BENCHMARK` is on (never in production).

The client opens N keep-alive connections (one thread each, Python's http.client)
and reports requests per second and latency percentiles.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest, HttpResponse

MAX_CEILING_BYTES = 5_000_000


@lru_cache(maxsize=64)
def _payload(size: int) -> bytes:
    """A JSON document of exactly `size` bytes (at least 12)."""
    size = max(12, min(size, MAX_CEILING_BYTES))
    return ('{"x":"' + "a" * (size - 9) + '"}\n').encode()


def ceiling(request: HttpRequest) -> HttpResponse:
    """A precomputed JSON payload of `?size=` bytes: the server's ceiling."""
    try:
        size = int(request.GET.get("size", "1000"))
    except ValueError:
        size = 1000
    return HttpResponse(_payload(size), content_type="application/json")


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    bytes_per_response: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))
        return ordered[index] * 1000

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "requests": self.requests,
            "errors": self.errors,
            "req_per_s": round(self.rate, 1),
            "p50_ms": round(self.percentile(0.50), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "bytes": self.bytes_per_response,
        }


def load(
    *,
    name: str,
    host: str,
    port: int,
    urls: list[str],
    headers: dict[str, str] | None = None,
    connections: int = 16,
    seconds: float = 8.0,
    warmup: float = 1.0,
) -> Result:
    """Request `urls` round-robin over `connections` keep-alive connections for
    `seconds` (after `warmup`), each connection starting at a different URL."""
    headers = {"Accept": "application/json", **(headers or {})}
    lock = threading.Lock()
    latencies: list[float] = []
    counters = {"requests": 0, "errors": 0, "bytes": 0}
    start_at = time.monotonic() + warmup
    stop_at = start_at + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        mine: list[float] = []
        done = errors = size = 0
        index = offset
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            url = urls[index % len(urls)]
            index += connections
            try:
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200
                if response.will_close:
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=30)
            except (OSError, http.client.HTTPException):
                ok = False
                body = b""
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
            ended = time.monotonic()
            # Count what started after the warm-up and finished inside the window.
            if began >= start_at and ended <= stop_at:
                mine.append(ended - began)
                done += 1
                size += len(body)
                if not ok:
                    errors += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            counters["requests"] += done
            counters["errors"] += errors
            counters["bytes"] += size

    threads = [
        threading.Thread(target=worker, args=(offset,), daemon=True)
        for offset in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    requests = counters["requests"]
    return Result(
        name=name,
        requests=requests,
        errors=counters["errors"],
        seconds=seconds,
        latencies=latencies,
        bytes_per_response=counters["bytes"] // requests if requests else 0,
    )


def fetch_json(host: str, port: int, url: str, headers: dict | None = None) -> dict:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    connection.request(
        "GET", url, headers={"Accept": "application/json", **(headers or {})}
    )
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{url} answered {response.status}: {body[:300]!r}")
    return json.loads(body)


#: What a benchmark exhibition shows: 30 items of mixed types.
BENCH_MIX = (
    ("image", 8),
    ("recognition", 10),
    ("person", 4),
    ("event", 3),
    ("place", 3),
    ("source", 2),
)


def ensure_bench_exhibitions(count: int = 40) -> int:
    """Synthetic, published exhibitions of 30 public items each, for bench_api, when
    the generated archive has fewer (and makes their images' renditions). Marked
    synthetic; never run on real data."""
    from archive import models as m
    from archive.api.files import ensure_named_renditions, exhibition_image_ids

    existing = [
        exhibition
        for exhibition in m.Exhibition.objects.public()
        if m.ExhibitionItem.objects.filter(section__exhibition=exhibition).count() == 30
    ]
    missing = count - len(existing)
    if missing > 0:
        _add_bench_exhibitions(missing)
    # What publishing an exhibition does (its images in every named size); rows
    # written in bulk skipped it.
    for exhibition in m.Exhibition.objects.public():
        ensure_named_renditions(exhibition_image_ids(exhibition.pk))
    return max(missing, 0)


def _add_bench_exhibitions(missing: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from archive import models as m
    from archive.api.presenters import MODELS

    pools = {
        kind: list(
            MODELS[kind]
            ._default_manager.public()
            .order_by("pk")
            .values_list("pk", flat=True)[: number * missing]
        )
        for kind, number in BENCH_MIX
    }
    with transaction.atomic():
        for n in range(missing):
            exhibition = m.Exhibition(
                title_en=f"Synthetic bench exhibition {n + 1}",
                summary_en="Generated for the API benchmark; not real history.",
                status=m.Status.PUBLISHED,
                slug=f"synthetic-bench-exhibition-{n + 1}",
            )
            exhibition.is_synthetic = True
            images = pools.get("image") or []
            if images:
                exhibition.hero_image_id = images[n % len(images)]
            exhibition.save()
            section = m.ExhibitionSection.objects.create(
                exhibition=exhibition, title_en="Section"
            )
            position = 0
            for kind, number in BENCH_MIX:
                pool = pools[kind]
                content_type = ContentType.objects.get_for_model(MODELS[kind])
                for k in range(number):
                    if not pool:
                        break
                    m.ExhibitionItem.objects.create(
                        section=section,
                        position=position,
                        content_type=content_type,
                        object_id=pool[(n * number + k) % len(pool)],
                    )
                    position += 1
            # Fill any gap (a type the archive lacks) with recognitions.
            pool = pools.get("recognition") or []
            content_type = ContentType.objects.get_for_model(m.Recognition)
            while position < 30 and pool:
                m.ExhibitionItem.objects.create(
                    section=section,
                    position=position,
                    content_type=content_type,
                    object_id=pool[(n * 7 + position) % len(pool)],
                )
                position += 1
    return missing
