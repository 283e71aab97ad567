"""Organisations (networks, committees, parties, authorities) and memberships."""

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


class OrganisationKind(models.TextChoices):
    RESCUE = "rescue", _("Rescue committee")
    RESISTANCE = "resistance", _("Resistance network")
    INTELLIGENCE = "intelligence", _("Intelligence network")
    PRESS = "press", _("Underground press")
    ARMED = "armed", _("Armed group")
    COLLABORATIONIST = "collaborationist", _("Collaborationist party")
    AUTHORITY = "authority", _("Authority or administration")
    WELFARE = "welfare", _("Welfare or religious body")
    MEMORY = "memory", _("Archive, museum or memorial")


class Organisation(Publishable, Dated):
    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What it was and did, in your own words; every statement cited."),
    )
    places = models.ManyToManyField(
        "archive.Place",
        verbose_name=_("places"),
        blank=True,
        related_name="organisations",
        help_text=_("Where it was based or active."),
    )
    wikidata_id = models.CharField(_("Wikidata id"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = workflow_permissions("organisation")
        ordering = ["name"]
        constraints = [date_range_constraint("date", "organisation")]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("archive:organisation-detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    person = models.ForeignKey(
        "archive.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 'founder', 'editor', 'head of the children's section'."),
    )
    period_edtf = models.CharField(
        _("period (EDTF)"),
        max_length=100,
        blank=True,
        validators=[validate_edtf_field],
        help_text=_("e.g. 1942-09/1944-09"),
    )
    period_earliest = models.DateField(null=True, blank=True, editable=False)
    period_latest = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "person"]
        constraints = [date_range_constraint("period", "membership")]

    def __str__(self) -> str:
        role = f" ({self.role})" if self.role else ""
        return f"{self.person} - {self.organisation}{role}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.period_earliest, self.period_latest = edtf_bounds(self.period_edtf)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            edtf_bounds(self.period_edtf)
        except ValidationError as error:
            raise ValidationError({"period_edtf": error.messages}) from error
