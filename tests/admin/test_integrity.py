"""Workflow integrity beyond the permission matrix: what a revert keeps, stale and
foreign versions, deletes that would change shown records, previews, and the rule
that an unpublished record looks exactly like a missing one."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive import models as m
from archive import services, workflow
from archive.preview import preview_url
from tests import factories as f

pytestmark = pytest.mark.django_db


def _login(group: str | None) -> tuple[Client, object]:
    user = f.make_user(group)
    client = Client()
    client.force_login(user)
    return client, user


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _revert_url(record, version) -> str:
    name = f"admin:archive_{record._meta.model_name}_simple_history"
    return reverse(name, args=[record.pk, version.history_id])


def _revert_form(client: Client, url: str) -> dict:
    """The revert form's own values, as the curator would post them."""
    form = client.get(url)
    assert form.status_code == 200
    adminform = form.context["adminform"].form
    data = {
        name: value
        for name, value in adminform.initial.items()
        if name in adminform.fields and value is not None
    }
    data["_current_version"] = str(form.context["current_version"])
    return data


# History revert ---------------------------------------------------------------


def test_a_publisher_revert_restores_the_text_but_never_status_access_or_author():
    client, publisher = _login("Publisher")
    author = f.make_user("Contributor")
    event = f.make_event(title="First wording", created_by=author)
    first = event.history.latest()
    f.cite(event)
    event.title = "Second wording"
    event.access = m.Access.STAFF
    event.save()
    services.record_publish(record=event, acting_user=publisher)
    event.refresh_from_db()
    published_at = event.published_at

    url = _revert_url(event, first)
    response = client.post(url, _revert_form(client, url))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "First wording"
    assert event.status == m.Status.PUBLISHED  # the first version was a draft
    assert event.access == m.Access.STAFF  # the first version was public
    assert event.published_at == published_at
    assert event.created_by == author
    assert event.history.latest().history_change_reason == (
        "Reverted to an earlier version"
    )


def test_a_revert_is_refused_when_the_record_changed_since_the_form_was_opened():
    client, _editor = _login("Editor")
    event = f.make_event(title="First wording")
    first = event.history.latest()
    event.title = "Second wording"
    event.save()
    url = _revert_url(event, first)
    data = _revert_form(client, url)

    event.title = "A colleague's wording"  # saved while the form was open
    event.save()
    response = client.post(url, data, follow=True)

    event.refresh_from_db()
    assert event.title == "A colleague's wording"
    assert any("Nothing was reverted" in text for text in _messages(response))


def test_a_replayed_revert_post_without_the_version_is_refused():
    client, _editor = _login("Editor")
    event = f.make_event(title="First wording")
    first = event.history.latest()
    event.title = "Second wording"
    event.save()
    url = _revert_url(event, first)
    data = _revert_form(client, url)
    del data["_current_version"]

    client.post(url, data)

    event.refresh_from_db()
    assert event.title == "Second wording"


def test_a_version_of_another_record_is_not_found_and_writes_nothing():
    client, _publisher = _login("Publisher")
    mine = f.make_event(title="Mine")
    other = f.make_event(title="Another record")
    foreign = other.history.latest()
    url = reverse(
        "admin:archive_event_simple_history", args=[mine.pk, foreign.history_id]
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"title_en": "Another record"}).status_code == 404
    mine.refresh_from_db()
    assert mine.title == "Mine"


def test_a_contributor_cannot_bring_a_withdrawn_record_back_by_a_revert():
    client, contributor = _login("Contributor")
    event = f.make_event(title="Once public", created_by=contributor)
    draft_version = event.history.latest()
    f.published(event)
    event.status = m.Status.WITHDRAWN
    event.save()
    url = _revert_url(event, draft_version)

    assert client.post(url, {"title_en": "Once public"}).status_code == 403
    event.refresh_from_db()
    assert event.status == m.Status.WITHDRAWN
    # The page still shows the version, without a revert button.
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["revert_disabled"] is True


# Submitting, previews ------------------------------------------------------------


def test_a_contributor_cannot_submit_someone_elses_draft():
    _client, contributor = _login("Contributor")
    other = f.make_user("Contributor")
    theirs = f.make_event(created_by=other)
    mine = f.make_event(created_by=contributor)

    with pytest.raises(services.WorkflowError, match="permission"):
        services.record_submit(record=theirs, acting_user=contributor)
    services.record_submit(record=mine, acting_user=contributor)

    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.status == m.Status.DRAFT
    assert mine.status == m.Status.REVIEW


