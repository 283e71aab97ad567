"""The demo's image script draws every letter of the exhibition titles: no accented
letter may come out as the font's missing-glyph box."""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType

import pytest
from PIL import ImageFont

from archive.demo import default_path

#: A code point no text font draws: what it renders is the missing-glyph box.
MISSING = "\U000f0000"


def make_images() -> ModuleType:
    """fixtures/demo/make_images.py is a script, not a package module: load it by path."""
    path = default_path() / "make_images.py"
    spec = importlib.util.spec_from_file_location("demo_make_images", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drawn(face: ImageFont.FreeTypeFont, character: str) -> tuple:
    mask = face.getmask(character)
    return mask.size, bytes(mask)


def boxed_letters(face: ImageFont.FreeTypeFont, text: str) -> list[str]:
    box = drawn(face, MISSING)
    return [c for c in set(text) if not c.isspace() and drawn(face, c) == box]


def test_the_missing_glyph_check_catches_pillows_bundled_font():
    """The check can fail: Pillow's own font has no 'è' and draws the box."""
    bundled = ImageFont.load_default(size=64)
    assert "è" in boxed_letters(bundled, "Le vingtième convoi")


@pytest.mark.parametrize("size", [22, 28, 64])
def test_the_title_card_font_draws_le_vingtieme_convoi_without_a_box(size):
    face = make_images().font(size)
    assert boxed_letters(face, "Le vingtième convoi") == []


def test_every_exhibition_title_in_every_language_has_all_its_letters():
    face = make_images().font(22)
    exhibitions = json.loads(
        (default_path() / "exhibitions.json").read_text(encoding="utf-8")
    )["exhibitions"]
    for exhibition in exhibitions:
        for language, title in exhibition["title"].items():
            assert boxed_letters(face, title) == [], (exhibition["slug"], language)
