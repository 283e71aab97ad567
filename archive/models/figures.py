"""Figures: dated, sourced numbers. Two sources giving two values are two Figures."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.models.base import (
    Dated,
    Publishable,
    date_range_constraint,
    workflow_permissions,
)


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    ABOUT = "about", _("about")
    AT_LEAST = "at_least", _("at least")
    MORE_THAN = "more_than", _("more than")
    UP_TO = "up_to", _("up to")


class Figure(Publishable, Dated):
    """A number one source gives. The Dated fields hold the 'as of' date.

    Figures that answer the same question (how many Jews were deported from Mechelen?)
    share a `measure` code, so pages and the API show them side by side instead of
    silently picking one.
    """

    label = models.CharField(
        _("label"), max_length=255, help_text=_("e.g. 'Jews deported from Mechelen'.")
    )
    measure = models.SlugField(
        _("measure"),
        max_length=100,
        db_index=True,
        help_text=_(
            "Code shared by every figure that answers the same question, e.g. "
            "'mechelen-deported-jews'. Different sources, different values, same code."
        ),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    value_high = models.DecimalField(
        _("upper value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a range such as 86-140, the higher number."),
    )
    qualifier = models.CharField(
        _("qualifier"),
        max_length=10,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
    )
    unit = models.CharField(
        _("unit"),
        max_length=100,
        help_text=_("What is counted: people, children, copies..."),
    )
    scope_place = models.ForeignKey(
        "archive.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
    )
    scope_period = models.CharField(
        _("period covered"),
        max_length=100,
        blank=True,
        help_text=_("The period the number covers, in words or EDTF: 1942-08/1944-07."),
    )
    note = models.TextField(_("note"), blank=True)

    requires_citation = True

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        permissions = workflow_permissions("figure")
        ordering = ["measure", "value"]
        constraints = [
            date_range_constraint("date", "figure"),
            models.CheckConstraint(
                condition=Q(value_high__isnull=True)
                | Q(value_high__gte=models.F("value")),
                name="figure_range_low_lte_high",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.display_value}"

    def slug_source(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("archive:figure-detail", kwargs={"slug": self.slug})

    @property
    def display_value(self) -> str:
        def fmt(number) -> str:
            return f"{number:,.0f}" if number == number.to_integral() else f"{number:,}"

        text = fmt(self.value)
        if self.value_high is not None:
            text = f"{text}-{fmt(self.value_high)}"
        if self.qualifier != Qualifier.EXACT:
            text = f"{self.get_qualifier_display()} {text}"
        return f"{text} {self.unit}"

    def clean(self) -> None:
        super().clean()
        if (
            self.value_high is not None
            and self.value is not None
            and self.value_high < self.value
        ):
            raise ValidationError(
                {"value_high": _("The upper value is below the value.")}
            )
