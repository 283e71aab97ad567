"""Righteous Among the Nations: one Yad Vashem file per recognition, with its
rescuers and the people they rescued."""

from __future__ import annotations

from django.db.models import Q
from rest_framework import serializers as s

from archive import models as m
from archive.api.context import ApiContext
from archive.api.presenters.base import RecordPresenter, register
from archive.api.presenters.common import Terms
from archive.api.presenters.members import (
    Date,
    FkRef,
    Many,
    Refs,
    RefTo,
    Related,
    Text,
    Translated,
    Value,
)
from archive.api.presenters.shapes import Shape

Rescuer = Shape(
    "Rescuer",
    (
        # Null when the person's record is private: see `named_or_visible_rescuer`.
        FkRef("person", "person"),
        Text(
            "name_as_listed",
            help_text="The name exactly as the Yad Vashem file gives it.",
        ),
        FkRef("listed_in", "source"),
        Translated("relation"),
        Value("posthumous", s.BooleanField(read_only=True)),
    ),
)

Rescued = Shape(
    "Rescued",
    (
        RefTo("person", "person", null_unless="person_id"),
        Text(
            "name_as_listed", help_text="Name, or a description such as '300 children'."
        ),
        FkRef("place", "place"),
        Text("period", column="period_edtf", help_text="EDTF period."),
        Terms(
            "help", through=m.RescuedPerson.help_kinds.through, owner="rescuedperson"
        ),
    ),
)


def named_or_visible_rescuer(ctx: ApiContext) -> Q:
    """A rescuer is shown when their person is visible, or, by the published-list
    rule, when the name as listed is cited to a visible source (a published Yad
    Vashem file): then only that name (and the file's relation) is shown, and the
    person's reference is null: nothing of the private person record is shown."""
    return ctx.audience.visible_q(m.Person, "person__") | (
        ~Q(name_as_listed="") & ctx.audience.visible_q(m.Source, "listed_in__")
    )


def unnamed_or_visible_person(ctx: ApiContext) -> Q:
    """Rescued people may be unnamed ('300 children'); a named one must be visible."""
    return Q(person__isnull=True) | ctx.audience.visible_q(m.Person, "person__")


@register
class RecognitionPresenter(RecordPresenter):
    """Righteous Among the Nations: one Yad Vashem file per recognition."""

    kind = "recognition"
    members = (
        Text("file_number", help_text="Yad Vashem file number."),
        Value(
            "country",
            s.CharField(read_only=True, help_text="ISO code, e.g. BE."),
            column="country_code",
        ),
        Date(),
        Translated("story"),
        Refs(
            "places",
            "place",
            through=m.Recognition.places.through,
            owner="recognition",
        ),
        Many(
            "rescuers",
            Rescuer,
            Related(
                m.Rescuer,
                "recognition_id",
                order=("position", "id"),
                where=named_or_visible_rescuer,
            ),
        ),
        Many(
            "rescued",
            Rescued,
            Related(
                m.RescuedPerson,
                "recognition_id",
                order=("position", "id"),
                where=unnamed_or_visible_person,
            ),
        ),
        FkRef("ceremony", "event"),
    )
