"""Translation provenance: statuses, the translator's service, review, history,
completeness, and the fields that are never translated."""

from __future__ import annotations

import datetime

import pytest

from archive import models as m
from archive import provenance, services
from archive.translation import TRANSLATED_FIELDS
from tests import factories as f

pytestmark = pytest.mark.django_db


def published_recognition(**kwargs) -> m.Recognition:
    recognition = f.make_recognition(**kwargs)
    f.cite(recognition)
    return f.published(recognition)


def test_names_quotations_and_source_titles_are_never_translated_fields():
    for model, fields in provenance.NEVER_TRANSLATED.items():
        translated = set(TRANSLATED_FIELDS.get(model, ()))
        assert not translated & set(fields), (model, translated & set(fields))


def test_an_empty_translation_is_missing_and_the_original_is_marked():
    states = provenance.statuses({}, "story", {"en": "Text.", "fr": "  ", "nl": None})
    assert states["en"] == {"status": "original"}
    assert states["fr"] == {"status": "missing"}
    assert states["nl"] == {"status": "missing"}


def test_a_recorded_translation_names_its_translator_date_and_origin():
    notes = {
        "story": {
            "original": "en",
            "fr": {"status": "translated", "by": "the archive", "on": "2026-12-03"},
        }
    }
    state = provenance.statuses(notes, "story", {"en": "A.", "fr": "B."})["fr"]
    assert state["status"] == "translated"
    assert (state["from"], state["by"], state["on"]) == (
        "en",
        "the archive",
        "2026-12-03",
    )


def test_a_translator_writes_a_published_records_translation_and_it_is_noted():
    """Live at once, marked translated by the translator today, in history."""
    recognition = published_recognition(story="Hidden in 1943 by the Geulen family.")
    translator = f.make_user("Translator", first_name="Anne", last_name="Traductrice")
    services.record_translate(
        record=recognition,
        texts={"story_fr": "Cachée en 1943 par la famille Geulen."},
        acting_user=translator,
    )
    recognition.refresh_from_db()
    assert recognition.status == m.Status.PUBLISHED
    assert recognition.story_fr == "Cachée en 1943 par la famille Geulen."
    state = provenance.record_statuses(recognition)["story"]["fr"]
    assert state["by"] == "Anne Traductrice"
    assert state["on"] == datetime.date.today().isoformat()
    latest = recognition.history.latest()
    assert latest.history_change_reason.startswith("translation (fr)")
    assert latest.translation_provenance["story"]["fr"]["by"] == "Anne Traductrice"


def test_a_translator_may_not_write_the_original_or_another_field():
    recognition = published_recognition(story="In 1943.")
    translator = f.make_user("Translator")
    for texts in ({"story_en": "Changed."}, {"file_number": "1"}):
        with pytest.raises(services.TranslationError, match="not a translation"):
            services.record_translate(
                record=recognition, texts=texts, acting_user=translator
            )
    recognition.refresh_from_db()
    assert recognition.story_en == "In 1943."


def test_a_translation_that_changes_a_number_is_refused_naming_it():
    recognition = published_recognition(story="Hidden in 1943.")
    with pytest.raises(services.TranslationError, match="1943 is in the English"):
        services.record_translate(
            record=recognition,
            texts={"story_fr": "Cachée en 1944."},
            acting_user=f.make_user("Translator"),
        )
    recognition.refresh_from_db()
    assert not recognition.story_fr


def test_a_contributor_may_not_translate_a_published_record():
    recognition = published_recognition(story="Text.")
    with pytest.raises(services.TranslationError, match="permission"):
        services.record_translate(
            record=recognition,
            texts={"story_fr": "Texte."},
            acting_user=f.make_user("Contributor"),
        )


def test_an_editor_marks_translations_reviewed_and_a_translator_may_not():
    recognition = published_recognition(story="Text.")
    services.record_translate(
        record=recognition,
        texts={"story_fr": "Texte."},
        acting_user=f.make_user("Translator"),
    )
    with pytest.raises(services.TranslationError):
        services.record_review_translations(
            record=recognition, acting_user=f.make_user("Translator")
        )
    editor = f.make_user("Editor", username="the-editor")
    assert services.record_review_translations(
        record=recognition, acting_user=editor
    ) == ["story_fr"]
    recognition.refresh_from_db()
    state = provenance.record_statuses(recognition)["story"]["fr"]
    assert (state["status"], state["reviewed_by"]) == ("reviewed", "the-editor")
    assert (
        services.record_review_translations(record=recognition, acting_user=editor)
        == []
    )


def test_completeness_counts_published_records_per_language():
    published_recognition(story="One.", story_fr="Un.")
    published_recognition(story="Two.")
    f.make_recognition(story="Draft.", story_fr="Brouillon.")  # not published
    (row,) = provenance.completeness(m.Recognition, ["story"])
    assert (row["records"], row["with_text"]) == (2, 2)
    assert row["filled"] == {"en": 2, "fr": 1, "nl": 0, "de": 0}
    queue = provenance.translation_queue("nl")
    assert queue[0]["missing"] >= queue[-1]["missing"]
    assert any(r["field"] == "story" and r["missing"] == 2 for r in queue)


def test_the_missing_filter_condition_finds_the_records_lacking_a_language():
    lacking = published_recognition(story="One.")
    published_recognition(story="Two.", story_nl="Twee.")
    found = m.Recognition.objects.filter(provenance.missing_q("story", "nl"))
    assert list(found) == [lacking]