@pytest.mark.parametrize(
    ("group", "status"),
    [(None, 404), ("Contributor", 200), ("Editor", 200), ("Publisher", 200)],
)
def test_a_preview_link_needs_view_permission_on_the_record_kind(group, status):
    client, _user = _login(group)
    draft = f.make_event(title="A draft only curators may see")
    assert client.get(preview_url(draft)).status_code == status


def test_a_preview_link_answers_like_a_bad_link_to_staff_without_permission():
    client, _user = _login(None)
    draft = f.make_event()
    refused = client.get(preview_url(draft))
    forged = client.get(reverse("archive:preview", args=["not-a-token"]))
    assert refused.status_code == forged.status_code == 404
    assert refused.content == forged.content


# Deletes ---------------------------------------------------------------------------


def _delete(client: Client, record) -> object:
    name = f"admin:archive_{record._meta.model_name}_delete"
    return client.post(reverse(name, args=[record.pk]), {"post": "yes"})


def test_deleting_a_draft_event_that_is_a_published_ceremony_is_refused():
    client, _publisher = _login("Publisher")
    ceremony = f.make_event(title="Ceremony at Yad Vashem")
    recognition = f.make_recognition(ceremony=ceremony)
    f.cite(recognition)
    f.published(recognition)

    response = _delete(client, ceremony)

    assert response.status_code == 200  # the page says why, nothing is deleted
    assert m.Event.objects.filter(pk=ceremony.pk).exists()
    recognition.refresh_from_db()
    assert recognition.ceremony_id == ceremony.pk
    assert f"Recognition {recognition.pk} (published)" in response.content.decode()


def test_bulk_deleting_a_draft_person_who_is_a_published_rescuer_is_refused():
    client, _publisher = _login("Publisher")
    recognition = f.make_recognition()
    f.cite(recognition)
    f.published(recognition)
    rescuer = recognition.rescuers.get().person

    client.post(
        reverse("admin:archive_person_changelist"),
        {"action": "delete_selected", "_selected_action": [rescuer.pk], "post": "yes"},
    )

    assert m.Person.objects.filter(pk=rescuer.pk).exists()
    assert recognition.rescuers.count() == 1


def test_deleting_a_record_shown_in_a_published_exhibition_is_refused():
    client, _publisher = _login("Publisher")
    person = f.make_person()
    exhibition = f.published(f.make_exhibition(items=[person]))

    _delete(client, person)

    assert m.Person.objects.filter(pk=person.pk).exists()
    assert m.ExhibitionItem.objects.filter(section__exhibition=exhibition).count() == 1


def test_deleting_a_draft_that_only_drafts_point_at_is_allowed():
    client, _publisher = _login("Publisher")
    ceremony = f.make_event()
    recognition = f.make_recognition(ceremony=ceremony)

    assert _delete(client, ceremony).status_code == 302

    recognition.refresh_from_db()
    assert recognition.ceremony_id is None


def test_deletion_blockers_name_every_shown_record_affected():
    publisher = f.make_user("Publisher")
    ceremony = f.make_event()
    shown = [f.published(f.make_recognition(ceremony=ceremony)) for _ in range(2)]
    reasons = workflow.deletion_blockers(publisher, [ceremony])
    assert len(reasons) == 2
    for recognition in shown:
        assert any(f"Recognition {recognition.pk} " in text for text in reasons)


# Sections follow their exhibition --------------------------------------------------


