"""Counting public page views per record and day, without personal data and
without a database write in the visitor's request.

`count(request, kind, pk)` adds one to a cache counter (Redis when configured,
so every process shares it; the per-process memory cache otherwise) keyed by kind,
record and day, and names that counter in an index of counters to flush (a Redis
set beside the counters; with the memory cache, a set in the same process).
`flush()` moves the indexed counters into `RecordVisit` rows: its work is
proportional to the records visited since the last flush, not to the archive. It
runs every five minutes on celery beat (`archive.flush_visits`) and on demand
(`manage.py flush_visits`).

The guarantee when views and a flush race: no view is lost and none is counted
twice, as long as the flush is not killed midway. `count()` increments the
counter first and indexes it second; `flush()` takes counters out of the index
first (atomically: two flushes never take the same counter), reads them, writes
the counts in one upsert, and then subtracts from each counter what it read.
A view counted after the read stays in the counter, and its counter is back in
the index (indexed after the take), so the next flush moves it. If the database
write fails, the taken counters go back into the index. A flush killed between
its take and its subtraction leaves those views in the cache, unindexed: they are
lost, never doubled (they would be doubled if the write had committed before the
kill and the index were restored).

Views of a record that is no longer public when the flush runs are dropped.

Not counted: requests whose user agent says it is a robot ("bot", "crawler",
"spider"), and pages a reverse proxy or CDN answers from its own cache without
asking the site (the archive's own pages are not cached by Django, so every page
the site renders is counted). See docs/translations.md.
"""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections import defaultdict
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from archive import kinds
from archive.models import RecordVisit

ROBOT_WORDS = ("bot", "crawler", "spider")
#: How long a counter (and the index naming it) lives in the cache.
DAYS_KEPT = 3
#: The window "most visited" counts over.
RECENT_DAYS = 30
#: The cache key of the index of counters to flush.
INDEX_KEY = "visits:index"
#: Rows a single upsert statement writes (SQLite's limit on parameters).
UPSERT_ROWS = 500


def is_robot(request: HttpRequest) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "").lower()
    return any(word in agent for word in ROBOT_WORDS)


def _key(kind: str, pk: int, day: datetime.date) -> str:
    return f"visits:{day.isoformat()}:{kind}:{pk}"


def _parse(key: str) -> tuple[str, int, datetime.date]:
    _visits, day, kind, pk = key.split(":")
    return kind, int(pk), datetime.date.fromisoformat(day)


class _RedisIndex:
    """The index as a Redis set next to the counters (shared by every process)."""

    def __init__(self, backend: RedisCache) -> None:
        self.backend = backend
        self.name = backend.make_and_validate_key(INDEX_KEY)
        self.client = backend._cache.get_client(write=True)

    def add(self, key: str) -> None:
        pipe = self.client.pipeline()
        pipe.sadd(self.name, key)
        pipe.expire(self.name, DAYS_KEPT * 86400)
        pipe.execute()

    def take(self) -> set[str]:
        # SPOP removes what it returns atomically: concurrent flushes share nothing.
        taken: set[str] = set()
        while batch := self.client.spop(self.name, 10_000):
            taken.update(member.decode() for member in batch)
        return taken

    def restore(self, keys: set[str]) -> None:
        if keys:
            self.client.sadd(self.name, *keys)


class _LocalIndex:
    """The index as a set in this process, for the per-process memory cache."""

    keys: set[str] = set()
    lock = threading.Lock()

    def add(self, key: str) -> None:
        with self.lock:
            self.keys.add(key)

    def take(self) -> set[str]:
        with self.lock:
            taken = set(self.keys)
            self.keys.clear()
        return taken

    def restore(self, keys: set[str]) -> None:
        with self.lock:
            self.keys.update(keys)


def _index() -> _RedisIndex | _LocalIndex:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _RedisIndex(backend)
    return _LocalIndex()


def count(request: HttpRequest, kind: str, pk: int) -> None:
    """One view of a public record's page (robots are not counted)."""
    if request.method != "GET" or is_robot(request):
        return
    key = _key(kind, pk, timezone.localdate())
    if not cache.add(key, 1, timeout=DAYS_KEPT * 86400):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=DAYS_KEPT * 86400)
    _index().add(key)  # after the increment: see the module's docstring


def flush() -> int:
    """Move the indexed counters of public records into `RecordVisit`; the number
    of views moved."""
    index = _index()
    taken = index.take()
    if not taken:
        return 0
    try:
        counts = {key: value for key, value in cache.get_many(taken).items() if value}
        rows = _public_rows(counts)
        with transaction.atomic():
            _upsert(rows)
    except BaseException:
        index.restore(taken)
        raise
    for key, value in counts.items():
        with contextlib.suppress(ValueError):  # expired since it was read
            cache.decr(key, value)
    return sum(row[3] for row in rows)


def _public_rows(counts: dict[str, int]) -> list[tuple[str, int, datetime.date, int]]:
    """(kind, record, day, views) of the counted records still public (one query
    per kind visited)."""
    by_kind: dict[str, list[tuple[int, datetime.date, int]]] = defaultdict(list)
    for key, value in counts.items():
        kind, pk, day = _parse(key)
        by_kind[kind].append((pk, day, value))
    rows = []
    for name, found in by_kind.items():
        model = kinds.BY_NAME[name].model
        public = set(
            model._default_manager.public()
            .filter(pk__in={pk for pk, _day, _value in found})
            .values_list("pk", flat=True)
        )
        rows += [(name, pk, day, value) for pk, day, value in found if pk in public]
    return rows


def _upsert(rows: list[tuple[str, int, datetime.date, int]]) -> None:
    """Add the views to their day's row, creating it where there is none. Django's
    `bulk_create(update_conflicts=True)` can only overwrite a column with the new
    row's value (`count = EXCLUDED.count`), not add to it; this statement reads
    the same on SQLite (3.24 and later) and PostgreSQL."""
    table = RecordVisit._meta.db_table
    for start in range(0, len(rows), UPSERT_ROWS):
        chunk = rows[start : start + UPSERT_ROWS]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [
            value
            for kind, pk, day, views in chunk
            for value in (kind, pk, connection.ops.adapt_datefield_value(day), views)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (kind, record_id, day, count) VALUES {values} "
                "ON CONFLICT (kind, record_id, day) "
                f"DO UPDATE SET count = {table}.count + EXCLUDED.count",
                params,
            )


def recent(kind: str, ids: Any = None, days: int = RECENT_DAYS) -> dict[int, int]:
    """Views per record of `kind` over the last `days` days (flushed views)."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    rows = RecordVisit.objects.filter(kind=kind, day__gt=since)
    if ids is not None:
        rows = rows.filter(record_id__in=ids)
    totals = rows.values("record_id").annotate(total=Sum("count"))
    return {row["record_id"]: row["total"] for row in totals}
