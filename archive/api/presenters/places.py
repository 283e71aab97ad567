"""Places: countries, cities, camps, buildings and sites."""

from __future__ import annotations

from rest_framework import serializers as s

from archive import models as m
from archive.api.presenters.base import RecordPresenter, register
from archive.api.presenters.members import FkRef, Text, Translated, Value
from archive.api.presenters.refs import Title
from archive.api.presenters.values import number


@register
class PlacePresenter(RecordPresenter):
    """A place: a country, region, city, camp, building or site, within its parent."""

    kind = "place"
    title = Title.translated("name")
    members = (
        Value("kind", s.ChoiceField(choices=m.PlaceKind.choices, read_only=True)),
        FkRef("parent", "place"),
        Value(
            "latitude", s.FloatField(read_only=True, allow_null=True), convert=number
        ),
        Value(
            "longitude", s.FloatField(read_only=True, allow_null=True), convert=number
        ),
        Text("country_code"),
        Translated("description"),
        Text("geonames_id"),
        Text("wikidata_id"),
    )
