"""Rate limits: per API client, and per address for anonymous requests.

A fixed window counted with one atomic cache increment per request. DRF's built-in
throttles keep every request's timestamp in the cache and re-store the whole list on
each request, which costs more than answering from the response cache.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from archive.client_address import client_address

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """'300/minute' -> (300, 60); empty or '0' switches throttling off."""
    if not rate or rate.strip() in {"0", "off", "none"}:
        return None
    number, _sep, period = rate.strip().partition("/")
    return int(number), PERIODS[period.strip()[0].lower()]


class ApiRateThrottle(BaseThrottle):
    """Rates from settings.API_THROTTLE_ANON and API_THROTTLE_CLIENT (env)."""

    def allow_request(self, request, view) -> bool:
        client = getattr(request, "auth", None)
        if client is not None:
            rate, ident = settings.API_THROTTLE_CLIENT, f"client:{client.pk}"
        else:
            rate, ident = settings.API_THROTTLE_ANON, f"addr:{self.get_ident(request)}"
        parsed = parse_rate(rate)
        if parsed is None:
            return True
        limit, period = parsed
        now = time.time()
        window = int(now // period)
        key = f"throttle:{ident}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
        self._wait = (window + 1) * period - now
        return count <= limit

    def get_ident(self, request) -> str:
        """The client's real address (archive/client_address.py), not DRF's own
        reading of X-Forwarded-For."""
        return client_address(request)

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)
