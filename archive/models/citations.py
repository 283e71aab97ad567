"""Citations: the link from any record (or one field of it) to a Source."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Citation(models.Model):
    """One statement's evidence: which source, where in it, and optionally its words."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    field_name = models.CharField(
        _("field"),
        max_length=64,
        blank=True,
        help_text=_(
            "Optional: the field this source supports (e.g. 'date_edtf' or 'story'). "
            "Leave empty when it supports the record as a whole."
        ),
    )
    source = models.ForeignKey(
        "archive.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="citations_made",
    )
    locator = models.CharField(
        _("locator"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where in the source: 'p. 12', 'fol. 3r', '00:14:05', 'section 2'."
        ),
    )
    quotation = models.TextField(
        _("quotation"),
        blank=True,
        help_text=_(
            "A short passage of the source, copied exactly. Shown in quotation marks "
            "and always attributed to the source."
        ),
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("What this source says that others do not, e.g. a differing year."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        locator = f", {self.locator}" if self.locator else ""
        return f"{self.source}{locator}"
