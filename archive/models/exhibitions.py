"""Exhibitions: curated, ordered selections that exhibition apps fetch whole."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.models.base import Publishable, workflow_permissions


def exhibitable_model_names() -> list[str]:
    """What an item may show: any record but an exhibition, or a testimony segment.

    Read from the model layer (every Publishable model), so a new record kind is
    exhibitable without another list to keep."""
    records = [
        model._meta.model_name
        for model in apps.get_app_config("archive").get_models()
        if issubclass(model, Publishable) and model is not Exhibition
    ]
    return [*records, "testimonysegment"]


def exhibitable_content_types() -> Q:
    return Q(app_label="archive", model__in=exhibitable_model_names())


class Exhibition(Publishable):
    title = models.CharField(_("title"), max_length=255)
    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Two or three sentences for listings.")
    )
    curators = models.CharField(
        _("curated by"),
        max_length=300,
        blank=True,
        help_text=_("Names of the curators, as they wish to be credited."),
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    hero_image = models.ForeignKey(
        "archive.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exhibitions_as_hero",
    )

    class Meta:
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")
        permissions = workflow_permissions("exhibition")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(opens_on__lte=models.F("closes_on")),
                name="exhibition_opens_before_it_closes",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("archive:exhibition-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError(
                {"closes_on": _("The exhibition closes before it opens.")}
            )

    def publication_problems(self) -> list[str]:
        problems = super().publication_problems()
        if (
            self.pk is None
            or not ExhibitionItem.objects.filter(section__exhibition=self).exists()
        ):
            problems.append(str(_("at least one item in a section")))
        return problems


class ExhibitionSection(models.Model):
    exhibition = models.ForeignKey(
        Exhibition,
        verbose_name=_("exhibition"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(
        _("text"), blank=True, help_text=_("The section's wall text.")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["exhibition", "position", "id"]

    def __str__(self) -> str:
        return self.title


class ExhibitionItem(models.Model):
    """One record shown in a section. Items whose record is not visible are skipped."""

    section = models.ForeignKey(
        ExhibitionSection,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("record type"),
        on_delete=models.PROTECT,
        limit_choices_to=exhibitable_content_types,
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    caption = models.TextField(
        _("caption"),
        blank=True,
        help_text=_("Optional text shown with the record here."),
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["section", "position", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}"

    def clean(self) -> None:
        if self.content_type_id and self.object_id:
            model = self.content_type.model_class()
            if (
                model is None
                or self.content_type.model not in exhibitable_model_names()
            ):
                raise ValidationError(
                    {"content_type": _("This record type cannot be shown.")}
                )
            if not model._default_manager.filter(pk=self.object_id).exists():
                raise ValidationError(
                    {
                        "object_id": _("No %(type)s with id %(id)s.")
                        % {"type": model._meta.verbose_name, "id": self.object_id}
                    }
                )
