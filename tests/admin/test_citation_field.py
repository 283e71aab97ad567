"""A citation's "field" is chosen from the record's own fields by label."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from archive import models as m
from archive.admin.citations import citable_fields
from tests import factories as f
from tests.admin.test_permission_matrix import read_form

pytestmark = pytest.mark.django_db
PREFIX = "archive-citation-content_type-object_id"


def test_citable_fields_are_the_records_content_fields_by_label():
    """Story and date are offered once, by label; workflow fields are not."""
    choices = dict(citable_fields(m.Recognition))
    assert choices["story"] == "Story"
    assert choices["date_edtf"] == "Date (EDTF)"
    assert not {"story_en", "status", "access", "slug", "uuid"} & set(choices)


def test_the_citation_field_is_a_choice_and_a_typed_name_is_refused():
    client = Client()
    client.force_login(f.make_user("Publisher"))
    recognition = f.make_recognition()
    f.cite(recognition)
    url = reverse("admin:archive_recognition_change", args=[recognition.pk])
    page = client.get(url).content.decode()
    assert f'<select name="{PREFIX}-0-field_name"' in page
    assert '<option value="story">Story</option>' in page
    data = read_form(client, url, "recognition_form")
    refused = client.post(url, {**data, f"{PREFIX}-0-field_name": "not_a_field"})
    assert refused.status_code == 200
    assert recognition.citations.get().field_name == ""
    saved = client.post(url, {**data, f"{PREFIX}-0-field_name": "story"})
    assert saved.status_code == 302
    assert recognition.citations.get().field_name == "story"
