"""The `translations` member: each translated field's status per language, in the
answer and in the OpenAPI schema."""

from __future__ import annotations

import pytest

from archive import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_each_record_says_which_text_is_original_translated_or_missing(api):
    event = f.make_event(
        status=m.Status.PUBLISHED,
        title_en="Liberation",
        title_fr="Libération",
        description_en="Liège was liberated on 6 September 1944.",
        description_de="  ",
        translation_provenance={
            "title": {
                "original": "en",
                "fr": {"status": "reviewed", "by": "A", "on": "2026-12-01"},
            }
        },
    )
    data = api.get(f"/api/v1/events/{event.uuid}/").json()
    title = data["translations"]["title"]
    assert title["en"] == {"status": "original"}
    assert title["fr"]["status"] == "reviewed"
    assert (title["fr"]["from"], title["fr"]["by"]) == ("en", "A")
    assert title["nl"] == {"status": "missing"}
    assert data["translations"]["description"]["de"] == {"status": "missing"}
    assert "content_warning" not in data["translations"]  # empty in every language


def test_lists_carry_translations_too(api):
    f.make_event(status=m.Status.PUBLISHED, title_en="Liberation")
    (row,) = api.get("/api/v1/events/").json()["results"]
    assert row["translations"]["title"]["fr"] == {"status": "missing"}


def test_the_schema_documents_the_translations_member(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    event = schema["components"]["schemas"]["Event"]
    member = event["properties"]["translations"]
    statuses = member["additionalProperties"]["properties"]["fr"]["properties"]
    assert statuses["status"]["enum"] == [
        "original",
        "translated",
        "reviewed",
        "missing",
    ]
