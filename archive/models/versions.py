"""One counter that changes whenever any content changes.

The API keys its response cache on it: a cached answer is reused only while the
counter is unchanged, so no response can outlive the content it was made from.
"""

from __future__ import annotations

import datetime

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SINGLETON_ID = 1


class ArchiveVersion(models.Model):
    """A single row: how many content changes there have been, and the last one's time.

    Bumped by `archive.api.caching` on every save or delete of archive content; read
    once per API request with one indexed lookup.
    """

    version = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("last content change"), default=timezone.now)

    class Meta:
        verbose_name = _("archive version")
        verbose_name_plural = _("archive version")

    def __str__(self) -> str:
        return f"{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

    @classmethod
    def bump(cls) -> None:
        """Count one content change. Runs inside the caller's transaction, so the
        counter moves exactly when the change commits (and not if it rolls back)."""
        now = timezone.now()
        updated = cls.objects.filter(pk=SINGLETON_ID).update(
            version=models.F("version") + 1, changed_at=now
        )
        if not updated:
            cls.objects.get_or_create(
                pk=SINGLETON_ID, defaults={"version": 1, "changed_at": now}
            )

    @classmethod
    def current(cls) -> tuple[int, datetime.datetime]:
        """The counter and the time of the last change (epoch when nothing changed).

        Plain SQL: this runs on every API request, and the ORM would spend more time
        building the query than the database spends answering it.
        """
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT version, changed_at FROM {table} WHERE id = %s",
                [SINGLETON_ID],
            )
            row = cursor.fetchone()
        if row is None:
            return 0, datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        version, changed_at = row
        if isinstance(changed_at, str):  # SQLite returns text
            changed_at = datetime.datetime.fromisoformat(changed_at)
        if timezone.is_naive(changed_at):
            changed_at = timezone.make_aware(changed_at, datetime.UTC)
        return int(version), changed_at
