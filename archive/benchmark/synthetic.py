"""A synthetic archive for load tests: large, deterministic and plainly not history.

`generate_archive(scale=N, seed=S)` makes N recognitions with their rescuers and rescued
(about 2N people), N/2 testimonies with segments and a transcript, N/10 images (real
1600x1200 JPEG files in private storage), events, figures, places, organisations,
sources, citations, and three exhibitions, one of exactly 30 items for the API
benchmark (`SYNTHETIC_BENCHMARK_EXHIBITION`). The same scale and seed give the same
rows. The generator is built in layers: `rows.Rows` (seeded streams, shared fields,
bulk inserts), `records.Records` (authorities, people and the records themselves) and
`generator.Generator` (images, exhibitions and citations on top); this module is its
public face and also deletes what it made.

Rules it keeps:

- Every publishable row has `is_synthetic=True` and an obviously synthetic name
  ("Synthetic Rescuer 00042"); child rows (rescuers, citations, segments...) belong to
  synthetic parents; the few vocabulary terms it needs have codes starting
  `synthetic-`. The demo archive (real history) is never touched.
- Records are published and public, so benchmarks see what visitors would see.
- Rows are written with `bulk_create` in one transaction. Simple-history does not
  record bulk-created rows, and the generator deliberately does not use its
  `bulk_create_with_history`: history exists so that curators' changes can be
  reviewed and restored, synthetic rows are not curators' work, and writing a second
  row for each of several hundred thousand rows would roughly double the time and the
  size of the database for nothing. Once a curator edits a synthetic record, its
  history starts as usual.
- One synthetic archive per database: generating again needs `replace=True`, which
  first removes the previous one (rows and files).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import translation

from archive import models as m
from archive.benchmark.generator import SYNTHETIC_BENCHMARK_EXHIBITION, Generator
from archive.benchmark.rows import TERM_PREFIX, Plan
from archive.kinds import PUBLISHABLE_MODELS
from archive.storage import private_storage

__all__ = [
    "SYNTHETIC_BENCHMARK_EXHIBITION",
    "SyntheticArchiveExists",
    "delete_synthetic_archive",
    "generate_archive",
    "synthetic_terms",
]


class SyntheticArchiveExists(Exception):
    """Synthetic data is already in the database; pass replace=True to regenerate."""


def generate_archive(
    *, scale: int, seed: int = 1, replace: bool = False
) -> dict[str, int]:
    """Generate the synthetic archive; return the number of rows made per kind.

    Raises SyntheticArchiveExists when synthetic records are present and `replace`
    is false, and ValueError for a scale below 1.
    """
    if scale < 1:
        raise ValueError("The scale must be at least 1.")
    with transaction.atomic(), translation.override("en"):
        if m.Recognition.objects.synthetic().exists() or synthetic_terms().exists():
            if not replace:
                raise SyntheticArchiveExists(
                    "A synthetic archive is already in this database; use "
                    "--replace to delete it and generate a new one."
                )
            delete_synthetic_archive()
        return Generator(Plan.for_scale(scale), seed).run()


def synthetic_terms() -> models.QuerySet:
    """The vocabulary terms the generator adds (their codes start `synthetic-`)."""
    return m.Term.objects.filter(slug__startswith=TERM_PREFIX)


# ---------------------------------------------------------------------- deleting


def _raw_delete(queryset: models.QuerySet) -> int:
    """Delete rows in one statement, without loading them or sending signals.

    QuerySet.delete() would fetch every row and send the history signals (one
    'deleted' history row per synthetic record); synthetic rows need neither. Django's
    `_raw_delete` is the documented-in-code fast path the collector itself uses.
    """
    return queryset._raw_delete(queryset.db)


def delete_synthetic_archive() -> dict[str, int]:
    """Remove every synthetic row and every synthetic image file and rendition.

    Files are deleted once the transaction commits, so a rollback loses nothing.
    """
    from archive.media import delete_on_commit

    deleted: dict[str, int] = {}
    synthetic = {model: model.objects.synthetic() for model in PUBLISHABLE_MODELS}

    def count(label: str, queryset: models.QuerySet) -> None:
        deleted[label] = deleted.get(label, 0) + _raw_delete(queryset)

    with transaction.atomic():
        for model, queryset in synthetic.items():
            content_type = ContentType.objects.get_for_model(model)
            count(
                "citations",
                m.Citation.objects.filter(
                    content_type=content_type, object_id__in=queryset.values("pk")
                ),
            )
            count(
                "exhibition_items",
                m.ExhibitionItem.objects.filter(
                    content_type=content_type, object_id__in=queryset.values("pk")
                ),
            )
        count("citations", m.Citation.objects.filter(source__in=synthetic[m.Source]))
        exhibitions = synthetic[m.Exhibition]
        count(
            "exhibition_items",
            m.ExhibitionItem.objects.filter(section__exhibition__in=exhibitions),
        )
        count(
            "exhibition_sections",
            m.ExhibitionSection.objects.filter(exhibition__in=exhibitions),
        )
        images = synthetic[m.Image]
        for name in m.Rendition.objects.filter(image__in=images).values_list(
            "file", flat=True
        ):
            delete_on_commit(m.Rendition.file.field.storage, name)
        for name in images.values_list("file", flat=True):
            delete_on_commit(private_storage, name)
        count("renditions", m.Rendition.objects.filter(image__in=images))
        for through, field in _through_tables():
            count("links", through.objects.filter(**{f"{field}__is_synthetic": True}))
        testimonies = synthetic[m.Testimony]
        segments = m.TestimonySegment.objects.filter(testimony__in=testimonies)
        for through in (
            m.TestimonySegment.keywords.through,
            m.TestimonySegment.people.through,
            m.TestimonySegment.places.through,
            m.TestimonySegment.events.through,
        ):
            count("links", through.objects.filter(testimonysegment__in=segments))
        count("segments", segments)
        count("transcripts", m.Transcript.objects.filter(testimony__in=testimonies))
        count(
            "testimony_participants",
            m.TestimonyParticipant.objects.filter(testimony__in=testimonies),
        )
        recognitions = synthetic[m.Recognition]
        rescued = m.RescuedPerson.objects.filter(recognition__in=recognitions)
        count(
            "links",
            m.RescuedPerson.help_kinds.through.objects.filter(
                rescuedperson__in=rescued
            ),
        )
        count("rescued", rescued)
        count("rescuers", m.Rescuer.objects.filter(recognition__in=recognitions))
        people = synthetic[m.Person]
        count("name_variants", m.NameVariant.objects.filter(person__in=people))
        count("memberships", m.Membership.objects.filter(person__in=people))
        count(
            "event_participants",
            m.EventParticipant.objects.filter(event__in=synthetic[m.Event]),
        )
        for label, model in (
            ("exhibitions", m.Exhibition),
            ("images", m.Image),
            ("testimonies", m.Testimony),
            ("recognitions", m.Recognition),
            ("figures", m.Figure),
            ("events", m.Event),
            ("people", m.Person),
            ("organisations", m.Organisation),
            ("places", m.Place),
            ("sources", m.Source),
        ):
            count(label, synthetic[model])
        count("terms", synthetic_terms())
    return deleted


def _through_tables() -> Iterable[tuple[type[models.Model], str]]:
    """(through model, name of its synthetic-side foreign key) for each many-to-many
    field of a publishable model."""
    for model in PUBLISHABLE_MODELS:
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            yield through, field.m2m_field_name()
