"""bench_renditions runs end to end (figures are for the report, not asserted)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from archive.benchmark import photos, renditions


def test_benchmark_command_reports_both_variants():
    out = io.StringIO()
    call_command(
        "bench_renditions",
        "--images",
        "1",
        "--repeats",
        "1",
        "--size",
        "1200x800",
        "--json",
        stdout=out,
    )
    text = out.getvalue()
    raw = json.loads(text[text.index("{") : text.rindex("}") + 1])
    assert set(raw) == {"naive", "pipeline"}
    for result in raw.values():
        assert len(result["timings"]) == 1 and result["peak_rss_kb"] > 0
    assert "faster than the baseline" in text and "naive" in text


def test_generated_photographs_are_not_flat():
    """Realistic content: many distinct colours, and it does not compress to nothing."""
    photo = photos.realistic_photo(600, 400, seed=1)
    assert len(photo.getcolors(maxcolors=1_000_000) or []) > 10_000
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    assert len(buffer.getvalue()) > 600 * 400 * 3 / 20


def test_generation_is_deterministic():
    assert (
        photos.realistic_photo(64, 48, 3).tobytes()
        == photos.realistic_photo(64, 48, 3).tobytes()
    )


def test_bad_size_is_a_clear_error():
    with pytest.raises(CommandError, match="6000x4000"):
        call_command("bench_renditions", "--size", "big")


def test_pipeline_and_baseline_make_the_same_thumbnail_size(tmp_path):
    (path,) = photos.write_samples(tmp_path, 1, (900, 600))
    for make in (renditions.naive_thumbnail, renditions.pipeline_thumbnail):
        assert Image.open(io.BytesIO(make(str(path)))).size == (400, 300)
