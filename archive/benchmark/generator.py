"""The whole synthetic archive: the records, then their images, the exhibitions that
show them and the citations every record needs."""

from __future__ import annotations

import hashlib
import io
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from archive import models as m
from archive.benchmark.photos import realistic_photo
from archive.benchmark.records import Records
from archive.benchmark.rows import CONTENT_NOTE
from archive.media import delete_unless_committed
from archive.storage import private_storage

#: Slug of the exhibition of exactly 30 items that the API benchmark fetches.
SYNTHETIC_BENCHMARK_EXHIBITION = "synthetic-exhibition-30-items"
IMAGE_SIZE = (1600, 1200)
JPEG_QUALITY = 82
#: Distinct photographs drawn per run; each stored file is one of them with its own
#: JPEG comment, so every file is a real, different JPEG without drawing thousands.
PHOTO_POOL = 6


class Generator(Records):
    """The synthetic archive, step by step; `run()` returns the rows made per kind."""

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
