"""A counter that changes whenever any content changes, and when each audience last
saw a change.

The API keys its response cache on the counter: a cached answer is reused only while
the counter is unchanged, so no response can outlive the content it was made from.
Its Last-Modified comes from the stamp of the requester's audience, which only
moves when a change that audience could see is saved (archive/api/caching.py), so
polling a public list does not show when curators work on drafts.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive.statements import run_statement

SINGLETON_ID = 1
#: Who may read the API: anonymous clients, and exhibition-tier keys (who also see
#: everything public). The keys of `archive.api.context.Audience`.
AUDIENCES: tuple[str, ...] = ("public", "exhibition")
#: Before any change is recorded.
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class VersionStamp:
    """The counter and the time of the last change, overall and per audience."""

    version: int
    changed_at: datetime.datetime
    audience_changed_at: dict[str, datetime.datetime]

    def changed_for(self, audience: str) -> datetime.datetime:
        """The last change this audience could see."""
        return self.audience_changed_at[audience]


class ArchiveVersion(models.Model):
    """A single row: how many content changes there have been, the last one's time,
    and the time of the last change each audience could see.

    Bumped by `archive.api.caching` on every save or delete of archive content; read
    once per API request with one indexed lookup.
    """

    version = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("last content change"), default=timezone.now)
    public_changed_at = models.DateTimeField(
        _("last change the public could see"),
        default=timezone.now,
        help_text=_(
            "Moves only when something anonymous visitors can see changes (drafts, "
            "embargoed and restricted records leave it alone); the API's "
            "Last-Modified for them."
        ),
    )
    exhibition_changed_at = models.DateTimeField(
        _("last change exhibition apps could see"),
        default=timezone.now,
        help_text=_(
            "As for the public, for authorised exhibition apps (who also see "
            "exhibition-only records)."
        ),
    )

    class Meta:
        verbose_name = _("archive version")
        verbose_name_plural = _("archive version")

    def __str__(self) -> str:
        return f"{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

    @classmethod
    def bump(cls, audiences: Iterable[str] = AUDIENCES) -> None:
        """Count one content change, seen by these audiences (by default all of
        them). Exhibition apps see whatever the public sees, so a public change is
        theirs too.

        Runs inside the caller's transaction, so the counter moves exactly when the
        change commits (and not if it rolls back)."""
        seen = set(audiences)
        if "public" in seen:
            seen.add("exhibition")
        now = timezone.now()
        stamps = {f"{audience}_changed_at": now for audience in seen}
        updated = cls.objects.filter(pk=SINGLETON_ID).update(
            version=models.F("version") + 1, changed_at=now, **stamps
        )
        if not updated:
            cls.objects.get_or_create(
                pk=SINGLETON_ID,
                defaults={
                    "version": 1,
                    "changed_at": now,
                    **{f"{audience}_changed_at": EPOCH for audience in AUDIENCES},
                    **stamps,
                },
            )

    @classmethod
    def current(cls) -> VersionStamp:
        """The counter and the times of the last changes (epoch when nothing changed).

        Plain SQL: this runs on every API request, and the ORM would spend more time
        building the query than the database spends answering it. On PostgreSQL
        it runs as a prepared statement (`run_statement`), parsed and planned once
        per connection: 48–50 µs of the worker's processor time and 25 µs of the
        server's a read, against 55–56 and 34–35 bound on the client
        (docs/performance.md, ninth pass)."""
        rows = run_statement(_current_sql(cls._meta.db_table), [SINGLETON_ID])
        row = rows[0] if rows else None
        if row is None:
            return VersionStamp(0, EPOCH, dict.fromkeys(AUDIENCES, EPOCH))
        version, *moments = row
        changed_at, *per_audience = [_aware(moment) for moment in moments]
        return VersionStamp(
            int(version), changed_at, dict(zip(AUDIENCES, per_audience, strict=True))
        )


@functools.cache
def _current_sql(table: str) -> str:
    """`ArchiveVersion.current`'s statement: the same text every time, so one
    prepared statement per connection."""
    columns = ", ".join(f"{audience}_changed_at" for audience in AUDIENCES)
    return (
        f"SELECT version, changed_at, {columns} "
        f"FROM {connection.ops.quote_name(table)} WHERE id = %s"
    )


def _aware(value: datetime.datetime | str) -> datetime.datetime:
    if isinstance(value, str):  # SQLite returns text
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value
