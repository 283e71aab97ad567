"""Sources: what every statement rests on, with their citation and CSL-JSON.

The citation text and the CSL-JSON item are made by `archive.models.sources` from
plain values, so the public pages (`Source.citation_text()`) and the API agree.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers as s

from archive import models as m
from archive.api.context import ApiContext
from archive.api.fields import AnyValueField
from archive.api.presenters.base import Link, RecordPresenter, register
from archive.api.presenters.members import (
    Computed,
    Date,
    Field,
    Text,
    Translated,
    Value,
)
from archive.api.presenters.refs import Title
from archive.api.presenters.shapes import Batch, Row, Shape
from archive.api.presenters.values import as_date, iso, uuid_text
from archive.models.sources import citation_text, creator_list, csl_json

#: Made by `archive.models.sources.creator_list`.
CslName = Shape(
    "CslName",
    (
        Field("family", s.CharField(required=False)),
        Field("given", s.CharField(required=False)),
        Field("literal", s.CharField(required=False)),
    ),
)

#: Made by `archive.models.sources.csl_json` (members absent when empty).
CslItem = Shape(
    "CslItem",
    (
        Field("id", s.CharField(read_only=True)),
        Field("type", s.ChoiceField(choices=m.SourceKind.choices, read_only=True)),
        Field("title", s.CharField(read_only=True)),
        Field("author", lambda: CslName.serializer()(many=True, required=False)),
        Field("container-title", s.CharField(required=False)),
        Field("publisher", s.CharField(required=False)),
        Field("archive", s.CharField(required=False)),
        Field("archive_location", s.CharField(required=False)),
        Field("URL", s.CharField(required=False)),
        Field("language", s.CharField(required=False)),
        Field("issued", AnyValueField(required=False, read_only=False)),
        Field("accessed", AnyValueField(required=False, read_only=False)),
    ),
    doc="One CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/).",
)


def creators(ctx: ApiContext, row: Row, batch: Batch) -> list[dict[str, str]]:
    return creator_list(row["creators"])


def citation(ctx: ApiContext, row: Row, batch: Batch) -> str:
    return citation_text(
        title=row["title"],
        creators=row["creators"],
        container_title=row["container_title"],
        publisher=row["publisher"],
        date_edtf=row["date_edtf"],
        date_display=row["date_display_en"],
        holding_institution=row["holding_institution"],
        reference_code=row["reference_code"],
        url=row["url"],
        accessed=as_date(row["accessed"]),
    )


CITATION_COLUMNS = (
    "title",
    "creators",
    "container_title",
    "publisher",
    "date_edtf",
    "date_display_en",
    "holding_institution",
    "reference_code",
    "url",
    "accessed",
)


@register
class SourcePresenter(RecordPresenter):
    """A source: a newspaper article, decree, letter, book, web page, interview...,
    with a formatted reference and its CSL-JSON."""

    kind = "source"
    title = Title.column("title")
    members = (
        Value("kind", s.ChoiceField(choices=m.SourceKind.choices, read_only=True)),
        Computed(
            "creators",
            lambda: CslName.serializer()(many=True, read_only=True),
            creators,
            columns=("creators",),
        ),
        Text("container_title"),
        Text("publisher"),
        Text("holding_institution"),
        Text("reference_code"),
        Text("url", help_text="Where the source itself is online."),
        Value("accessed", s.DateField(read_only=True, allow_null=True), convert=iso),
        Text("language"),
        Date(),
        Translated("description"),
        Computed(
            "citation_text",
            s.CharField(read_only=True, help_text="A formatted reference."),
            citation,
            columns=CITATION_COLUMNS,
        ),
        Link("csl_url", "csl/", help_text="The source as CSL-JSON."),
        Text("transcription", detail=True),
    )

    def csl(self, ctx: ApiContext, pk: int) -> dict[str, Any] | None:
        """The visible source as one CSL-JSON item, or None."""
        rows = self.row_queries[False, False].rows(ctx, [pk])
        if not rows:
            return None
        row = rows[0]
        return csl_json(
            uuid=uuid_text(row["uuid"]),
            kind=row["kind"],
            title=row["title"],
            creators=row["creators"],
            container_title=row["container_title"],
            publisher=row["publisher"],
            holding_institution=row["holding_institution"],
            reference_code=row["reference_code"],
            url=row["url"],
            language=row["language"],
            date_edtf=row["date_edtf"],
            date_earliest=as_date(row["date_earliest"]),
            date_latest=as_date(row["date_latest"]),
            accessed=as_date(row["accessed"]),
        )