def test_a_contributor_cannot_add_a_section_to_a_published_exhibition():
    client, contributor = _login("Contributor")
    exhibition = f.make_exhibition(items=[f.published(f.make_person())])
    exhibition.created_by = contributor
    f.published(exhibition)
    before = exhibition.sections.count()

    response = client.post(
        reverse("admin:archive_exhibitionsection_add"),
        {
            "exhibition": exhibition.pk,
            "position": "5",
            "title_en": "A new wall",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "exhibition" in response.context["adminform"].form.errors
    assert exhibition.sections.count() == before


# Unpublished looks exactly like missing -------------------------------------------------


def _withdrawn_never_public(**state) -> m.Event:
    event = f.make_event(status=m.Status.PUBLISHED, **state)
    event.status = m.Status.WITHDRAWN
    event.save()
    return event


@pytest.mark.parametrize(
    "state",
    [
        {"embargo_until": datetime.date(2999, 1, 1)},
        {"access": m.Access.STAFF},
        {"access": m.Access.EXHIBITION},
    ],
    ids=["embargoed", "staff-only", "exhibition-only"],
)
def test_a_withdrawn_record_that_was_never_public_is_a_plain_404(client, state):
    event = _withdrawn_never_public(**state)
    assert event.first_public_at is None

    hidden = client.get(event.get_absolute_url())
    missing = client.get(reverse("archive:event-detail", args=[event.slug + "-x"]))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.headers.get("Content-Type") == missing.headers.get("Content-Type")

    unknown = uuid.uuid4()
    api_hidden = client.get(f"/api/v1/events/{event.uuid}/")
    api_missing = client.get(f"/api/v1/events/{unknown}/")
    assert api_hidden.status_code == api_missing.status_code == 404
    # The problem document names the address asked for; nothing else differs.
    assert api_hidden.content.replace(str(event.uuid).encode(), b"ID") == (
        api_missing.content.replace(str(unknown).encode(), b"ID")
    )


def test_a_withdrawn_record_that_was_public_is_gone_on_the_site_and_in_the_api(client):
    event = f.make_event(status=m.Status.PUBLISHED)
    assert event.first_public_at is not None
    event.status = m.Status.WITHDRAWN
    event.save()
    assert client.get(event.get_absolute_url()).status_code == 410
    assert client.get(f"/api/v1/events/{event.uuid}/").status_code == 410


def test_a_record_whose_embargo_lapsed_without_a_save_is_gone_once_withdrawn(client):
    publisher = f.make_user("Publisher")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    event = f.make_event(status=m.Status.PUBLISHED, embargo_until=yesterday)
    m.Event.objects.filter(pk=event.pk).update(first_public_at=None)  # as if saved
    # while the embargo still ran: it became public at midnight, without a save.
    event.refresh_from_db()

    services.record_withdraw(record=event, acting_user=publisher)

    event.refresh_from_db()
    assert event.first_public_at is not None
    assert client.get(event.get_absolute_url()).status_code == 410


def test_an_exhibition_only_record_once_shown_is_gone_for_kiosks_and_missing_for_all():
    from tests.api.conftest import new_client

    _kiosk, key = new_client()
    event = f.make_event(status=m.Status.PUBLISHED, access=m.Access.EXHIBITION)
    assert event.first_exhibited_at is not None
    assert event.first_public_at is None
    event.status = m.Status.WITHDRAWN
    event.save()
    url = f"/api/v1/events/{event.uuid}/"

    assert Client().get(url).status_code == 404
    assert Client(HTTP_AUTHORIZATION=f"Api-Key {key}").get(url).status_code == 410


def test_records_kept_the_first_public_mark_through_later_changes():
    event = f.make_event(status=m.Status.PUBLISHED)
    first = event.first_public_at
    event.title = "Edited"
    event.access = m.Access.STAFF
    event.save()
    event.refresh_from_db()
    assert event.first_public_at == first
    assert (
        ContentType.objects.get_for_model(event).model_class().objects.gone().count()
        == 0
    )


def test_a_forged_admin_post_without_the_csrf_token_is_refused():
    user = f.make_user("Publisher")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    event = f.make_event(title="Unchanged")
    url = reverse("admin:archive_event_change", args=[event.pk])
    assert client.post(url, {"title_en": "Forged"}).status_code == 403
    event.refresh_from_db()
    assert event.title == "Unchanged"


def test_a_stale_copy_saved_later_keeps_the_first_public_mark():
    event = f.make_event()
    stale = m.Event.objects.get(pk=event.pk)  # loaded while a draft
    f.published(event)
    event.status = m.Status.WITHDRAWN
    event.save()
    marked = m.Event.objects.get(pk=event.pk).first_public_at
    assert marked is not None

    stale.title = "Edited from an old copy"
    stale.status = m.Status.WITHDRAWN
    stale.save()

    assert m.Event.objects.get(pk=event.pk).first_public_at == marked
