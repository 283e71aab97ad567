"""The load client of `manage.py bench_api`.

It opens N keep-alive connections (one thread each, Python's http.client) and reports
requests per second and latency percentiles.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass


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


def fetch(host: str, port: int, url: str, headers: dict | None = None) -> bytes:
    """The body of a 200 answer to GET `url` (anything else raises)."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    connection.request(
        "GET", url, headers={"Accept": "application/json", **(headers or {})}
    )
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{url} answered {response.status}: {body[:300]!r}")
    return body


def fetch_json(host: str, port: int, url: str, headers: dict | None = None) -> dict:
    return json.loads(fetch(host, port, url, headers))
