"""A digest of the synthetic archive, for the tests of its determinism."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import models

from archive import models as m
from archive.benchmark.synthetic import synthetic_terms
from archive.kinds import PUBLISHABLE_MODELS


def synthetic_digest() -> str:
    """A SHA-256 over the synthetic rows' content, independent of database ids and
    timestamps: equal digests mean the generator produced the same archive."""
    slugs: dict[str, dict[int, str]] = {}
    for model in PUBLISHABLE_MODELS:
        slugs[model._meta.model_name] = dict(
            model.objects.synthetic().values_list("pk", "slug")
        )

    def rows(queryset: models.QuerySet, *fields: str) -> list[tuple]:
        return sorted(
            tuple(str(v) for v in row) for row in queryset.values_list(*fields)
        )

    def record(model_name: str) -> Callable[[int], str]:
        return lambda pk: slugs[model_name].get(pk, "?")

    parts: dict[str, Any] = {
        "terms": rows(synthetic_terms(), "vocabulary", "slug", "label_en"),
        "sources": rows(
            m.Source.objects.synthetic(), "slug", "uuid", "title", "kind", "date_edtf"
        ),
        "places": rows(
            m.Place.objects.synthetic(),
            "slug",
            "uuid",
            "name_en",
            "latitude",
            "longitude",
        ),
        "organisations": rows(
            m.Organisation.objects.synthetic(), "slug", "uuid", "name_en", "kind"
        ),
        "people": rows(
            m.Person.objects.synthetic(),
            "slug",
            "uuid",
            "family_name",
            "birth_edtf",
            "death_edtf",
            "gender",
        ),
        "person_roles": rows(
            m.Person.roles.through.objects.filter(person__is_synthetic=True),
            "person__slug",
            "term__slug",
        ),
        "recognitions": rows(
            m.Recognition.objects.synthetic(),
            "slug",
            "uuid",
            "title_en",
            "file_number",
            "date_edtf",
        ),
        "rescuers": rows(
            m.Rescuer.objects.filter(recognition__is_synthetic=True),
            "recognition__slug",
            "person__slug",
            "position",
        ),
        "rescued": rows(
            m.RescuedPerson.objects.filter(recognition__is_synthetic=True),
            "recognition__slug",
            "person__slug",
            "place__slug",
        ),
        "events": rows(
            m.Event.objects.synthetic(), "slug", "uuid", "title_en", "kind", "date_edtf"
        ),
        "figures": rows(
            m.Figure.objects.synthetic(),
            "slug",
            "uuid",
            "measure",
            "value",
            "date_edtf",
        ),
        "testimonies": rows(
            m.Testimony.objects.synthetic(),
            "slug",
            "uuid",
            "witness__slug",
            "kind",
            "date_edtf",
        ),
        "segments": rows(
            m.TestimonySegment.objects.filter(testimony__is_synthetic=True),
            "testimony__slug",
            "start_seconds",
            "end_seconds",
        ),
        "images": rows(
            m.Image.objects.synthetic(), "slug", "uuid", "sha256", "width", "height"
        ),
        "exhibitions": rows(m.Exhibition.objects.synthetic(), "slug", "uuid"),
        "items": sorted(
            (
                item.section.exhibition.slug,
                str(item.section.position),
                str(item.position),
                item.content_type.model,
                record(item.content_type.model)(item.object_id),
            )
            for item in m.ExhibitionItem.objects.filter(
                section__exhibition__is_synthetic=True
            ).select_related("section__exhibition", "content_type")
        ),
        "citations": sorted(
            (
                citation.content_type.model,
                record(citation.content_type.model)(citation.object_id),
                slugs["source"].get(citation.source_id, "?"),
                citation.locator,
                str(citation.position),
            )
            for citation in m.Citation.objects.filter(
                source__is_synthetic=True
            ).select_related("content_type")
        ),
    }
    encoded = json.dumps(parts, sort_keys=True, ensure_ascii=True).encode()
    return hashlib.sha256(encoded).hexdigest()
