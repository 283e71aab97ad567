"""Controlled vocabularies: subjects, roles, kinds of help and keywords."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Vocabulary(models.TextChoices):
    SUBJECT = "subject", _("Subject")
    ROLE = "role", _("Role of a person")
    HELP_TYPE = "help_type", _("Kind of help")
    KEYWORD = "keyword", _("Keyword")


class Term(models.Model):
    """One entry in a controlled vocabulary, optionally narrower than another."""

    vocabulary = models.CharField(
        _("vocabulary"),
        max_length=20,
        choices=Vocabulary.choices,
        help_text=_("Which list this term belongs to."),
    )
    slug = models.SlugField(
        _("code"),
        max_length=100,
        help_text=_("Short stable code used in web addresses and API filters."),
    )
    label = models.CharField(
        _("label"), max_length=200, help_text=_("The term as readers see it.")
    )
    definition = models.TextField(
        _("definition"), blank=True, help_text=_("What the term covers, in a sentence.")
    )
    broader = models.ForeignKey(
        "self",
        verbose_name=_("broader term"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="narrower",
        help_text=_("The more general term this one falls under, if any."),
    )
    external_uri = models.URLField(
        _("external URI"),
        blank=True,
        help_text=_("The same concept in a shared vocabulary (Getty AAT, Wikidata)."),
    )

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["vocabulary", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["vocabulary", "slug"], name="term_unique_slug_per_vocabulary"
            ),
            models.CheckConstraint(
                condition=~models.Q(broader=models.F("id")),
                name="term_not_broader_than_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.label
