"""The ceiling of `manage.py bench_api`: the cheapest answer this server can give.

A minimal Django view that returns a precomputed JSON payload, through the same
middleware as the API. Only the benchmark's own URLconf (`archive.benchmark.urls`)
routes it; the site's URLconf never does.
"""

from __future__ import annotations

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
