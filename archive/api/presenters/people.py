"""People, with their name variants, roles and memberships."""

from __future__ import annotations

from rest_framework import serializers as s

from archive import models as m
from archive.api.presenters.base import RecordPresenter, register
from archive.api.presenters.common import Terms
from archive.api.presenters.members import (
    Date,
    FkRef,
    Many,
    RefTo,
    Related,
    Text,
    Translated,
    Value,
)
from archive.api.presenters.refs import Title, visible
from archive.api.presenters.shapes import Shape

NameVariant = Shape(
    "NameVariant",
    (
        Value("name", s.CharField(read_only=True)),
        Value(
            "kind", s.ChoiceField(choices=m.NameVariant.Kind.choices, read_only=True)
        ),
        Text("note"),
    ),
)

Membership = Shape(
    "Membership",
    (
        RefTo("organisation", "organisation"),
        Text("role"),
        Text("period", column="period_edtf", help_text="EDTF period."),
    ),
)


@register
class PersonPresenter(RecordPresenter):
    """A person: rescuer, rescued, resistance member, deportee, witness, official."""

    kind = "person"
    title = Title.person()
    members = (
        Text("family_name"),
        Text("given_names"),
        Text("name_prefix"),
        Value("gender", s.ChoiceField(choices=m.Gender.choices, read_only=True)),
        Date("birth", display=False),
        FkRef("birth_place", "place"),
        Date("death", display=False),
        FkRef("death_place", "place"),
        Many(
            "name_variants",
            NameVariant,
            Related(m.NameVariant, "person_id", order=("name", "id")),
        ),
        Translated("biography"),
        Terms("roles", through=m.Person.roles.through, owner="person"),
        Many(
            "memberships",
            Membership,
            Related(
                m.Membership,
                "person_id",
                order=("period_earliest", "id"),
                where=visible("organisation"),
            ),
        ),
        Text("wikidata_id"),
    )
