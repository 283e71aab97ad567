"""`?lang=` says which language each collapsed field was given in: Content-Language
lists the languages, Language-Fallbacks names the fields that fell back to English;
both documented in the OpenAPI schema and exposed to browsers (CORS)."""

from __future__ import annotations

import pytest

from archive import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


def translated_event() -> m.Event:
    return f.make_event(
        status=m.Status.PUBLISHED,
        title_en="General strike",
        title_fr="Grève générale",
        description_en="A strike.",
        description_fr="Une grève.",
    )


def test_a_fully_translated_answer_is_in_the_language_asked(api):
    event = translated_event()
    response = api.get(f"/api/v1/events/{event.uuid}/?lang=fr")
    assert response.json()["title"] == "Grève générale"
    assert response["Content-Language"] == "fr"
    assert "Language-Fallbacks" not in response


def test_fields_that_fell_back_to_english_are_named(api):
    translated_event()
    f.make_event(status=m.Status.PUBLISHED, title_en="Liberation of Brussels")
    for attempt in ("rendered", "cached"):
        response = api.get("/api/v1/events/?lang=fr")
        titles = {record["title"] for record in response.json()["results"]}
        assert titles == {"Grève générale", "Liberation of Brussels"}, attempt
        assert response["Content-Language"] == "fr, en", attempt
        assert "title" in response["Language-Fallbacks"].split(", "), attempt


def test_english_never_falls_back(api):
    f.make_event(status=m.Status.PUBLISHED, title_en="Liberation of Brussels")
    response = api.get("/api/v1/events/?lang=en")
    assert response["Content-Language"] == "en"
    assert "Language-Fallbacks" not in response


def test_language_maps_name_no_fallback(api):
    """Without `lang` nothing is collapsed, so nothing falls back."""
    f.make_event(status=m.Status.PUBLISHED, title_en="Liberation of Brussels")
    response = api.get("/api/v1/events/")
    assert response.json()["results"][0]["title"]["fr"] is None
    assert "Language-Fallbacks" not in response


def test_the_schema_documents_the_language_headers(api):
    schema = api.get("/api/v1/schema/").json()
    for path in ("/api/v1/events/", "/api/v1/events/{uuid}/", "/api/v1/people/"):
        headers = schema["paths"][path]["get"]["responses"]["200"]["headers"]
        assert {"Content-Language", "Language-Fallbacks"} <= set(headers), path
    lang = next(
        p
        for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]
        if p["name"] == "lang"
    )
    assert "Language-Fallbacks" in lang["description"]


def test_browsers_may_read_the_language_headers(api):
    translated_event()
    response = api.get("/api/v1/events/?lang=fr", HTTP_ORIGIN="https://kiosk.example")
    exposed = response["Access-Control-Expose-Headers"]
    assert "Content-Language" in exposed and "Language-Fallbacks" in exposed
