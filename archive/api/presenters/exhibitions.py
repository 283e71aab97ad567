"""Exhibitions: the whole tree of sections and items in one answer, each item with
its record presented in full, one batch per record kind."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers as s

from archive import kinds
from archive import models as m
from archive.api.context import ITEM_TYPES, ApiContext
from archive.api.presenters.base import (
    PRESENTERS,
    Embedded,
    Link,
    RecordPresenter,
    register,
)
from archive.api.presenters.members import (
    Computed,
    Many,
    Related,
    Text,
    Translated,
    Value,
)
from archive.api.presenters.shapes import Batch, Row, Shape
from archive.api.presenters.testimonies import SegmentPresenter
from archive.api.presenters.values import iso

#: Exhibition item content types -> item types: every record kind, and the parts of
#: records (archive.kinds.EXHIBITABLE_PARTS) under their API names.
ITEM_KINDS: dict[str, str] = {
    kind.model._meta.model_name: kind.name for kind in kinds.KINDS
} | {"testimonysegment": "segment"}

SEGMENTS = SegmentPresenter()


def item_presenter(kind: str) -> Any:
    return SEGMENTS if kind == SEGMENTS.kind else PRESENTERS[kind]


def record_kinds() -> list[str]:
    """What an item's record may be, in the registry's order (exhibitions are not
    exhibitable: see archive.models.exhibitions)."""
    exhibitable = set(m.exhibitable_model_names())
    return [
        ITEM_KINDS[name]
        for name in [
            *(kind.model._meta.model_name for kind in kinds.KINDS),
            *kinds.EXHIBITABLE_PARTS,
        ]
        if name in exhibitable
    ]


def item_record_field() -> s.Field:
    return PolymorphicProxySerializer(
        component_name="ExhibitionRecord",
        serializers={
            kind: item_presenter(kind).serializer() for kind in record_kinds()
        },
        resource_type_field_name="type",
    )


def resolve_items(ctx: ApiContext, items: list[Row]) -> dict[tuple[str, int], dict]:
    """Every item's record, one batch per record kind: the query count depends on
    how many kinds an exhibition shows, never on how many items."""
    by_kind: dict[str, list[int]] = {}
    for item in items:
        kind = ITEM_KINDS.get(item["content_type__model"])
        if kind is not None:
            by_kind.setdefault(kind, []).append(item["object_id"])
    records: dict[tuple[str, int], dict] = {}
    for kind, ids in by_kind.items():
        for pk, record in item_presenter(kind).load(ctx, ids).items():
            records[(kind, pk)] = record
    return records


class ItemShape(Shape):
    """Items whose record the requester may not see (or that is gone) are left out."""

    records = "ExhibitionItem.records"

    def fetch(
        self, ctx: ApiContext, rows: list[Row], batch: Batch, detail: bool = False
    ) -> list[Row]:
        records = resolve_items(ctx, rows)
        batch.groups[self.records] = records
        return [
            row
            for row in rows
            if (ITEM_KINDS.get(row["content_type__model"]), row["object_id"]) in records
        ]


def item_type(ctx: ApiContext, row: Row, batch: Batch) -> str:
    return ITEM_KINDS[row["content_type__model"]]


def item_record(ctx: ApiContext, row: Row, batch: Batch) -> dict:
    kind = ITEM_KINDS[row["content_type__model"]]
    return batch.groups[ItemShape.records][(kind, row["object_id"])]


ExhibitionItem = ItemShape(
    "ExhibitionItem",
    (
        Computed(
            "type",
            s.ChoiceField(choices=ITEM_TYPES, read_only=True),
            item_type,
            columns=("content_type__model",),
        ),
        Translated("caption"),
        Computed(
            "record",
            item_record_field,
            item_record,
            columns=("content_type__model", "object_id"),
        ),
    ),
)

ExhibitionSection = Shape(
    "ExhibitionSection",
    (
        Translated("title"),
        Translated("body"),
        Many(
            "items",
            ExhibitionItem,
            Related(m.ExhibitionItem, "section_id", order=("position", "id")),
        ),
    ),
)


@register
class ExhibitionPresenter(RecordPresenter):
    """Exhibitions. The detail is the whole tree: sections, then items, each item
    with its record presented in full (images with renditions and credits).
    Items whose record you may not see are left out."""

    kind = "exhibition"
    members = (
        Translated("subtitle"),
        Translated("summary"),
        Text("curators"),
        Value("opens_on", s.DateField(read_only=True, allow_null=True), convert=iso),
        Value("closes_on", s.DateField(read_only=True, allow_null=True), convert=iso),
        # Hero images are full image objects, so credits travel with them.
        Embedded("hero_image", "image", column="hero_image_id"),
        Link("iiif_manifest", "manifest/", help_text="IIIF Presentation 3."),
        Many(
            "sections",
            ExhibitionSection,
            Related(m.ExhibitionSection, "exhibition_id", order=("position", "id")),
            detail=True,
        ),
    )
