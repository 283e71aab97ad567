"""Exhibitions of 30 items for `manage.py bench_api`, added to a synthetic archive."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from archive import models as m
from archive.api.files import ensure_named_renditions, exhibition_image_ids
from archive.kinds import BY_NAME

#: What a benchmark exhibition shows: 30 items of mixed types.
BENCH_MIX = (
    ("image", 8),
    ("recognition", 10),
    ("person", 4),
    ("event", 3),
    ("place", 3),
    ("source", 2),
)


def ensure_bench_exhibitions(count: int = 40) -> int:
    """Synthetic, published exhibitions of 30 public items each, for bench_api, when
    the generated archive has fewer (and makes their images' renditions). Marked
    synthetic; never run on real data."""
    existing = [
        exhibition
        for exhibition in m.Exhibition.objects.public()
        if m.ExhibitionItem.objects.filter(section__exhibition=exhibition).count() == 30
    ]
    missing = count - len(existing)
    if missing > 0:
        _add_bench_exhibitions(missing)
    # What publishing an exhibition does (its images in every named size); rows
    # written in bulk skipped it.
    for exhibition in m.Exhibition.objects.public():
        ensure_named_renditions(exhibition_image_ids(exhibition.pk))
    return max(missing, 0)


def _add_bench_exhibitions(missing: int) -> None:
    pools = {
        kind: list(
            BY_NAME[kind]
            .model._default_manager.public()
            .order_by("pk")
            .values_list("pk", flat=True)[: number * missing]
        )
        for kind, number in BENCH_MIX
    }
    with transaction.atomic():
        for n in range(missing):
            exhibition = m.Exhibition(
                title_en=f"Synthetic bench exhibition {n + 1}",
                summary_en="Generated for the API benchmark; not real history.",
                status=m.Status.PUBLISHED,
                slug=f"synthetic-bench-exhibition-{n + 1}",
            )
            exhibition.is_synthetic = True
            images = pools.get("image") or []
            if images:
                exhibition.hero_image_id = images[n % len(images)]
            exhibition.save()
            section = m.ExhibitionSection.objects.create(
                exhibition=exhibition, title_en="Section"
            )
            position = 0
            for kind, number in BENCH_MIX:
                pool = pools[kind]
                content_type = ContentType.objects.get_for_model(BY_NAME[kind].model)
                for k in range(number):
                    if not pool:
                        break
                    m.ExhibitionItem.objects.create(
                        section=section,
                        position=position,
                        content_type=content_type,
                        object_id=pool[(n * number + k) % len(pool)],
                    )
                    position += 1
            # Fill any gap (a type the archive lacks) with recognitions.
            pool = pools.get("recognition") or []
            content_type = ContentType.objects.get_for_model(m.Recognition)
            while position < 30 and pool:
                m.ExhibitionItem.objects.create(
                    section=section,
                    position=position,
                    content_type=content_type,
                    object_id=pool[(n * 7 + position) % len(pool)],
                )
                position += 1
