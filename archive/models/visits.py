"""How often each public record page was read, per day: the translators' queue
puts the most read records first.

No personal data: a row is (kind, record id, day, count), nothing about who read
it (no address, no agent, no cookie). Views are counted in the cache first and
flushed here by a periodic task (`archive/visits.py`), so reading a page never
waits on a database write.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordVisit(models.Model):
    """Page views of one public record on one day."""

    kind = models.CharField(
        _("kind"), max_length=20, help_text=_("The record's kind, e.g. “person”.")
    )
    record_id = models.PositiveIntegerField(
        _("record"), help_text=_("The record's identifier within its kind.")
    )
    day = models.DateField(_("day"), help_text=_("The day of the visits (Brussels)."))
    count = models.PositiveIntegerField(
        _("visits"), default=0, help_text=_("Public page views that day.")
    )

    class Meta:
        verbose_name = _("record visits")
        verbose_name_plural = _("record visits")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_id", "day"], name="record_visit_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id} {self.day}: {self.count}"
