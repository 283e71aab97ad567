"""Figures: dated, sourced statistics."""

from __future__ import annotations

from rest_framework import serializers as s

from archive import models as m
from archive.api.presenters.base import RecordPresenter, register
from archive.api.presenters.members import Date, FkRef, Text, Translated, Value
from archive.api.presenters.refs import Title
from archive.api.presenters.values import number


@register
class FigurePresenter(RecordPresenter):
    """A dated, sourced figure, such as the number of Jews deported from Belgium.
    Sources that disagree give two figures, shown side by side."""

    kind = "figure"
    title = Title.translated("label")
    members = (
        Value("measure", s.SlugField(read_only=True)),
        Value("value", s.FloatField(read_only=True), convert=number),
        Value(
            "value_high", s.FloatField(read_only=True, allow_null=True), convert=number
        ),
        Value("qualifier", s.ChoiceField(choices=m.Qualifier.choices, read_only=True)),
        Translated("unit"),
        Date(),
        FkRef("scope_place", "place"),
        Text("scope_period"),
        Translated("note"),
    )
