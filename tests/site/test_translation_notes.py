"""Public record pages say which long texts are translations, and from which
language; a text missing in the page's language is shown in its original with
that language's `lang` and a note; an empty translation never makes an empty
paragraph. One tag (`translated_text`) does it for every record template."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests import factories as f

pytestmark = pytest.mark.django_db

ARCHIVE = {"status": "translated", "by": "the archive", "on": "2026-12-03"}


def page(client, record, code: str) -> str:
    with translation.override(code):
        url = record.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_french_recognition_page_shows_the_french_story_and_its_note(client):
    recognition = f.published(
        f.make_recognition(),
        story_en="Hidden in the attic from 1942.",
        story_fr="Caché au grenier dès 1942.",
        translation_provenance={"story": {"original": "en", "fr": ARCHIVE}},
    )
    body = page(client, recognition, "fr")
    assert (
        '<div class="translated-text" lang="fr"><p>Caché au grenier dès 1942.' in body
    )
    note = body.split('<p class="translation-note" role="note">', 1)[1]
    assert note.lower().startswith(
        "traduit par l&#x27;archive (langue d&#x27;origine : anglais)."
    )
    assert "Hidden in the attic" not in body


def test_a_missing_dutch_text_shows_the_english_with_its_lang_and_a_note(client):
    person = f.published(
        f.make_person(),
        biography_en="Born in Antwerp in 1920.",
        biography_fr="Né à Anvers en 1920.",
        biography_nl="   ",
    )
    body = page(client, person, "nl")
    assert '<div class="translated-text" lang="en"><p>Born in Antwerp in 1920.' in body
    assert "Nog niet vertaald; getoond in het Engels." in body
    assert "<p></p>" not in body and "<p>   </p>" not in body


def test_the_original_carries_no_note_and_an_empty_text_renders_nothing(client):
    source = f.published(f.make_source(), description_en="A letter of 1943.")
    assert "translation-note" not in page(client, source, "en")
    empty = f.published(f.make_source(), description_en="", description_fr="")
    body = page(client, empty, "fr")
    assert "translated-text" not in body and "translation-note" not in body


def test_a_french_original_is_noted_on_the_english_page(client):
    """The original language comes from provenance, not from English by default."""
    place = f.published(
        f.make_place(),
        description_en="A village near Namur.",
        description_fr="Un village près de Namur.",
        translation_provenance={"description": {"original": "fr"}},
    )
    body = page(client, place, "en")
    assert "Translated from French." in body
    assert "translation-note" not in page(client, place, "fr")
