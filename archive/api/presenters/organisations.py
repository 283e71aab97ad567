"""Organisations: committees, networks, the underground press, authorities."""

from __future__ import annotations

from rest_framework import serializers as s

from archive import models as m
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
from archive.api.presenters.refs import Title, visible
from archive.api.presenters.shapes import Shape

OrganisationMember = Shape(
    "Member",
    (
        RefTo("person", "person"),
        Text("role"),
        Text("period", column="period_edtf", help_text="EDTF period."),
    ),
)


@register
class OrganisationPresenter(RecordPresenter):
    """An organisation: rescue committee, resistance or intelligence network,
    underground press, armed group, party, authority, archive or museum."""

    kind = "organisation"
    title = Title.translated("name")
    members = (
        Text("acronym"),
        Value(
            "kind", s.ChoiceField(choices=m.OrganisationKind.choices, read_only=True)
        ),
        Date(),
        Translated("description"),
        Refs(
            "places",
            "place",
            through=m.Organisation.places.through,
            owner="organisation",
        ),
        Many(
            "members",
            OrganisationMember,
            Related(
                m.Membership,
                "organisation_id",
                order=("person__family_name", "id"),
                where=visible("person"),
            ),
        ),
        Text("wikidata_id"),
    )
