"""Events: convoys, raids, attacks, ordinances, strikes, liberations."""

from __future__ import annotations

from django.db.models import Q
from rest_framework import serializers as s

from archive import models as m
from archive.api.context import ApiContext
from archive.api.presenters.base import RecordPresenter, register
from archive.api.presenters.members import (
    Date,
    Many,
    Refs,
    RefTo,
    Related,
    Text,
    Translated,
    Value,
)
from archive.api.presenters.shapes import Shape


def one_visible_participant(ctx: ApiContext) -> Q:
    """A participant is a person or an organisation, shown when that one is visible."""
    person_ok = ctx.audience.visible_q(m.Person, "person__")
    organisation_ok = ctx.audience.visible_q(m.Organisation, "organisation__")
    return (person_ok & Q(organisation__isnull=True)) | (
        organisation_ok & Q(person__isnull=True)
    )


Participant = Shape(
    "EventParticipant",
    (
        RefTo("person", "person", null_unless="person_id"),
        RefTo("organisation", "organisation", null_if="person_id"),
        Text("role"),
    ),
)


@register
class EventPresenter(RecordPresenter):
    """An event: a convoy, raid, attack, ordinance, strike, liberation, recognition."""

    kind = "event"
    members = (
        Value("kind", s.ChoiceField(choices=m.EventKind.choices, read_only=True)),
        Date(),
        Translated("description"),
        Refs("places", "place", through=m.Event.places.through, owner="event"),
        Many(
            "participants",
            Participant,
            Related(
                m.EventParticipant,
                "event_id",
                order=("id",),
                where=one_visible_participant,
            ),
        ),
    )
