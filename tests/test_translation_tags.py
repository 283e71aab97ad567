"""The public pages' translation tags: a note for translations, the original when a
translation is missing, and never an empty paragraph."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

PROVENANCE = {
    "story": {
        "original": "en",
        "fr": {"status": "translated", "by": "the archive", "on": "2026-12-03"},
        "de": {"status": "reviewed", "by": "A. Curator", "reviewed_by": "B"},
    }
}


def record(**texts):
    values = {f"story_{code}": None for code in ("en", "fr", "nl", "de")}
    values.update({f"story_{code}": text for code, text in texts.items()})
    return SimpleNamespace(translation_provenance=PROVENANCE, **values)


def render(obj, language: str) -> str:
    """The page in `language`, its notes' words in English (the project has no
    message catalogue yet)."""
    template = Template(
        "{% load translations %}{% translated_text record 'story' language %}"
    )
    with translation.override("en"):
        context = Context({"record": obj, "language": language})
        return template.render(context).strip()


def test_a_translation_is_shown_with_its_note():
    html = render(record(en="In 1943.", fr="En 1943."), "fr")
    assert '<div class="translated-text" lang="fr"><p>En 1943.</p></div>' in html
    assert "Translated from English by the archive." in html


def test_a_named_translator_and_a_review_are_said():
    html = render(record(en="In 1943.", de="Im Jahr 1943."), "de")
    assert "Translated from English by A. Curator. Reviewed." in html


def test_a_missing_translation_shows_the_original_marked_as_such():
    html = render(record(en="In 1943.", nl="   "), "nl")
    assert 'lang="en"' in html
    assert "<p>In 1943.</p>" in html
    assert "Not yet translated; shown in English." in html


def test_the_original_has_no_note_and_no_text_renders_nothing():
    assert "translation-note" not in render(record(en="In 1943."), "en")
    assert render(record(), "fr") == ""
    assert "<p></p>" not in render(record(en="", fr=" "), "fr")


def test_the_active_language_is_the_default():
    template = Template("{% load translations %}{% translated_text record 'story' %}")
    with translation.override("fr"):
        html = template.render(Context({"record": record(en="A.", fr="B.")}))
    assert 'lang="fr"><p>B.</p>' in html
