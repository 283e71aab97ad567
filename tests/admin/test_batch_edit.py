"""Batch edit: one field on many records, through the workflow, a version each."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from archive import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("admin:archive_event_changelist")


def _client(group: str):
    user = f.make_user(group)
    client = Client()
    client.force_login(user)
    return client, user


def _post(client: Client, events, follow: bool = False, **data):
    payload = {
        "action": "batch_edit",
        "_selected_action": [str(e.pk) for e in events],
        "index": "0",
        **data,
    }
    return client.post(URL, payload, follow=follow)


def test_the_batch_edit_action_first_asks_for_the_field_and_value():
    client, _user = _client("Publisher")
    events = [f.make_event(), f.make_event()]
    response = _post(client, events)
    assert response.status_code == 200
    assert b'name="field"' in response.content
    assert all(e.access == m.Access.PUBLIC for e in m.Event.objects.all())


def test_a_publisher_sets_access_on_many_records_with_a_version_each():
    client, user = _client("Publisher")
    events = [f.published(f.make_event()), f.make_event()]
    response = _post(client, events, apply="yes", field="access", access="staff")
    assert response.status_code == 302
    for event in events:
        event.refresh_from_db()
        assert event.access == m.Access.STAFF
        latest = event.history.latest()
        assert latest.history_change_reason.startswith("Batch edit of access")
        assert latest.history_user == user


def test_a_contributor_batch_edit_skips_records_it_may_not_edit_and_says_so():
    client, user = _client("Contributor")
    own = f.make_event(created_by=user)
    published = f.published(f.make_event(title="Shown event"))
    response = _post(
        client,
        [own, published],
        follow=True,
        apply="yes",
        field="embargo_until",
        embargo_until="2030-01-01",
    )
    own.refresh_from_db()
    published.refresh_from_db()
    assert own.embargo_until == datetime.date(2030, 1, 1)
    assert published.embargo_until is None
    messages = [str(message) for message in response.context["messages"]]
    assert any(
        text.startswith(f"Event {published.pk}: you may not edit it")
        for text in messages
    )


def test_a_bad_date_in_a_batch_edit_is_a_form_error_and_changes_nothing():
    client, _user = _client("Publisher")
    event = f.make_event()
    response = _post(
        client, [event], apply="yes", field="embargo_until", embargo_until="soon"
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    event.refresh_from_db()
    assert event.embargo_until is None
