"""Django's PostgreSQL backend, testing a kept connection only after it sat idle,
and reading moments with psycopg's own (compiled) parser.

With `CONN_HEALTH_CHECKS` Django tests a kept connection before each request's
first query: a `SELECT 1` round trip, which cost 90 µs of processor time per
request on the reference machine (53 in the worker, 38 in the server; 20,000 in
a row, median of three runs), on every request, busy or not. What the test
catches is a connection that died between two requests: the server restarted,
or a firewall or pooler dropped a connection left idle. Here a connection on
which Django last made a cursor less than `DATABASE_HEALTH_CHECK_IDLE` seconds
ago (1 by default) is taken as alive, as that cursor's query found it; one idle
for longer is tested as Django tests it. Prepared statements
(`archive.statements.statement_cursor`) are tested and count as use the same
way. With `DATABASE_POOL` the pool's own check applies instead, as in Django. A
connection that fails during a request is still closed at its end (Django's
`close_if_unusable_or_obsolete`), so the next request connects anew.
`DATABASE_HEALTH_CHECK_IDLE=0` tests before every request, as Django does.

What a busy worker gives up: a server restarted within that second of its last
request fails that worker's next request (503 with Retry-After, the API's
problem or the site's page: tests/ops/test_faults.py) instead of reconnecting
first; the requests under way when the server went down fail either way.

Moments (`timestamptz`): Django reads them with a loader of its own that
subclasses psycopg's pure-Python one, so that every moment is parsed in Python
(2.1 µs against 0.15 µs for psycopg's compiled parser, measured here); a list
of 50 recognitions reads over 100. `MomentLoader` gives the same values (the
moment in Django's time zone) through psycopg's compiled parser where it is
installed (`psycopg[binary]`).
"""

from __future__ import annotations

import datetime
import functools
import time
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg.adapt import AdaptersMap, Loader
from psycopg.pq import Format

#: psycopg's own loader of timestamptz text: compiled where psycopg's C
#: extension is installed, its Python one otherwise.
TIMESTAMPTZ = psycopg.adapters.types["timestamptz"].oid
PARSER = psycopg.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)


class MomentLoader(Loader):
    """A moment as Django's own loader gives it: psycopg's value, in Django's time
    zone (`timezone`; None gives a naive moment, as Django's does)."""

    timezone: datetime.tzinfo | None = None

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        self._parse = PARSER(oid, context).load

    def load(self, data: Any) -> datetime.datetime:
        moment = self._parse(data)
        if moment.tzinfo is self.timezone:  # psycopg's UTC is Django's
            return moment
        return moment.replace(tzinfo=self.timezone)


@functools.cache
def moment_loader(timezone: datetime.tzinfo | None) -> type[MomentLoader]:
    """The loader of moments in `timezone`, as Django's `register_tzloader` makes
    one; one class per time zone (psycopg keeps every loader class registered)."""
    return type(
        "SpecificMomentLoader",
        (MomentLoader,),
        {"timezone": timezone, "__module__": __name__},
    )


@functools.lru_cache(maxsize=16)
def adapters_with_moments(
    template: AdaptersMap, timezone: datetime.tzinfo | None
) -> AdaptersMap:
    """Django's adapters for a connection (`template`, which Django makes once
    per time zone) with `MomentLoader`: made once per template, as Django's is,
    on every connect (with a pool, every request), and Django's left untouched."""
    adapters = AdaptersMap(template)
    adapters.register_loader("timestamptz", moment_loader(timezone))
    return adapters


class DatabaseWrapper(base.DatabaseWrapper):
    #: time.monotonic() when Django (or `archive.statements`) last made a cursor
    #: on this connection (None: not since it was opened).
    used_at: float | None = None

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        params["context"] = adapters_with_moments(params["context"], self.timezone)
        return params

    def connect(self) -> None:
        super().connect()
        self.used_at = None

    def close_if_health_check_failed(self) -> None:
        idle = settings.DATABASE_HEALTH_CHECK_IDLE
        if (
            self.connection is not None
            and self.used_at is not None
            and time.monotonic() - self.used_at < idle
        ):
            self.health_check_done = True
        super().close_if_health_check_failed()
        if self.connection is not None:
            self.used_at = time.monotonic()
