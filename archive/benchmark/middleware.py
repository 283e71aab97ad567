"""bench_api's cold runs: requests that skip the API's response cache.

Installed only by `archive.benchmark.settings`. A request with `X-Bench-Cold: 1` is
marked `skip_response_cache`, which `archive.api.caching.cached_response` honours,
so every cold request is rendered; the count cache of lists stays on. On the site's
own settings the header means nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

COLD_HEADER = "X-Bench-Cold"


def cold_runs(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.headers.get(COLD_HEADER) == "1":
            request.skip_response_cache = True
        return get_response(request)

    return middleware
