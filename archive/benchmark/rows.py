"""What every synthetic row shares: the plan for a scale, seeded streams, bulk inserts."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from archive import models as m
from archive.edtf import edtf_bounds

#: Code prefix of the vocabulary terms the generator adds.
TERM_PREFIX = "synthetic-"
#: Rows per INSERT; the backend may lower it (SQLite's limit on query parameters).
BATCH_SIZE = 2000
CONTENT_NOTE = "Synthetic record generated for load tests; not real history."


@dataclass(frozen=True)
class Plan:
    """How many of each record a scale means."""

    recognitions: int
    testimonies: int
    images: int
    events: int
    figures: int
    sources: int
    places: int
    organisations: int

    @classmethod
    def for_scale(cls, scale: int) -> Plan:
        return cls(
            recognitions=scale,
            testimonies=scale // 2,
            images=scale // 10,
            events=max(scale // 10, 1),
            figures=max(scale // 20, 3),
            sources=max(scale // 20, 5),
            places=min(max(scale // 100, 10), 500),
            organisations=min(max(scale // 100, 5), 300),
        )


class Rows:
    """Seeded random streams, the fields every synthetic record shares, bulk inserts.

    The base of the generator (`records.Records`, then `generator.Generator`): the
    steps keep the rows they made as attributes, for later steps to point at.
    """

    def __init__(self, plan: Plan, seed: int) -> None:
        self.plan = plan
        self.seed = seed
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def rng(self, name: str) -> random.Random:
        """One random stream per kind of record, so adding a kind changes no other."""
        return random.Random(f"{self.seed}:{name}")

    @staticmethod
    def uid(rng: random.Random) -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def publishable(self, rng: random.Random, slug: str) -> dict[str, Any]:
        return {
            "slug": slug,
            "uuid": self.uid(rng),
            "status": m.Status.PUBLISHED,
            "access": m.Access.PUBLIC,
            "published_at": self.now,
            "is_synthetic": True,
        }

    @staticmethod
    def dated(value: str, prefix: str = "date") -> dict[str, Any]:
        earliest, latest = edtf_bounds(value)
        return {
            f"{prefix}_edtf": value,
            f"{prefix}_earliest": earliest,
            f"{prefix}_latest": latest,
        }

    def insert(self, label: str, model: type[models.Model], rows: list) -> list:
        created = model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts[label] = self.counts.get(label, 0) + len(created)
        return created
