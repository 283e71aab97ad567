"""People: rescuers, rescued, resisters, witnesses, officials; with name variants."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive.edtf import edtf_bounds
from archive.models.base import (
    Publishable,
    PublishableQuerySet,
    validate_edtf_field,
    workflow_permissions,
)

#: A person born more than this many years ago is presumed dead (DESIGN.md section 4).
PRESUMED_DEAD_AFTER_YEARS = 110


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Living(models.TextChoices):
    YES = "yes", _("Living")
    NO = "no", _("Deceased")
    UNKNOWN = "unknown", _("Unknown")


class PersonQuerySet(PublishableQuerySet):
    def privacy_rules(self) -> Q:
        """A living person (or one who may be living) is public only with consent.

        'Unknown' counts as living unless a death date is known or the latest possible
        birth date is more than 110 years ago.
        """
        cutoff = presumed_dead_cutoff()
        presumed_dead = Q(is_living="no") | Q(
            Q(is_living="unknown")
            & (Q(death_latest__isnull=False) | Q(birth_latest__lt=cutoff))
        )
        return presumed_dead | Q(consent_to_publish=True)


def display_name(name_prefix: str, given_names: str, family_name: str) -> str:
    """How a person is named on pages and in the API: 'Father Bruno Reynders'.

    Plain values, so a page (`Person.display_name`) and the API's rows (which hold
    no model instance) name a person the same way."""
    return " ".join(part for part in (name_prefix, given_names, family_name) if part)


def presumed_dead_cutoff() -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - PRESUMED_DEAD_AFTER_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - PRESUMED_DEAD_AFTER_YEARS, day=28)


class Person(Publishable):
    family_name = models.CharField(
        _("family name"),
        max_length=150,
        blank=True,
        help_text=_("Surname as usually written; leave empty if unknown."),
    )
    given_names = models.CharField(
        _("given names"), max_length=150, blank=True, help_text=_("First names.")
    )
    name_prefix = models.CharField(
        _("title or prefix"),
        max_length=60,
        blank=True,
        help_text=_("'Father', 'Queen', 'Abbé', 'Dr'... shown before the name."),
    )
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    birth_edtf = models.CharField(
        _("birth date (EDTF)"),
        max_length=100,
        blank=True,
        validators=[validate_edtf_field],
        help_text=_("e.g. 1921-09-06, or 1918 when only the year is known."),
    )
    birth_place = models.ForeignKey(
        "archive.Place",
        verbose_name=_("place of birth"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="births",
    )
    death_edtf = models.CharField(
        _("death date (EDTF)"),
        max_length=100,
        blank=True,
        validators=[validate_edtf_field],
        help_text=_("e.g. 2022-05-31; 1945-04 for April 1945."),
    )
    death_place = models.ForeignKey(
        "archive.Place",
        verbose_name=_("place of death"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deaths",
    )
    birth_earliest = models.DateField(null=True, blank=True, editable=False)
    birth_latest = models.DateField(
        null=True, blank=True, editable=False, db_index=True
    )
    death_earliest = models.DateField(null=True, blank=True, editable=False)
    death_latest = models.DateField(null=True, blank=True, editable=False)
    is_living = models.CharField(
        _("living?"),
        max_length=10,
        choices=Living.choices,
        default=Living.UNKNOWN,
        help_text=_(
            "Unknown counts as living unless a death date is known or the birth was "
            "more than 110 years ago. A living person is public only with consent."
        ),
    )
    consent_to_publish = models.BooleanField(
        _("consent to publish online"),
        default=False,
        help_text=_(
            "Tick only when the person (or their representative) agreed in writing to "
            "publication. Keep the agreement on file."
        ),
    )
    biography = models.TextField(
        _("biography"),
        blank=True,
        help_text=_("A short life in your own words; every statement cited."),
    )
    roles = models.ManyToManyField(
        "archive.Term",
        verbose_name=_("roles"),
        blank=True,
        related_name="people",
        limit_choices_to={"vocabulary": "role"},
        help_text=_(
            "Rescuer, rescued, resistance member, deportee, witness, official..."
        ),
    )
    wikidata_id = models.CharField(_("Wikidata id"), max_length=20, blank=True)

    objects = PersonQuerySet.as_manager()

    requires_citation = True

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = workflow_permissions("person")
        ordering = ["family_name", "given_names"]
        indexes = [models.Index(fields=["family_name", "given_names"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_earliest__isnull=True)
                | Q(death_latest__isnull=True)
                | Q(birth_earliest__lte=models.F("death_latest")),
                name="person_not_dead_before_born",
            ),
            models.CheckConstraint(
                condition=~Q(family_name="", given_names=""),
                name="person_has_a_name",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_life_bounds()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:person-detail", kwargs={"slug": self.slug})

    @property
    def display_name(self) -> str:
        return display_name(self.name_prefix, self.given_names, self.family_name)

    @property
    def sort_name(self) -> str:
        if self.family_name and self.given_names:
            return f"{self.family_name}, {self.given_names}"
        return self.family_name or self.given_names

    def derive_life_bounds(self) -> None:
        self.birth_earliest, self.birth_latest = edtf_bounds(self.birth_edtf)
        self.death_earliest, self.death_latest = edtf_bounds(self.death_edtf)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if not (self.family_name or self.given_names):
            errors["family_name"] = [str(_("Give a family name or a given name."))]
        try:
            self.derive_life_bounds()
        except ValidationError:
            return  # the field validators already report the bad date
        if (
            self.birth_earliest
            and self.death_latest
            and self.death_latest < self.birth_earliest
        ):
            errors["death_edtf"] = [
                str(
                    _(
                        "The death date (%(death)s) is before the birth date (%(birth)s)."
                    )
                    % {"death": self.death_edtf, "birth": self.birth_edtf}
                )
            ]
        if self.is_living == Living.YES and self.death_edtf:
            errors["is_living"] = [str(_("A person with a death date is not living."))]
        if errors:
            raise ValidationError(errors)

    @property
    def presumed_living(self) -> bool:
        if self.is_living == Living.YES:
            return True
        if self.is_living == Living.NO:
            return False
        if self.death_edtf:
            return False
        return not (self.birth_latest and self.birth_latest < presumed_dead_cutoff())

    def publication_problems(self) -> list[str]:
        problems = super().publication_problems()
        if self.presumed_living and not self.consent_to_publish:
            problems.append(str(_("consent to publish (the person may be living)")))
        return problems


class NameVariant(models.Model):
    class Kind(models.TextChoices):
        BIRTH = "birth", _("Birth name")
        MAIDEN = "maiden", _("Maiden name")
        MARRIED = "married", _("Married name")
        UNDERGROUND = "underground", _("Underground or war name")
        ALIAS = "alias", _("Alias or false identity")
        RELIGIOUS = "religious", _("Religious name")
        SPELLING = "spelling", _("Other spelling")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="name_variants",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.SPELLING
    )
    note = models.CharField(
        _("note"),
        max_length=255,
        blank=True,
        help_text=_("Where this form is used, e.g. 'Yad Vashem file name'."),
    )

    class Meta:
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        ordering = ["person", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "name", "kind"], name="name_variant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
