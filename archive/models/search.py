"""A word index for search across record types (see archive/api/search.py).

One row per record and distinct word of its titles and names, in every language,
lower-cased and without accents. Search looks words up by prefix in this index
instead of scanning every title of every table, and still starts from each type's
`visible_to()`, so the index itself never decides what anyone may see.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchToken(models.Model):
    kind = models.CharField(_("record type"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("record id"))
    token = models.CharField(_("word"), max_length=64)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [
            models.Index(fields=["token", "kind", "object_id"], name="search_word_idx"),
            models.Index(fields=["kind", "object_id"], name="search_record_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "token"], name="search_word_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.token}"
