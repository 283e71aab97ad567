"""Righteous Among the Nations: one Yad Vashem file = one rescue case."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.edtf import edtf_bounds
from archive.models.base import (
    Dated,
    Publishable,
    date_range_constraint,
    validate_edtf_field,
    workflow_permissions,
)


class Recognition(Publishable, Dated):
    """A Yad Vashem file. The Dated fields hold the year (or date) of recognition.

    Where sources disagree on the year, write both as an EDTF set, e.g. [1967,1968],
    and cite each source with a note of what it says.
    """

    title = models.CharField(
        _("title"),
        max_length=255,
        help_text=_("Usually the rescuers' names, e.g. 'Georges and Germaine Fonsny'."),
    )
    file_number = models.CharField(
        _("Yad Vashem file number"),
        max_length=40,
        null=True,
        blank=True,
        unique=True,
        help_text=_("As on the file, e.g. 1361. Leave empty when no source gives it."),
    )
    country_code = models.CharField(
        _("country"),
        max_length=2,
        default="BE",
        db_index=True,
        help_text=_("Two-letter ISO code of the country in which the rescue happened."),
    )
    story = models.TextField(
        _("story"),
        blank=True,
        help_text=_("What the rescuers did, in your own words; every statement cited."),
    )
    places = models.ManyToManyField(
        "archive.Place",
        verbose_name=_("places of rescue"),
        blank=True,
        related_name="recognitions",
    )
    ceremony = models.ForeignKey(
        "archive.Event",
        verbose_name=_("ceremony"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recognitions",
    )

    requires_citation = True

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        permissions = workflow_permissions("recognition")
        ordering = ["title"]
        constraints = [date_range_constraint("date", "recognition")]
        indexes = [
            # The API lists files alphabetically page by page (keyset on title, id);
            # title_en is the English column django-modeltranslation adds.
            models.Index(fields=["title_en", "id"], name="recognition_title_en_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.file_number == "":
            self.file_number = None  # unique, but many files have no known number
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:recognition-detail", kwargs={"slug": self.slug})

    def publication_problems(self) -> list[str]:
        problems = super().publication_problems()
        if self.pk is None or not self.rescuers.exists():
            problems.append(str(_("at least one rescuer")))
        return problems


class Rescuer(models.Model):
    recognition = models.ForeignKey(
        Recognition,
        verbose_name=_("recognition"),
        on_delete=models.CASCADE,
        related_name="rescuers",
    )
    person = models.ForeignKey(
        "archive.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="rescuer_of",
    )
    name_as_listed = models.CharField(
        _("name as listed"),
        max_length=255,
        blank=True,
        help_text=_("The name exactly as the Yad Vashem file gives it."),
    )
    listed_in = models.ForeignKey(
        "archive.Source",
        verbose_name=_("name listed in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The published Yad Vashem page that lists this rescuer under the name "
            "above. When it is set and public, the recognition shows that name even "
            "while the person's own record stays private (living-person rule); "
            "nothing else of the person is shown."
        ),
    )
    relation = models.CharField(
        _("relation in the file"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 'daughter of Joseph Celis', 'housekeeper'."),
    )
    posthumous = models.BooleanField(_("recognised posthumously"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rescuer")
        verbose_name_plural = _("rescuers")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recognition", "person"], name="rescuer_once_per_file"
            )
        ]

    def __str__(self) -> str:
        return self.name_as_listed or str(self.person)


class RescuedPerson(models.Model):
    recognition = models.ForeignKey(
        Recognition,
        verbose_name=_("recognition"),
        on_delete=models.CASCADE,
        related_name="rescued",
    )
    person = models.ForeignKey(
        "archive.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rescued_in",
        help_text=_("Leave empty when the person is not named; describe them below."),
    )
    name_as_listed = models.CharField(
        _("name or description"),
        max_length=255,
        blank=True,
        help_text=_("e.g. 'Regine Rotenberg' or 'about 300 children'."),
    )
    place = models.ForeignKey(
        "archive.Place",
        verbose_name=_("where hidden"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_edtf = models.CharField(
        _("period (EDTF)"), max_length=100, blank=True, validators=[validate_edtf_field]
    )
    help_kinds = models.ManyToManyField(
        "archive.Term",
        verbose_name=_("kinds of help"),
        blank=True,
        limit_choices_to={"vocabulary": "help_type"},
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rescued person")
        verbose_name_plural = _("rescued people")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recognition", "person"],
                condition=models.Q(person__isnull=False),
                name="rescued_once_per_file",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(name_as_listed=""),
                name="rescued_is_named_or_described",
            ),
        ]

    def __str__(self) -> str:
        return self.name_as_listed or str(self.person)

    def clean(self) -> None:
        if self.person_id is None and not self.name_as_listed:
            raise ValidationError(_("Choose a person or describe who was rescued."))
        try:
            edtf_bounds(self.period_edtf)
        except ValidationError as error:
            raise ValidationError({"period_edtf": error.messages}) from error
