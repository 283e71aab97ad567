"""Events: convoys, raids, ordinances, strikes, liberations, ceremonies."""

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


class EventKind(models.TextChoices):
    MILITARY = "military", _("Military operation")
    CONVOY = "convoy", _("Deportation convoy")
    RAID = "raid", _("Raid or round-up")
    ATTACK = "attack", _("Attack or sabotage")
    ORDINANCE = "ordinance", _("Ordinance or decree")
    PROTEST = "protest", _("Protest, refusal or strike")
    MASSACRE = "massacre", _("Massacre or pogrom")
    FOUNDING = "founding", _("Founding")
    ARREST = "arrest", _("Arrest or execution")
    LIBERATION = "liberation", _("Liberation")
    RECOGNITION = "recognition", _("Recognition or ceremony")
    COMMEMORATION = "commemoration", _("Commemoration")
    PUBLICATION = "publication", _("Publication")
    OTHER = "other", _("Other")


class Event(Publishable, Dated):
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What happened, in your own words; every statement cited."),
    )
    places = models.ManyToManyField(
        "archive.Place", verbose_name=_("places"), blank=True, related_name="events"
    )

    requires_citation = True

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = workflow_permissions("event")
        ordering = ["date_earliest", "title"]
        constraints = [date_range_constraint("date", "event")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("archive:event-detail", kwargs={"slug": self.slug})

    def publication_problems(self) -> list[str]:
        problems = super().publication_problems()
        if not self.date_edtf:
            problems.append(str(_("a date")))
        return problems


class EventParticipant(models.Model):
    """A person or an organisation that took part in an event, and how."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    person = models.ForeignKey(
        "archive.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_participations",
    )
    organisation = models.ForeignKey(
        "archive.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_participations",
    )
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("e.g. 'attacker', 'victim'.")
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="event_participant_is_person_or_organisation",
            )
        ]

    def __str__(self) -> str:
        return str(self.person or self.organisation)

    def clean(self) -> None:
        if (self.person_id is None) == (self.organisation_id is None):
            raise ValidationError(_("Choose either a person or an organisation."))
