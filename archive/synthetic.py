"""A synthetic archive for load tests: large, deterministic and plainly not history.

`generate_archive(scale=N, seed=S)` makes N recognitions with their rescuers and rescued
(about 2N people), N/2 testimonies with segments and a transcript, N/10 images (real
1600x1200 JPEG files in private storage), events, figures, places, organisations,
sources, citations, and three exhibitions, one of exactly 30 items for the API
benchmark (`SYNTHETIC_BENCHMARK_EXHIBITION`). The same scale and seed give the same
rows, which `synthetic_digest()` summarises.

Rules it keeps:

- Every publishable row has `is_synthetic=True` and an obviously synthetic name
  ("Synthetic Rescuer 00042"); child rows (rescuers, citations, segments...) belong to
  synthetic parents; the few vocabulary terms it needs have codes starting
  `synthetic-`. The demo archive (real history) is never touched.
- Records are published and public, so benchmarks see what visitors would see.
- Rows are written with `bulk_create` in one transaction. Simple-history does not
  record bulk-created rows, and this module deliberately does not use its
  `bulk_create_with_history`: history exists so that curators' changes can be
  reviewed and restored, synthetic rows are not curators' work, and writing a second
  row for each of several hundred thousand rows would roughly double the time and the
  size of the database for nothing. Once a curator edits a synthetic record, its
  history starts as usual.
- One synthetic archive per database: generating again needs `replace=True`, which
  first removes the previous one (rows and files).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone, translation

from archive import models as m
from archive.bench import realistic_photo
from archive.edtf import edtf_bounds
from archive.kinds import PUBLISHABLE_MODELS
from archive.media import delete_unless_committed
from archive.storage import private_storage

#: Slug of the exhibition of exactly 30 items that the API benchmark fetches.
SYNTHETIC_BENCHMARK_EXHIBITION = "synthetic-exhibition-30-items"
#: Code prefix of the vocabulary terms the generator adds.
TERM_PREFIX = "synthetic-"
IMAGE_SIZE = (1600, 1200)
JPEG_QUALITY = 82
#: Distinct photographs drawn per run; each stored file is one of them with its own
#: JPEG comment, so every file is a real, different JPEG without drawing thousands.
PHOTO_POOL = 6
#: Rows per INSERT; the backend may lower it (SQLite's limit on query parameters).
BATCH_SIZE = 2000
CONTENT_NOTE = "Synthetic record generated for load tests; not real history."


class SyntheticArchiveExists(Exception):
    """Synthetic data is already in the database; pass replace=True to regenerate."""


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
        if m.Recognition.objects.synthetic().exists() or _synthetic_terms().exists():
            if not replace:
                raise SyntheticArchiveExists(
                    "A synthetic archive is already in this database; use "
                    "--replace to delete it and generate a new one."
                )
            delete_synthetic_archive()
        return _Generator(Plan.for_scale(scale), seed).run()


def _synthetic_terms() -> models.QuerySet:
    return m.Term.objects.filter(slug__startswith=TERM_PREFIX)


# ---------------------------------------------------------------------- generating


class _Generator:
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

    def run(self) -> dict[str, int]:
        self.make_terms()
        self.make_sources()
        self.make_places()
        self.make_organisations()
        self.make_people()
        self.make_recognitions()
        self.make_events()
        self.make_figures()
        self.make_testimonies()
        self.make_images()
        self.make_exhibitions()
        self.make_citations()
        return self.counts

    # --- authorities

    def make_terms(self) -> None:
        def term(vocabulary: str, code: str, label: str) -> m.Term:
            return m.Term(
                vocabulary=vocabulary,
                slug=f"{TERM_PREFIX}{code}",
                label_en=label,
                definition_en=CONTENT_NOTE,
            )

        self.roles = self.insert(
            "terms",
            m.Term,
            [
                term(m.Vocabulary.ROLE, "rescuer", "Synthetic role: rescuer"),
                term(m.Vocabulary.ROLE, "rescued", "Synthetic role: rescued"),
            ],
        )
        self.help_kinds = self.insert(
            "terms",
            m.Term,
            [
                term(m.Vocabulary.HELP_TYPE, f"help-{n}", f"Synthetic help {n}")
                for n in range(1, 5)
            ],
        )

    def make_sources(self) -> None:
        rng = self.rng("sources")
        kinds = [m.SourceKind.WEBPAGE, m.SourceKind.BOOK, m.SourceKind.DOCUMENT]
        rows = []
        for n in range(1, self.plan.sources + 1):
            year = rng.randint(1945, 2024)
            rows.append(
                m.Source(
                    **self.publishable(rng, f"synthetic-source-{n:06d}"),
                    **self.dated(f"{year}"),
                    title=f"Synthetic Source {n:05d}",
                    kind=kinds[n % len(kinds)],
                    creators=f"Author {n:05d}, Synthetic",
                    url=f"https://synthetic.invalid/sources/{n:06d}",
                    accessed=datetime.date(2026, 1, 1),
                    language="en",
                    description_en=CONTENT_NOTE,
                )
            )
        self.sources = self.insert("sources", m.Source, rows)

    def make_places(self) -> None:
        rng = self.rng("places")
        rows = [
            m.Place(
                **self.publishable(rng, f"synthetic-place-{n:06d}"),
                name_en=f"Synthetic Place {n:05d}",
                kind=m.PlaceKind.CITY,
                latitude=round(rng.uniform(49.5, 51.5), 6),
                longitude=round(rng.uniform(2.5, 6.4), 6),
                description_en=CONTENT_NOTE,
            )
            for n in range(1, self.plan.places + 1)
        ]
        self.places = self.insert("places", m.Place, rows)

    def make_organisations(self) -> None:
        rng = self.rng("organisations")
        kinds = list(m.OrganisationKind.values)
        rows = []
        for n in range(1, self.plan.organisations + 1):
            year = rng.randint(1930, 1944)
            rows.append(
                m.Organisation(
                    **self.publishable(rng, f"synthetic-organisation-{n:06d}"),
                    **self.dated(f"{year}/.."),
                    name_en=f"Synthetic Organisation {n:05d}",
                    kind=kinds[n % len(kinds)],
                    description_en=CONTENT_NOTE,
                )
            )
        self.organisations = self.insert("organisations", m.Organisation, rows)

    def person(self, rng: random.Random, role: str, n: int) -> m.Person:
        born = rng.randint(1870, 1935)
        died = min(born + rng.randint(30, 95), 2024)
        return m.Person(
            **self.publishable(rng, f"synthetic-{role.lower()}-{n:06d}"),
            **self.dated(f"{born}", "birth"),
            **self.dated(f"{died}", "death"),
            given_names="Synthetic",
            family_name=f"{role} {n:05d}",
            gender=rng.choice([m.Gender.FEMALE, m.Gender.MALE, m.Gender.UNKNOWN]),
            is_living=m.Living.NO,
            biography_en=CONTENT_NOTE,
        )

    def make_people(self) -> None:
        """About 2N people: 1.4 rescuers and 0.6 rescued per recognition."""
        rng = self.rng("people")
        shape = self.rng("recognition-shape")
        self.rescuer_counts = [
            1 if shape.random() < 0.6 else 2 for _ in range(self.plan.recognitions)
        ]
        self.rescued_flags = [
            shape.random() < 0.6 for _ in range(self.plan.recognitions)
        ]
        rescuers = [
            self.person(rng, "Rescuer", n)
            for n in range(1, sum(self.rescuer_counts) + 1)
        ]
        rescued = [
            self.person(rng, "Rescued", n)
            for n in range(1, sum(self.rescued_flags) + 1)
        ]
        self.rescuers = self.insert("people", m.Person, rescuers)
        self.rescued = self.insert("people", m.Person, rescued)
        through = m.Person.roles.through
        rescuer_role, rescued_role = self.roles
        links = [
            through(person_id=p.pk, term_id=rescuer_role.pk) for p in self.rescuers
        ]
        links += [
            through(person_id=p.pk, term_id=rescued_role.pk) for p in self.rescued
        ]
        self.insert("person_roles", through, links)

    # --- recognitions

    def make_recognitions(self) -> None:
        rng = self.rng("recognitions")
        rows = []
        for n in range(1, self.plan.recognitions + 1):
            rows.append(
                m.Recognition(
                    **self.publishable(rng, f"synthetic-recognition-{n:06d}"),
                    **self.dated(f"{rng.randint(1953, 2024)}"),
                    title_en=f"Synthetic Recognition {n:05d}",
                    title_fr=f"Reconnaissance synthétique {n:05d}",
                    title_nl=f"Synthetische erkenning {n:05d}",
                    file_number=f"SYN-{self.seed}-{n:06d}",
                    story_en=f"{CONTENT_NOTE} File {n:05d}.",
                )
            )
        self.recognitions = self.insert("recognitions", m.Recognition, rows)
        rescuers, rescued, places, help_links = [], [], [], []
        people = iter(self.rescuers)
        saved = iter(self.rescued)
        for index, recognition in enumerate(self.recognitions):
            for position in range(self.rescuer_counts[index]):
                person = next(people)
                rescuers.append(
                    m.Rescuer(
                        recognition_id=recognition.pk,
                        person_id=person.pk,
                        name_as_listed=person.display_name,
                        position=position,
                    )
                )
            if self.rescued_flags[index]:
                person = next(saved)
                rescued.append(
                    m.RescuedPerson(
                        recognition_id=recognition.pk,
                        person_id=person.pk,
                        place_id=rng.choice(self.places).pk,
                        period_edtf="1942/1944",
                    )
                )
            places.append(
                m.Recognition.places.through(
                    recognition_id=recognition.pk, place_id=rng.choice(self.places).pk
                )
            )
        self.insert("rescuers", m.Rescuer, rescuers)
        saved_rows = self.insert("rescued", m.RescuedPerson, rescued)
        through = m.RescuedPerson.help_kinds.through
        for row in saved_rows:
            help_links.append(
                through(rescuedperson_id=row.pk, term_id=rng.choice(self.help_kinds).pk)
            )
        self.insert("rescued_help", through, help_links)
        self.insert("recognition_places", m.Recognition.places.through, places)

    # --- events and figures

    def make_events(self) -> None:
        rng = self.rng("events")
        kinds = [k for k in m.EventKind.values if k != m.EventKind.RECOGNITION]
        start = datetime.date(1940, 5, 10)
        rows = []
        for n in range(1, self.plan.events + 1):
            day = start + datetime.timedelta(days=rng.randrange(1826))
            rows.append(
                m.Event(
                    **self.publishable(rng, f"synthetic-event-{n:06d}"),
                    **self.dated(day.isoformat()),
                    title_en=f"Synthetic Event {n:05d}",
                    title_fr=f"Événement synthétique {n:05d}",
                    title_nl=f"Synthetische gebeurtenis {n:05d}",
                    kind=kinds[n % len(kinds)],
                    description_en=CONTENT_NOTE,
                )
            )
        self.events = self.insert("events", m.Event, rows)
        through = m.Event.places.through
        self.insert(
            "event_places",
            through,
            [
                through(event_id=e.pk, place_id=rng.choice(self.places).pk)
                for e in self.events
            ],
        )

    def make_figures(self) -> None:
        """Figures in threes sharing a measure, as disagreeing sources would."""
        rng = self.rng("figures")
        rows = []
        for n in range(1, self.plan.figures + 1):
            group = (n - 1) // 3 + 1
            rows.append(
                m.Figure(
                    **self.publishable(rng, f"synthetic-figure-{n:06d}"),
                    **self.dated(f"{rng.randint(1940, 1945)}"),
                    label_en=f"Synthetic Figure {group:05d}",
                    measure=f"synthetic-measure-{group:05d}",
                    value=rng.randint(10, 30000),
                    unit_en="synthetic units",
                    note_en=CONTENT_NOTE,
                )
            )
        self.figures = self.insert("figures", m.Figure, rows)

    # --- testimonies

    def make_testimonies(self) -> None:
        rng = self.rng("testimonies")
        witnesses = self.rescuers + self.rescued
        kinds = [m.TestimonyKind.AUDIO, m.TestimonyKind.VIDEO, m.TestimonyKind.WRITTEN]
        rows = []
        for n in range(1, self.plan.testimonies + 1):
            day = datetime.date(1980, 1, 1) + datetime.timedelta(
                days=rng.randrange(14600)
            )
            rows.append(
                m.Testimony(
                    **self.publishable(rng, f"synthetic-testimony-{n:06d}"),
                    **self.dated(day.isoformat()),
                    title_en=f"Synthetic Testimony {n:05d}",
                    title_fr=f"Témoignage synthétique {n:05d}",
                    summary_en=CONTENT_NOTE,
                    kind=kinds[n % len(kinds)],
                    witness_id=rng.choice(witnesses).pk,
                    place_id=rng.choice(self.places).pk,
                    languages="en",
                    duration_seconds=rng.randint(1800, 7200),
                    consent_basis=m.ConsentBasis.CONSENT,
                    consent_scope=m.ConsentScope.ONLINE,
                )
            )
        self.testimonies = self.insert("testimonies", m.Testimony, rows)
        segments, transcripts, participants = [], [], []
        for testimony in self.testimonies:
            participants.append(
                m.TestimonyParticipant(
                    testimony_id=testimony.pk,
                    person_id=testimony.witness_id,
                    role=m.TestimonyParticipant.Role.WITNESS,
                )
            )
            start = 0
            for part in range(1, rng.randint(3, 5) + 1):
                length = rng.randint(120, 900)
                segments.append(
                    m.TestimonySegment(
                        testimony_id=testimony.pk,
                        start_seconds=start,
                        end_seconds=start + length,
                        title_en=f"Synthetic segment {part}",
                        synopsis_en=CONTENT_NOTE,
                    )
                )
                start += length
            transcripts.append(
                m.Transcript(
                    testimony_id=testimony.pk,
                    language="en",
                    is_public=True,
                    text=f"{CONTENT_NOTE} " * 8,
                )
            )
        self.insert("testimony_participants", m.TestimonyParticipant, participants)
        self.insert("segments", m.TestimonySegment, segments)
        self.insert("transcripts", m.Transcript, transcripts)

    # --- images

    def photo_pool(self) -> list[bytes]:
        """A few distinct photographs, drawn with the benchmark's photo generator."""
        pool = []
        for index in range(min(PHOTO_POOL, self.plan.images)):
            buffer = io.BytesIO()
            photo = realistic_photo(*IMAGE_SIZE, seed=self.seed * 1000 + index)
            photo.save(buffer, "JPEG", quality=JPEG_QUALITY)
            pool.append(buffer.getvalue())
        return pool

    @staticmethod
    def with_comment(jpeg: bytes, text: str) -> bytes:
        """The same JPEG with a comment (COM segment) after its start marker, so each
        stored file is distinct while every one decodes to a real photograph."""
        payload = text.encode("ascii")
        segment = b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload
        return jpeg[:2] + segment + jpeg[2:]

    def make_images(self) -> None:
        if not self.plan.images:
            self.images = []
            return
        rng = self.rng("images")
        pool = self.photo_pool()
        rows = []
        for n in range(1, self.plan.images + 1):
            data = self.with_comment(
                pool[n % len(pool)], f"Synthetic image {n:05d} (seed {self.seed})"
            )
            token = uuid.UUID(int=rng.getrandbits(128), version=4).hex
            name = private_storage.save(
                f"originals/{token[:2]}/{token}.jpg", ContentFile(data)
            )
            delete_unless_committed(private_storage, name)
            title = f"Synthetic Image {n:05d}"
            rows.append(
                m.Image(
                    **self.publishable(rng, f"synthetic-image-{n:06d}"),
                    **self.dated(f"{rng.randint(1940, 1945)}"),
                    file=name,
                    original_filename=f"synthetic-{n:05d}.jpg",
                    sha256=hashlib.sha256(data).hexdigest(),
                    file_size=len(data),
                    file_format="jpeg",
                    width=IMAGE_SIZE[0],
                    height=IMAGE_SIZE[1],
                    title_en=title,
                    caption_en=CONTENT_NOTE,
                    alt_text_en="A generated pattern of blurred coloured shapes "
                    "with film grain; it shows nothing real.",
                    creator="Synthetic data generator",
                    source_institution="Memorial archive (synthetic)",
                    rights_uri=m.Rights.CC0,
                    credit_line_en=f"“{title}”, synthetic data generator, CC0 1.0",
                    permission_status=m.Permission.NOT_NEEDED,
                )
            )
        self.images = self.insert("images", m.Image, rows)

    # --- exhibitions

    def make_exhibitions(self) -> None:
        rng = self.rng("exhibitions")
        pools: list[tuple[str, list]] = [
            ("recognition", self.recognitions),
            ("person", self.rescuers),
            ("image", self.images),
            ("testimony", self.testimonies),
            ("event", self.events),
            ("figure", self.figures),
            ("place", self.places),
            ("source", self.sources),
            ("organisation", self.organisations),
        ]
        pools = [(kind, records) for kind, records in pools if records]
        types = {
            kind: ContentType.objects.get_for_model(records[0])
            for kind, records in pools
        }
        specs = [
            (SYNTHETIC_BENCHMARK_EXHIBITION, "Synthetic Exhibition: 30 items", 3, 10),
            ("synthetic-exhibition-small", "Synthetic Exhibition: small", 2, 4),
            ("synthetic-exhibition-medium", "Synthetic Exhibition: medium", 2, 8),
        ]
        exhibitions = self.insert(
            "exhibitions",
            m.Exhibition,
            [
                m.Exhibition(
                    **self.publishable(rng, slug),
                    title_en=title,
                    subtitle_en="Generated for load tests",
                    summary_en=CONTENT_NOTE,
                    hero_image_id=self.images[0].pk if self.images else None,
                )
                for slug, title, _sections, _items in specs
            ],
        )
        sections = self.insert(
            "exhibition_sections",
            m.ExhibitionSection,
            [
                m.ExhibitionSection(
                    exhibition_id=exhibition.pk,
                    position=position,
                    title_en=f"Synthetic section {position + 1}",
                    body_en=CONTENT_NOTE,
                )
                for exhibition, (_s, _t, count, _i) in zip(
                    exhibitions, specs, strict=True
                )
                for position in range(count)
            ],
        )
        per_section = {
            exhibition.pk: spec[3]
            for exhibition, spec in zip(exhibitions, specs, strict=True)
        }
        items = []
        turn = 0
        for section in sections:
            for position in range(per_section[section.exhibition_id]):
                kind, records = pools[turn % len(pools)]
                turn += 1
                items.append(
                    m.ExhibitionItem(
                        section_id=section.pk,
                        position=position,
                        content_type_id=types[kind].pk,
                        object_id=rng.choice(records).pk,
                        caption_en=f"Synthetic caption {turn}",
                    )
                )
        self.insert("exhibition_items", m.ExhibitionItem, items)

    # --- citations

    def make_citations(self) -> None:
        """Every record that must cite a source cites one (recognitions two)."""
        rng = self.rng("citations")
        rows = []
        for records, per_record in (
            (self.recognitions, 2),
            (self.rescuers, 1),
            (self.rescued, 1),
            (self.testimonies, 1),
            (self.events, 1),
            (self.figures, 1),
        ):
            if not records:
                continue
            content_type = ContentType.objects.get_for_model(records[0])
            for record in records:
                for position in range(per_record):
                    rows.append(
                        m.Citation(
                            content_type_id=content_type.pk,
                            object_id=record.pk,
                            source_id=rng.choice(self.sources).pk,
                            locator=f"p. {rng.randint(1, 400)}",
                            position=position,
                        )
                    )
        self.insert("citations", m.Citation, rows)


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
        count("terms", _synthetic_terms())
    return deleted


def _through_tables() -> Iterable[tuple[type[models.Model], str]]:
    """(through model, name of its synthetic-side foreign key) for each many-to-many
    field of a publishable model."""
    for model in PUBLISHABLE_MODELS:
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            yield through, field.m2m_field_name()


# ---------------------------------------------------------------------- digest


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
        "terms": rows(_synthetic_terms(), "vocabulary", "slug", "label_en"),
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
