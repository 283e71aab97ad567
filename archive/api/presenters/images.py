"""Images: every image object carries its renditions, alt text, credit and rights,
so attribution travels with every use."""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import get_language
from rest_framework import serializers as s

from archive import models as m
from archive.api.context import ApiContext
from archive.api.files import rendition_url
from archive.api.presenters.base import Link, RecordPresenter, register
from archive.api.presenters.members import (
    Computed,
    Date,
    Many,
    Object,
    Refs,
    Related,
    Text,
    Translated,
    Value,
)
from archive.api.presenters.shapes import Batch, Row, Shape
from archive.renditions import MIME_TYPES, NAMED_SPECS

#: Spec string -> name, for the renditions every client can rely on.
SPEC_NAMES = {spec: name for name, spec in NAMED_SPECS.items()}


def rights_label(uri: str) -> str:
    return _rights_label(uri, get_language())


@lru_cache(maxsize=256)
def _rights_label(uri: str, language: str | None) -> str:
    return str(dict(m.Rights.choices).get(uri, uri))


Rights = Shape(
    "Rights",
    (
        Value(
            "uri",
            s.URLField(
                read_only=True, help_text="Creative Commons or rightsstatements.org"
            ),
            column="rights_uri",
        ),
        Computed(
            "label",
            s.CharField(read_only=True),
            lambda ctx, row, batch: rights_label(row["rights_uri"]),
            columns=("rights_uri",),
        ),
    ),
)

FocalPoint = Shape(
    "FocalPoint",
    (
        Value("x", s.FloatField(read_only=True)),
        Value("y", s.FloatField(read_only=True)),
    ),
)


def file_url(ctx: ApiContext, row: Row, batch: Batch) -> str:
    return rendition_url(ctx, row["id"], row["file"])


Rendition = Shape(
    "Rendition",
    (
        Computed(
            "name",
            s.CharField(
                read_only=True,
                allow_null=True,
                help_text="thumbnail, card, medium, large or view (the whole image, long side 1,600 px); null for other sizes.",
            ),
            lambda ctx, row, batch: SPEC_NAMES.get(row["spec"]),
            columns=("spec",),
        ),
        Value("spec", s.CharField(read_only=True)),
        Value("format", s.CharField(read_only=True)),
        Computed(
            "mime_type",
            s.CharField(read_only=True),
            lambda ctx, row, batch: MIME_TYPES.get(
                row["format"], f"image/{row['format']}"
            ),
            columns=("format",),
        ),
        Computed("url", s.URLField(read_only=True), file_url, columns=("id", "file")),
        Value("width", s.IntegerField(read_only=True)),
        Value("height", s.IntegerField(read_only=True)),
    ),
)

Depicts = Shape(
    "Depicts",
    (
        Refs(
            "people", "person", through=m.Image.depicted_people.through, owner="image"
        ),
        Refs("places", "place", through=m.Image.depicted_places.through, owner="image"),
        Refs("events", "event", through=m.Image.depicted_events.through, owner="image"),
    ),
)


@register
class ImagePresenter(RecordPresenter):
    """An image with everything needed to show it properly: sizes, description and
    attribution travel together."""

    kind = "image"
    members = (
        Translated("caption"),
        Translated("alt_text", help_text="Describes the image for who cannot see it."),
        Translated("credit_line", help_text="Show it with every use of the image."),
        Text("creator"),
        Date(),
        Text("source_institution"),
        Text("source_url"),
        Object("rights", Rights, present_if="rights_uri"),
        Text("rights_holder"),
        Value("width", s.IntegerField(read_only=True, allow_null=True)),
        Value("height", s.IntegerField(read_only=True, allow_null=True)),
        Object("focal_point", FocalPoint, prefix="focal_"),
        Many(
            "renditions",
            Rendition,
            Related(m.Rendition, "image_id", order=("width", "spec", "format")),
        ),
        Object("depicts", Depicts),
        Link("iiif_manifest", "manifest/", help_text="IIIF Presentation 3."),
    )
