"""Testimonies, with their open segments and public transcripts; segments also
stand alone as exhibition items."""

from __future__ import annotations

from rest_framework import serializers as s

from archive import models as m
from archive.api.context import ApiContext
from archive.api.prepared import PreparedQuery
from archive.api.presenters.base import RecordPresenter, register
from archive.api.presenters.common import Terms
from archive.api.presenters.members import (
    Computed,
    Const,
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
from archive.api.presenters.refs import visible
from archive.api.presenters.shapes import Batch, Member, Row, Shape

SEGMENT = m.TestimonySegment


def segment_members() -> tuple[Member, ...]:
    """A segment's members, for the Segment of a testimony and the SegmentRecord
    of an exhibition item (each shape binds its own)."""
    owner = "testimonysegment"
    return (
        Value("start_seconds", s.IntegerField(read_only=True)),
        Value("end_seconds", s.IntegerField(read_only=True)),
        Translated("title"),
        Translated("synopsis"),
        Terms("keywords", through=SEGMENT.keywords.through, owner=owner),
        Refs("people", "person", through=SEGMENT.people.through, owner=owner),
        Refs("places", "place", through=SEGMENT.places.through, owner=owner),
        Refs("events", "event", through=SEGMENT.events.through, owner=owner),
    )


Segment = Shape("Segment", segment_members())

Participant = Shape(
    "TestimonyParticipant",
    (
        RefTo("person", "person"),
        Value(
            "role",
            s.ChoiceField(choices=m.TestimonyParticipant.Role.choices, read_only=True),
        ),
    ),
)

Transcript = Shape(
    "Transcript",
    (
        Value("language", s.CharField(read_only=True)),
        Value("is_translation", s.BooleanField(read_only=True)),
        Value("is_redacted", s.BooleanField(read_only=True)),
        Value("text", s.CharField(read_only=True)),
    ),
)


def languages(ctx: ApiContext, row: Row, batch: Batch) -> list[str]:
    return [code.strip() for code in row["languages"].split(",") if code.strip()]


@register
class TestimonyPresenter(RecordPresenter):
    """A testimony (written, audio, video, letter, diary): its witness, other
    participants and open segments; the detail adds the public transcripts."""

    __test__ = False  # not a pytest test class despite the name

    kind = "testimony"
    members = (
        Translated("summary"),
        Value("kind", s.ChoiceField(choices=m.TestimonyKind.choices, read_only=True)),
        Date(),
        FkRef("witness", "person"),
        Many(
            "participants",
            Participant,
            Related(
                m.TestimonyParticipant,
                "testimony_id",
                order=("role", "id"),
                where=visible("person"),
            ),
        ),
        FkRef("place", "place"),
        Computed(
            "languages",
            s.ListField(child=s.CharField(), read_only=True),
            languages,
            columns=("languages",),
        ),
        Value("duration_seconds", s.IntegerField(read_only=True, allow_null=True)),
        Text("media_url"),
        Text("holding_institution"),
        Text("external_id"),
        Many(
            "segments",
            Segment,
            Related(
                SEGMENT,
                "testimony_id",
                order=("start_seconds", "id"),
                filter={"is_closed": False},
            ),
        ),
        Many(
            "transcripts",
            Transcript,
            Related(
                m.Transcript,
                "testimony_id",
                order=("language", "id"),
                filter={"is_public": True},
            ),
            detail=True,
        ),
    )


class SegmentPresenter(Shape):
    """Testimony segments as exhibition items: the segment and its testimony.
    Closed segments, and segments of testimonies the requester may not see, are
    never loaded."""

    kind = "segment"

    def __init__(self) -> None:
        super().__init__(
            "SegmentRecord",
            (
                Const("type", "segment"),
                RefTo("testimony", "testimony"),
                *segment_members(),
            ),
        )
        self.rows_query = PreparedQuery("segment.rows", self.build_rows)

    def build_rows(self, ctx: ApiContext, ids: list[int]):
        return (
            SEGMENT.objects.filter(pk__in=ids, is_closed=False)
            .filter(ctx.audience.visible_q(m.Testimony, "testimony__"))
            .order_by()
            .values("id", *self.columns())
        )

    def load(self, ctx: ApiContext, ids: list[int], detail: bool = False) -> dict:
        rows = self.rows_query.rows(ctx, ids)
        if not rows:
            return {}
        batch = Batch()
        rows = self.fetch(ctx, rows, batch, detail)
        present = self.present
        return {row["id"]: present(ctx, row, batch) for row in rows}

    def prepare(self) -> None:
        self.present = self.compile()
