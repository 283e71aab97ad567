"""Setting a publication time in the admin: only who may publish may schedule, the
time must be in the future, and history says who scheduled what for when."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive import models as m
from tests import factories as f
from tests.admin.test_permission_matrix import read_form

pytestmark = pytest.mark.django_db


def change_url(record) -> str:
    return reverse("admin:archive_event_change", args=[record.pk])


def post_schedule(client, record, when: datetime.datetime):
    data = read_form(client, change_url(record), "event_form")
    local = timezone.localtime(when)
    data["publish_at_0"] = local.strftime("%Y-%m-%d")
    data["publish_at_1"] = local.strftime("%H:%M:%S")
    return client.post(change_url(record), data)


def test_a_publisher_schedules_a_publication_in_their_name(client):
    publisher = f.make_user("Publisher")
    client.force_login(publisher)
    event = f.make_event()
    when = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    response = post_schedule(client, event, when)
    assert response.status_code == 302, response.content.decode()[-2000:]
    event.refresh_from_db()
    assert event.publish_at == when and event.scheduled_by == publisher
    assert event.status == m.Status.DRAFT
    reason = event.history.latest().history_change_reason
    assert reason.startswith("publication scheduled for") and str(publisher) in reason


def test_a_contributor_cannot_schedule(client):
    """The field is read-only for who may not publish; a posted value is ignored."""
    contributor = f.make_user("Contributor")
    client.force_login(contributor)
    event = f.make_event(created_by=contributor)
    page = client.get(change_url(event)).content.decode()
    assert 'name="publish_at_0"' not in page
    when = timezone.now() + datetime.timedelta(days=2)
    response = post_schedule(client, event, when)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.publish_at is None and event.scheduled_by is None


def test_a_time_in_the_past_is_a_form_error(client):
    client.force_login(f.make_user("Publisher"))
    event = f.make_event()
    response = post_schedule(
        client, event, timezone.now() - datetime.timedelta(hours=1)
    )
    assert response.status_code == 200
    assert "Choose a time in the future" in response.content.decode()
    event.refresh_from_db()
    assert event.publish_at is None


def test_a_published_record_cannot_be_scheduled(client):
    client.force_login(f.make_user("Publisher"))
    event = f.make_event(status=m.Status.PUBLISHED)
    response = post_schedule(client, event, timezone.now() + datetime.timedelta(days=1))
    assert response.status_code == 200
    assert "already published" in response.content.decode()


def test_a_revert_keeps_the_schedule(client):
    """History restores text, never the workflow's own fields."""
    from archive.workflow import REVERT_KEEPS

    assert {"publish_at", "scheduled_by"} <= set(REVERT_KEEPS)
