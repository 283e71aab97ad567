"""The search index: one document per record, and its facet values.

`SearchDocument` holds what search reads of a record, written by one path
(`archive.search.index`, wired in `archive/effects.py`): its texts per language
and weight, its title in every language, its address, and its facets. The database
derives its own full-text index from the texts (a `tsvector` column on PostgreSQL,
an FTS5 table on SQLite, both kept by triggers installed by migration 0007), so the
Python code writes rows and never speaks an engine's dialect when indexing.

The index holds hidden records too, but each row says which audiences may see its
record (`public`, `exhibition`: the one rule, `visible_to()`, evaluated when the row
is written), and the query that finds and ranks hits reads only the rows of the
requester's audience (on SQLite, an FTS5 table per audience, so a hidden record's
words are not even in the statistics bm25 ranks with). Visibility that changes
with the date alone (an embargo ending, a person now presumed dead) is brought
into the rows by the hourly `release_embargoes` task (`index.refresh_visibility`).
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
    title_words = models.PositiveSmallIntegerField(
        _("words in the title"),
        default=1,
        help_text=_(
            "How many different words the record's title holds, in all its "
            "languages (at least 1): a search that matches a record's names or "
            "title ranks it higher the shorter its title (kept by the index)."
        ),
    )
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Whether anonymous visitors may find the record (kept by the index)."
        ),
    )
    exhibition = models.BooleanField(
        _("exhibition clients"),
        default=False,
        help_text=_(
            "Whether exhibition clients may find the record (kept by the index)."
        ),
    )

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
