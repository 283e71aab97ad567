"""A record's history tells the whole story: inline rows (a rescuer swapped, a
citation added, a segment moved) are listed with what changed and restored by a
revert; no "None" reason and no duplicated translated field lines."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.test import Client
from django.urls import reverse

from archive import models as m
from tests import factories as f
from tests.admin.test_permission_matrix import read_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher() -> Client:
    client = Client()
    client.force_login(f.make_user("Publisher"))
    return client


def _save_form(client: Client, record, **changes) -> None:
    """Post the record's change form as a browser would, with `changes`."""
    name = record._meta.model_name
    url = reverse(f"admin:archive_{name}_change", args=[record.pk])
    data = {**read_form(client, url, f"{name}_form"), **changes}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get(
        "errors"
    )


def _history(client: Client, record) -> str:
    name = record._meta.model_name
    url = reverse(f"admin:archive_{name}_history", args=[record.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def _revert(client: Client, record, version) -> None:
    name = record._meta.model_name
    url = reverse(
        f"admin:archive_{name}_simple_history", args=[record.pk, version.history_id]
    )
    data = read_form(client, url, f"historical{name}_form")
    response = client.post(url, data)
    assert response.status_code == 302


def test_a_swapped_rescuer_is_in_the_recognitions_history_and_a_revert_restores_it(
    publisher,
):
    recognition = f.make_recognition(title="A rescue")
    f.cite(recognition)
    first_rescuer = recognition.rescuers.get()
    original = first_rescuer.person
    _save_form(publisher, recognition)  # the version to come back to
    version = recognition.history.latest()
    other = f.make_person(family_name="Swappedin")
    _save_form(publisher, recognition, **{"rescuers-0-person": str(other.pk)})
    assert recognition.rescuers.get().person == other

    page = _text(_history(publisher, recognition))
    assert f"Rescuer “{other}”: person: {original} → {other}" in page

    _revert(publisher, recognition, version)
    assert recognition.rescuers.get().person == original


def test_an_added_citation_is_listed_and_a_revert_removes_it(publisher):
    event = f.make_event(title="A raid")
    f.cite(event, locator="p. 1")
    _save_form(publisher, event)
    version = event.history.latest()
    source = f.make_source(title="A later source")
    _save_form(
        publisher,
        event,
        **{
            "archive-citation-content_type-object_id-TOTAL_FORMS": "2",
            "archive-citation-content_type-object_id-1-source": str(source.pk),
            "archive-citation-content_type-object_id-1-locator": "p. 7",
            "archive-citation-content_type-object_id-1-position": "1",
        },
    )
    assert event.citations.count() == 2
    assert "Citation added: → A later source, p. 7" in _text(_history(publisher, event))

    _revert(publisher, event, version)
    assert list(event.citations.values_list("locator", flat=True)) == ["p. 1"]


def test_a_moved_segment_is_listed_with_its_old_and_new_times(publisher):
    testimony = f.make_testimony(title="A witness")
    m.TestimonySegment.objects.create(
        testimony=testimony, start_seconds=10, end_seconds=20, title="Arrest"
    )
    _save_form(publisher, testimony)
    _save_form(
        publisher,
        testimony,
        **{"segments-0-start_seconds": "30", "segments-0-end_seconds": "45"},
    )
    assert testimony.segments.get().start_seconds == 30
    page = _text(_history(publisher, testimony))
    assert "starts at (seconds): 10 → 30" in page
    assert "ends at (seconds): 20 → 45" in page


def test_history_shows_no_none_reason_and_no_duplicated_translated_field(publisher):
    recognition = f.make_recognition(story="First telling")
    f.cite(recognition)
    _save_form(publisher, recognition, story_en="Second telling")
    html = _history(publisher, recognition)
    cells = re.findall(r"<td>\s*None\s*</td>", html)
    assert cells == []
    text = _text(html)
    assert "Story [en]: First telling → Second telling" in text
    assert "Story: First telling" not in text
