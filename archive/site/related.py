"""What a record's page shows beyond the record itself: the records that name a
person, what happened at a place, every source's value of a figure, a source's
citations in three styles.

Each function costs a fixed number of queries whatever the number of related
records (ids in one query, references in one more, per kind), and every reference
is loaded through the presenters, which apply the public's visibility to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language

from archive import models as m
from archive.api import prepared
from archive.api.context import ApiContext
from archive.api.presenters import PRESENTERS, load_refs
from archive.site import cite, maps

Extra = Callable[[ApiContext, int, dict[str, Any]], dict[str, Any]]
#: A condition on a kind's records, given the page's record id.
Condition = Callable[[int], Q]


def refs(
    ctx: ApiContext, name: str, kind: str, condition: Condition, pk: int
) -> list[dict[str, Any]]:
    """Visible records of `kind` matching `condition(pk)`, as references, by
    title. The ids' query is compiled once per day under `name`
    (`prepared.first_column`): building its subqueries and visibility
    conditions cost more than running it."""
    model = PRESENTERS[kind].model

    def build(value: int) -> QuerySet:
        return (
            model._default_manager.filter(condition(value))
            .filter(ctx.audience.visible_q(model))
            .order_by()
            .values_list("pk")
        )

    ids = prepared.first_column(
        f"related:{name}:{kind}", build, pk, (ctx.audience.key, ctx.today)
    )
    found = load_refs(ctx, kind, ids)
    return sorted(found.values(), key=lambda ref: _sort_key(ref["title"]))


def _sort_key(title: Any) -> str:
    if isinstance(title, dict):
        title = title.get(get_language()) or next((v for v in title.values() if v), "")
    return (title or "").casefold()


def _ids(model, field: str, **condition) -> Q:
    """`pk__in` a subquery of a link table: each relation uses its own index
    (an OR across joins would scan the whole table of the kind)."""
    return Q(pk__in=model.objects.filter(**condition).values(field))


def named_in(
    ctx: ApiContext, name: str, conditions: dict[str, Condition], pk: int
) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (kind, refs(ctx, name, kind, condition, pk))
        for kind, condition in conditions.items()
    ]


#: Kind -> the records of that kind that name a person.
NAMING_PERSON: dict[str, Condition] = {
    "recognition": lambda pk: (
        _ids(m.Rescuer, "recognition_id", person=pk)
        | _ids(m.RescuedPerson, "recognition_id", person=pk)
    ),
    "testimony": lambda pk: (
        Q(witness=pk)
        | _ids(m.TestimonyParticipant, "testimony_id", person=pk)
        | _ids(
            m.TestimonySegment.people.through,
            "testimonysegment__testimony_id",
            person_id=pk,
        )
    ),
    "event": lambda pk: _ids(m.EventParticipant, "event_id", person=pk),
    "image": lambda pk: _ids(m.Image.depicted_people.through, "image_id", person_id=pk),
}

#: Kind -> the records of that kind that happened or were recorded at a place.
AT_PLACE: dict[str, Condition] = {
    "event": lambda pk: _ids(m.Event.places.through, "event_id", place_id=pk),
    "recognition": lambda pk: _ids(
        m.Recognition.places.through, "recognition_id", place_id=pk
    ),
    "testimony": lambda pk: (
        Q(place=pk)
        | _ids(
            m.TestimonySegment.places.through,
            "testimonysegment__testimony_id",
            place_id=pk,
        )
    ),
    "person": lambda pk: Q(birth_place=pk) | Q(death_place=pk),
    "image": lambda pk: _ids(m.Image.depicted_places.through, "image_id", place_id=pk),
    "place": lambda pk: Q(parent=pk),
    "figure": lambda pk: Q(scope_place=pk),
}

#: Kind -> the records of that kind an organisation took part in.
WITH_ORGANISATION: dict[str, Condition] = {
    "event": lambda pk: _ids(m.EventParticipant, "event_id", organisation=pk),
}


def person(ctx: ApiContext, pk: int, record: dict) -> dict[str, Any]:
    """Every record that names the person."""
    return {"named_in": named_in(ctx, "person", NAMING_PERSON, pk)}


def place(ctx: ApiContext, pk: int, record: dict) -> dict[str, Any]:
    """Everything that happened or was recorded at the place, and its map."""
    return {
        "named_in": named_in(ctx, "place", AT_PLACE, pk),
        "map": maps.place_map(record),
    }


def organisation(ctx: ApiContext, pk: int, record: dict) -> dict[str, Any]:
    return {"named_in": named_in(ctx, "organisation", WITH_ORGANISATION, pk)}


def figure(ctx: ApiContext, pk: int, record: dict) -> dict[str, Any]:
    """Every public figure of the same measure, side by side, each with its
    sources: where sources disagree, the page shows each value, never one."""
    model = m.Figure
    ids = prepared.first_column(
        "related:figure:measure",
        lambda measure: (
            model.objects.filter(measure=measure)
            .filter(ctx.audience.visible_q(model))
            .order_by("date_earliest", "value", "pk")
            .values_list("pk")
        ),
        record["measure"],
        (ctx.audience.key, ctx.today),
        field=model._meta.get_field("measure"),
    )
    loaded = PRESENTERS["figure"].load(ctx, ids, detail=True)
    return {"values": [loaded[i] for i in ids if i in loaded]}


def source(ctx: ApiContext, pk: int, record: dict) -> dict[str, Any]:
    """Citations in three styles, the CSL-JSON address, the file if public."""
    item = PRESENTERS["source"].csl(ctx, pk)
    has_file = m.Source.objects.filter(pk=pk).exclude(file="").exists()
    return {
        "cite": cite.citations(item, get_language()) if item else [],
        "file_url": (
            reverse("archive:source-file", kwargs={"slug": record["slug"]})
            if has_file
            else None
        ),
    }


#: Kind -> what its page adds to the record.
EXTRAS: dict[str, Extra] = {
    "person": person,
    "place": place,
    "organisation": organisation,
    "figure": figure,
    "source": source,
}
