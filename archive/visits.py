"""Counting public page views per record and day, without personal data and
without a database write in the visitor's request.

`count(request, kind, pk)` adds one to a cache counter (Redis when configured,
so every process shares it; the per-process memory cache otherwise) keyed by kind,
record and day; `flush()` moves the counters into `RecordVisit` rows. The flush
runs every five minutes on celery beat (`archive.flush_visits`) and on demand
(`manage.py flush_visits`). It reads a counter and subtracts what it read
(`decr`), so views counted while it runs are kept for the next flush.

Not counted: requests whose user agent says it is a robot ("bot", "crawler",
"spider"), and pages a reverse proxy or CDN answers from its own cache without
asking the site (the archive's own pages are not cached by Django, so every page
the site renders is counted). See docs/translations.md.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone

from archive import kinds
from archive.models import RecordVisit

ROBOT_WORDS = ("bot", "crawler", "spider")
#: How many past days a flush looks at (a counter lives a little longer).
DAYS_KEPT = 3
#: The window "most visited" counts over.
RECENT_DAYS = 30


def is_robot(request: HttpRequest) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "").lower()
    return any(word in agent for word in ROBOT_WORDS)


def _key(kind: str, pk: int, day: datetime.date) -> str:
    return f"visits:{day.isoformat()}:{kind}:{pk}"


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


def flush(today: datetime.date | None = None) -> int:
    """Move the cached counters of public records into `RecordVisit`; the number
    of views moved."""
    today = today or timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(DAYS_KEPT)]
    moved = 0
    for kind in kinds.KINDS:
        ids = kind.model._default_manager.public().values_list("pk", flat=True)
        keys = {_key(kind.name, pk, day): (pk, day) for pk in ids for day in days}
        for key, value in cache.get_many(list(keys)).items():
            if not value:
                continue
            pk, day = keys[key]
            with transaction.atomic():
                row, _created = RecordVisit.objects.get_or_create(
                    kind=kind.name, record_id=pk, day=day
                )
                RecordVisit.objects.filter(pk=row.pk).update(count=F("count") + value)
            cache.decr(key, value)
            moved += value
    return moved


def recent(kind: str, ids: Any = None, days: int = RECENT_DAYS) -> dict[int, int]:
    """Views per record of `kind` over the last `days` days (flushed views)."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    rows = RecordVisit.objects.filter(kind=kind, day__gt=since)
    if ids is not None:
        rows = rows.filter(record_id__in=ids)
    totals = rows.values("record_id").annotate(total=Sum("count"))
    return {row["record_id"]: row["total"] for row in totals}
