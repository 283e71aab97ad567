"""The admin's language tabs say each text's status; an editor can say a field
was first written in French (kept in history); a Translator changes nothing but
translations, whatever path it takes (change form, history revert, list actions,
batch edit, the service)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from archive import models as m
from archive import provenance, services
from tests import factories as f
from tests.admin.test_translations import change_url, form_of, published_recognition

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:archive_recognition_changelist")


def test_each_language_tab_carries_its_status(client):
    recognition = published_recognition(story="Hidden in 1943.")
    recognition.story_fr = "Cachée en 1943."
    provenance.note_translation(
        recognition, "story_fr", by="Anne", on=datetime.date(2026, 12, 1)
    )
    recognition.save()
    client.force_login(f.make_user(is_superuser=True, username="root"))
    page = client.get(change_url(recognition)).content.decode()
    assert 'data-translation-status="original"' in page
    assert 'data-translation-marker="translated by Anne on 2026-12-01"' in page
    assert 'data-translation-status="missing"' in page
    assert "French: translated by Anne on 2026-12-01." in page


def test_an_editor_sets_a_fields_original_language_and_history_keeps_it(client):
    recognition = published_recognition(story="Hidden in 1943.")
    recognition.story_fr = "Cachée en 1943."
    recognition.save()
    data = form_of(client, recognition)
    assert data["original_language__story"] == "en"
    client.force_login(f.make_user("Publisher", username="pub"))
    response = client.post(
        change_url(recognition), {**data, "original_language__story": "fr"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    recognition.refresh_from_db()
    assert (
        provenance.original_language(recognition.translation_provenance, "story")
        == "fr"
    )
    states = provenance.record_statuses(recognition)["story"]
    assert states["fr"]["status"] == "original"
    assert states["en"] == {**states["en"], "status": "translated", "from": "fr"}
    latest = recognition.history.latest()
    assert latest.translation_provenance["story"]["original"] == "fr"
    # A translator may now write the English, no longer the French.
    assert "story_en" in provenance.translation_columns(recognition)
    assert "story_fr" not in provenance.translation_columns(recognition)


def test_a_translator_cannot_set_the_original_language(client):
    recognition = published_recognition(story="Hidden in 1943.")
    data = form_of(client, recognition)
    client.force_login(f.make_user("Translator"))
    page = client.get(change_url(recognition)).content.decode()
    assert "original_language__story" not in page
    client.post(
        change_url(recognition),
        {**data, "original_language__story": "fr", "story_nl": "Verborgen in 1943."},
    )
    recognition.refresh_from_db()
    assert recognition.story_nl == "Verborgen in 1943."
    assert (
        provenance.original_language(recognition.translation_provenance, "story")
        == "en"
    )


def test_a_translators_published_translation_goes_live_and_awaits_review(client):
    recognition = published_recognition(story="Hidden in 1943.")
    data = form_of(client, recognition)
    client.force_login(f.make_user("Translator"))
    client.post(change_url(recognition), {**data, "story_de": "Versteckt 1943."})
    recognition.refresh_from_db()
    assert recognition.status == m.Status.PUBLISHED
    assert recognition.story_de == "Versteckt 1943."
    assert provenance.unreviewed(recognition) == ["story_de"]
    assert recognition.history.latest().history_change_reason.startswith(
        "translation (de)"
    )


def test_a_translator_cannot_revert_a_record_through_history(client):
    recognition = published_recognition(story="Hidden in 1943.", title="Old title")
    old = recognition.history.latest()
    recognition.title = "New title"
    recognition.save()
    client.force_login(f.make_user("Translator"))
    url = reverse(
        "admin:archive_recognition_simple_history",
        args=[recognition.pk, old.history_id],
    )
    response = client.post(
        url, {**form_of(client, recognition), "title_en": "Old title"}
    )
    assert response.status_code in (302, 403)
    recognition.refresh_from_db()
    assert recognition.title_en == "New title"


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("withdraw", {}),
        ("return_to_draft", {}),
        ("review_translations", {}),
        ("batch_edit", {"apply": "yes", "field": "access", "access": "staff"}),
        ("delete_selected", {"post": "yes"}),
    ],
)
def test_a_translators_list_actions_change_nothing(client, action, extra):
    recognition = published_recognition(story="Hidden in 1943.", story_fr="En 1943.")
    before = m.Recognition.objects.filter(pk=recognition.pk).values().get()
    client.force_login(f.make_user("Translator"))
    client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [recognition.pk], "index": "0", **extra},
    )
    after = m.Recognition.objects.filter(pk=recognition.pk).values().get()
    assert after == before


def test_the_service_refuses_a_translator_any_column_but_a_translation():
    recognition = published_recognition(story="Hidden in 1943.")
    translator = f.make_user("Translator")
    for column in ("story_en", "file_number", "status", "translation_provenance"):
        with pytest.raises(services.TranslationError):
            services.record_translate(
                record=recognition, texts={column: "x"}, acting_user=translator
            )
    recognition.refresh_from_db()
    assert recognition.story_en == "Hidden in 1943."
    assert recognition.status == m.Status.PUBLISHED


def test_a_translators_change_to_a_citation_inline_is_not_written(client):
    recognition = published_recognition(story="Hidden in 1943.")
    citation = m.Citation.objects.get(
        content_type=ContentType.objects.get_for_model(recognition),
        object_id=recognition.pk,
    )
    data = form_of(client, recognition)
    locators = [name for name in data if name.endswith("-locator")]
    assert locators
    client.force_login(f.make_user("Translator"))
    client.post(
        change_url(recognition),
        {**data, locators[0]: "p. 999", "story_fr": "Cachée en 1943."},
    )
    citation.refresh_from_db()
    assert citation.locator != "p. 999"
