"""The synthetic archive generator: deterministic, plainly synthetic, publishable."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage

from archive import models as m
from archive.benchmark.synthetic import (
    SYNTHETIC_BENCHMARK_EXHIBITION,
    SyntheticArchiveExists,
    delete_synthetic_archive,
    generate_archive,
)
from archive.kinds import PUBLISHABLE_MODELS
from tests import factories as f
from tests.benchmark.digest import synthetic_digest

pytestmark = pytest.mark.django_db

SCALE = 20

CHILD_ROWS = (
    (m.Rescuer, "recognition__is_synthetic"),
    (m.RescuedPerson, "recognition__is_synthetic"),
    (m.TestimonySegment, "testimony__is_synthetic"),
    (m.Transcript, "testimony__is_synthetic"),
    (m.TestimonyParticipant, "testimony__is_synthetic"),
    (m.ExhibitionSection, "exhibition__is_synthetic"),
    (m.ExhibitionItem, "section__exhibition__is_synthetic"),
    (m.Citation, "source__is_synthetic"),
)


def test_same_seed_gives_the_same_archive_and_another_seed_another():
    """Determinism: the digest of the generated rows depends only on scale and seed."""
    generate_archive(scale=SCALE, seed=5)
    first = synthetic_digest()
    delete_synthetic_archive()
    assert not m.Person.objects.synthetic().exists()
    generate_archive(scale=SCALE, seed=5)
    assert synthetic_digest() == first
    generate_archive(scale=SCALE, seed=6, replace=True)
    assert synthetic_digest() != first


def test_every_record_the_generator_makes_is_marked_synthetic():
    """Nothing generated can be mistaken for history: flag, name and parentage."""
    generate_archive(scale=SCALE, seed=1)
    for model in PUBLISHABLE_MODELS:
        assert model.objects.exists(), model.__name__
        assert not model.objects.filter(is_synthetic=False).exists(), model.__name__
    for person in m.Person.objects.all():
        assert person.display_name.startswith("Synthetic "), person
    for model in (m.Recognition, m.Testimony, m.Event, m.Image, m.Source):
        for record in model.objects.all():
            assert str(record).startswith("Synthetic "), record
    assert all(t.slug.startswith("synthetic-") for t in m.Term.objects.all())
    for model, parent in CHILD_ROWS:
        assert model.objects.exists(), model.__name__
        assert not model.objects.exclude(**{parent: True}).exists(), model.__name__


def test_generated_records_are_public_and_pass_the_publication_rules():
    """Benchmarks see what a visitor would: every record public and publishable."""
    generate_archive(scale=SCALE, seed=1)
    for model in PUBLISHABLE_MODELS:
        assert model.objects.public().count() == model.objects.count(), model
        for record in model.objects.all()[:5]:
            assert record.publication_problems() == [], record


def test_scale_sets_the_size_of_the_archive():
    counts = generate_archive(scale=SCALE, seed=1)
    assert m.Recognition.objects.count() == SCALE
    assert 1.5 * SCALE <= m.Person.objects.count() <= 2.5 * SCALE
    assert m.Testimony.objects.count() == SCALE // 2
    assert m.TestimonySegment.objects.count() >= 3 * (SCALE // 2)
    assert m.Image.objects.count() == SCALE // 10
    assert counts["recognitions"] == SCALE
    benchmark = m.Exhibition.objects.get(slug=SYNTHETIC_BENCHMARK_EXHIBITION)
    items = m.ExhibitionItem.objects.filter(section__exhibition=benchmark)
    assert items.count() == 30
    assert items.values("content_type").distinct().count() >= 5


def test_generated_images_are_real_distinct_jpegs_with_their_checksums():
    generate_archive(scale=30, seed=1)
    digests = set()
    for image in m.Image.objects.all():
        data = image.file.read()
        image.file.close()
        assert hashlib.sha256(data).hexdigest() == image.sha256
        assert len(data) == image.file_size
        with PILImage.open(io.BytesIO(data)) as photo:
            assert photo.format == "JPEG"
            assert photo.size == (image.width, image.height) == (1600, 1200)
        digests.add(image.sha256)
    assert len(digests) == 3


def test_generating_again_needs_replace_and_never_touches_real_records():
    real = f.make_recognition(status=m.Status.PUBLISHED)
    generate_archive(scale=SCALE, seed=1)
    with pytest.raises(SyntheticArchiveExists):
        generate_archive(scale=SCALE, seed=1)
    generate_archive(scale=SCALE, seed=2, replace=True)
    assert m.Recognition.objects.synthetic().count() == SCALE
    assert m.Recognition.objects.filter(pk=real.pk, is_synthetic=False).exists()
    assert real.rescuers.count() == 1


def test_deleting_removes_every_synthetic_row_and_nothing_else():
    real = f.make_person()
    source = f.make_source()
    f.cite(real, source)
    generate_archive(scale=SCALE, seed=1)
    delete_synthetic_archive()
    for model in PUBLISHABLE_MODELS:
        assert not model.objects.synthetic().exists(), model
    for model, parent in CHILD_ROWS:
        assert not model.objects.filter(**{parent: True}).exists(), model
    assert not m.Term.objects.filter(slug__startswith="synthetic-").exists()
    assert m.Person.objects.filter(pk=real.pk).exists()
    assert real.citations.count() == 1


def test_generate_archive_command_reports_counts():
    out = io.StringIO()
    call_command("generate_archive", scale=10, seed=3, stdout=out)
    assert "recognitions" in out.getvalue()
    assert SYNTHETIC_BENCHMARK_EXHIBITION in out.getvalue()
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_archive", scale=10, stdout=io.StringIO())
    with pytest.raises(CommandError, match="--scale"):
        call_command("generate_archive", stdout=io.StringIO())
    call_command("generate_archive", delete=True, stdout=io.StringIO())
    assert not m.Recognition.objects.exists()
