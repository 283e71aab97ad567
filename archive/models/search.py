"""The search index: one document per record, and its facet values.

`SearchDocument` holds what search reads of a record, written by one path
(`archive.search.index`, wired in `archive/effects.py`): its texts per language
and weight, its title in every language, its address, and its facets. The database
derives its own full-text index from the texts (a `tsvector` column on PostgreSQL,
an FTS5 table on SQLite, both kept by triggers installed by migration 0007), so the
Python code writes rows and never speaks an engine's dialect when indexing.

The index holds hidden records too: visibility is a condition of the query that
finds and ranks hits (`archive.search.engine`), evaluated for the requester and the
day, so an embargo that ends needs no write at all.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    kind = models.CharField(_("record type"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("record id"))
    uuid = models.UUIDField(_("public id"))
    slug = models.CharField(_("slug"), max_length=255)
    #: {"en": "...", "fr": "...", ...}: the title in each language (may be empty).
    title = models.JSONField(_("title"), default=dict)
    #: [{"lang": "fr" or "und", "a": ..., "b": ..., "c": ...}, ...]: texts by
    #: language and weight (A names and titles, B summaries, captions and
    #: descriptions, C stories, biographies, synopses and transcripts).
    texts = models.JSONField(_("texts"), default=list)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="search_document_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SearchFacet(models.Model):
    """One facet value of a document: its kind, a place, an organisation, a decade
    or a language. Facets are counted and filtered through these rows."""

    document = models.ForeignKey(
        SearchDocument,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="facets",
    )
    facet = models.CharField(_("facet"), max_length=12)
    value = models.CharField(_("value"), max_length=40)

    class Meta:
        verbose_name = _("search facet")
        verbose_name_plural = _("search facets")
        indexes = [
            models.Index(
                fields=["facet", "value", "document"], name="search_facet_idx"
            ),
            models.Index(fields=["document", "facet"], name="search_facet_doc_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"
