"""Places: countries, cities, camps, buildings and sites, with coordinates."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.models.base import Publishable, workflow_permissions


class PlaceKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region or province")
    CITY = "city", _("City, town or village")
    CAMP = "camp", _("Camp")
    BUILDING = "building", _("Building")
    SITE = "site", _("Site")


class Place(Publishable):
    name = models.CharField(_("name"), max_length=200, help_text=_("The usual name."))
    kind = models.CharField(
        _("kind"), max_length=16, choices=PlaceKind.choices, default=PlaceKind.CITY
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_(
            "The larger place this one lies in, e.g. Mechelen for the barracks."
        ),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Decimal degrees north (WGS 84), as given by the cited source."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Decimal degrees east (WGS 84)."),
    )
    country_code = models.CharField(
        _("country code"),
        max_length=2,
        blank=True,
        help_text=_("Two-letter ISO code of the present-day country, e.g. BE."),
    )
    description = models.TextField(_("description"), blank=True)
    geonames_id = models.CharField(_("GeoNames id"), max_length=20, blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=20, blank=True, help_text=_("e.g. Q12994")
    )

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        permissions = workflow_permissions("place")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True)
                    | models.Q(latitude__isnull=False, longitude__isnull=False)
                ),
                name="place_coordinates_come_in_pairs",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="place_not_part_of_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("archive:place-detail", kwargs={"slug": self.slug})
