"""Translations in the admin: the Translator's form, provenance on save, the facts
check (refusal for a Translator, warning for others), the report and its queues,
the missing-in-language filter and the dashboard's filtered links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from archive import models as m
from archive import provenance
from tests import factories as f
from tests.admin.test_permission_matrix import read_form

pytestmark = pytest.mark.django_db


def published_recognition(**kwargs) -> m.Recognition:
    recognition = f.make_recognition(**kwargs)
    f.cite(recognition)
    return f.published(recognition)


def change_url(record) -> str:
    return reverse("admin:archive_recognition_change", args=[record.pk])


def form_of(client, record) -> dict:
    root = f.make_user(is_superuser=True, username="root-reader")
    reader = type(client)()
    reader.force_login(root)
    return read_form(reader, change_url(record), "recognition_form")


def test_a_translators_form_edits_translations_only(client):
    recognition = published_recognition(story="Hidden in 1943.")
    client.force_login(f.make_user("Translator"))
    page = client.get(change_url(recognition)).content.decode()
    assert 'name="story_fr"' in page
    assert 'name="story_en"' not in page  # the original is shown, not editable
    assert 'name="file_number"' not in page
    assert "translation-status" in page


def test_a_translator_saves_a_published_records_translation_live(client):
    recognition = published_recognition(story="Hidden in 1943.")
    data = form_of(client, recognition)
    client.force_login(f.make_user("Translator", username="tr"))
    response = client.post(
        change_url(recognition), {**data, "story_fr": "Cachée en 1943."}
    )
    assert response.status_code == 302
    recognition.refresh_from_db()
    assert recognition.story_fr == "Cachée en 1943."
    assert recognition.status == m.Status.PUBLISHED
    assert provenance.record_statuses(recognition)["story"]["fr"]["by"] == "tr"


def test_a_translators_post_that_changes_another_field_is_refused_whole(client):
    recognition = published_recognition(story="Hidden in 1943.")
    data = form_of(client, recognition)
    client.force_login(f.make_user("Translator"))
    response = client.post(
        change_url(recognition),
        {**data, "story_en": "Rewritten.", "story_fr": "Cachée en 1943."},
    )
    assert response.status_code == 403
    recognition.refresh_from_db()
    assert (recognition.story_en, recognition.story_fr) == ("Hidden in 1943.", None)


def test_a_translation_that_changes_a_number_is_a_form_error_naming_it(client):
    recognition = published_recognition(story="Hidden in 1943.")
    data = form_of(client, recognition)
    client.force_login(f.make_user("Translator"))
    response = client.post(
        change_url(recognition), {**data, "story_fr": "Cachée en 1944."}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "1943 is in the English text but not in the French" in text
    recognition.refresh_from_db()
    assert recognition.story_fr is None


def test_a_publisher_is_warned_of_a_distortion_and_the_translation_noted(client):
    recognition = published_recognition(story="Hidden in 1943.")
    data = form_of(client, recognition)
    client.force_login(f.make_user("Publisher", username="pub"))
    response = client.post(
        change_url(recognition), {**data, "story_nl": "Verborgen in 1944."}, follow=True
    )
    messages = [str(message) for message in response.context["messages"]]
    assert any(
        "1944 is in the Dutch text but not in the English" in m_ for m_ in messages
    )
    recognition.refresh_from_db()
    assert provenance.record_statuses(recognition)["story"]["nl"]["by"] == "pub"


def test_the_report_lists_each_languages_gaps_biggest_first(client):
    published_recognition(story="One.", story_fr="Un.")
    published_recognition(story="Two.")
    client.force_login(f.make_user("Translator"))
    response = client.get(reverse("admin:archive_translations"))
    assert response.status_code == 200
    queue = next(q for q in response.context["queues"] if q["code"] == "fr")
    assert [row["missing"] for row in queue["rows"]] == sorted(
        (row["missing"] for row in queue["rows"]), reverse=True
    )
    story = next(r for r in queue["rows"] if r["field"] == "story")
    assert story["missing"] == 1
    assert "missing=fr%3Astory" in story["url"]


def test_the_report_is_refused_to_staff_without_any_view_permission(client):
    client.force_login(f.make_user())
    assert client.get(reverse("admin:archive_translations")).status_code == 403


def test_the_missing_in_language_filter_lists_the_records_lacking_it(client):
    lacking = published_recognition(story="One.")
    published_recognition(story="Two.", story_de="Zwei.")
    client.force_login(f.make_user("Publisher"))
    url = reverse("admin:archive_recognition_changelist")
    response = client.get(url, {"missing": "de:story"})
    assert list(response.context["cl"].queryset) == [lacking]
    assert client.get(url, {"missing": "xx"}).status_code == 302  # ?e=1, not a 500


def test_the_dashboards_image_link_opens_the_images_it_counts(client):
    lacking = f.make_image(alt_text="")
    f.make_image()
    client.force_login(f.make_user("Publisher"))
    rows = client.get(reverse("admin:index")).context["attention"]
    row = next(r for r in rows if "alt text" in str(r["label"]))
    listed = client.get(row["url"]).context["cl"].queryset
    assert list(listed) == [lacking]
    assert row["count"] == 1


def test_the_dashboard_lists_translations_awaiting_review(client):
    recognition = published_recognition(story="Text.")
    from archive import services

    services.record_translate(
        record=recognition,
        texts={"story_fr": "Texte."},
        acting_user=f.make_user("Translator"),
    )
    client.force_login(f.make_user("Editor"))
    rows = client.get(reverse("admin:index")).context["attention"]
    row = next(
        r
        for r in rows
        if "awaiting review" in str(r["label"])
        and r["url"]
        and "translations=" in r["url"]
    )
    assert row["count"] == 1
    assert list(client.get(row["url"]).context["cl"].queryset) == [recognition]
