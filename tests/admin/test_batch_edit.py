"""Batch edit: one field on many records, through the workflow, a version each."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import models as m
from archive import services
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("admin:archive_event_changelist")


def _client(group: str):
    user = f.make_user(group)
    client = Client()
    client.force_login(user)
    return client, user


def _post(client: Client, events, follow: bool = False, url: str = URL, **data):
    payload = {
        "action": "batch_edit",
        "_selected_action": [str(e.pk) for e in events],
        "index": "0",
        **data,
    }
    return client.post(url, payload, follow=follow)


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


def test_a_publisher_adds_a_place_to_many_events_with_a_version_each():
    client, user = _client("Publisher")
    brussels = f.make_place(name="Brussels")
    events = [f.published(f.make_event()), f.make_event()]
    response = _post(
        client, events, apply="yes", field="places:add", place=str(brussels.pk)
    )
    assert response.status_code == 302
    for event in events:
        assert list(event.places.all()) == [brussels]
        latest = event.history.latest()
        assert latest.history_change_reason.startswith(
            "Batch edit of places (add Brussels)"
        )
        assert latest.history_user == user


def test_a_batch_edit_removes_a_place_and_leaves_the_others():
    client, _user = _client("Publisher")
    brussels, mechelen = f.make_place(name="Brussels"), f.make_place(name="Mechelen")
    event = f.make_event()
    event.places.add(brussels, mechelen)
    _post(client, [event], apply="yes", field="places:remove", place=str(brussels.pk))
    assert list(event.places.all()) == [mechelen]
    assert "(remove Brussels)" in event.history.latest().history_change_reason


def test_a_batch_edit_sets_and_clears_a_single_place():
    client, _user = _client("Publisher")
    place = f.make_place(name="Mechelen")
    figures = [f.make_figure(), f.make_figure()]
    url = reverse("admin:archive_figure_changelist")
    edit = {"url": url, "apply": "yes", "field": "scope_place"}
    _post(client, figures, place=str(place.pk), **edit)
    assert {fig.scope_place_id for fig in m.Figure.objects.all()} == {place.pk}
    _post(client, figures, place="", **edit)
    assert {fig.scope_place_id for fig in m.Figure.objects.all()} == {None}


def test_a_batch_edit_adds_a_role_term_but_refuses_a_term_of_another_vocabulary():
    client, _user = _client("Publisher")
    rescuer = m.Term.objects.create(vocabulary="role", slug="rescuer", label="Rescuer")
    subject = m.Term.objects.create(vocabulary="subject", slug="hiding", label="Hiding")
    person = f.make_person()
    edit = {
        "url": reverse("admin:archive_person_changelist"),
        "apply": "yes",
        "field": "roles:add",
    }
    refused = _post(client, [person], term=str(subject.pk), **edit)
    assert refused.status_code == 200
    assert b"Hiding cannot be used for roles" in refused.content
    assert not person.roles.exists()
    assert _post(client, [person], term=str(rescuer.pk), **edit).status_code == 302
    assert list(person.roles.all()) == [rescuer]


def test_a_contributor_cannot_add_a_place_to_a_published_record():
    client, user = _client("Contributor")
    place = f.make_place(name="Brussels")
    own = f.make_event(created_by=user)
    shown = f.published(f.make_event(title="Shown event"))
    versions = shown.history.count()
    response = _post(
        client,
        [own, shown],
        follow=True,
        apply="yes",
        field="places:add",
        place=str(place.pk),
    )
    assert list(own.places.all()) == [place]
    assert not shown.places.exists()
    assert shown.history.count() == versions
    messages = [str(message) for message in response.context["messages"]]
    assert any(f"Event {shown.pk}: you may not edit it" in t for t in messages)


def test_the_batch_form_offers_only_the_models_own_term_and_place_fields():
    client, _user = _client("Publisher")
    response = _post(client, [f.make_event()])
    assert b'value="places:add"' in response.content
    assert b'name="place"' in response.content
    assert b'name="term"' not in response.content
    assert b"roles" not in response.content


def test_a_link_the_model_lacks_is_refused_by_the_service():
    _client_, user = _client("Publisher")
    event = f.make_event()
    with pytest.raises(services.WorkflowError):
        services.records_set_field(
            records=[event],
            field="roles",
            value=None,
            operation=services.ADD,
            acting_user=user,
        )


def test_a_batch_edit_reads_and_locks_the_records_in_one_query():
    """The records are read (and locked) together, not one query per record."""
    _c, user = _client("Publisher")
    events = [f.make_event() for _ in range(5)]
    with CaptureQueriesContext(connection) as captured:
        services.records_set_field(
            records=events, field="access", value=m.Access.STAFF, acting_user=user
        )
    selects = [
        q["sql"]
        for q in captured.captured_queries
        if (q["sql"] or "").startswith(
            'SELECT "archive_event"."id", "archive_event"."uuid"'
        )
    ]
    ids = ", ".join(str(e.pk) for e in events)
    assert (
        len([sql for sql in selects if f'"archive_event"."id" IN ({ids})' in sql]) == 1
    )
    # No read of one record by its id (the former per-record `get`).
    assert not [sql for sql in selects if "LIMIT 21" in sql]
    assert all(e.access == m.Access.STAFF for e in m.Event.objects.all())
