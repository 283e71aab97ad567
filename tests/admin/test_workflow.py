"""The curator admin, exercised through real admin requests per group."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from archive import models as m
from archive.kinds import PUBLISHABLE_MODELS
from archive.preview import preview_url
from tests import factories as f

pytestmark = pytest.mark.django_db

CITATION_PREFIX = "archive-citation-content_type-object_id"


def management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def recognition_form(rescuers, source, title="Georges and Germaine Fonsny") -> dict:
    data = {
        "title_en": title,
        "country_code": "BE",
        "date_edtf": "1996",
        "access": "public",
        "story_en": "They ran a rescue network with Max-Albert Van den Berg.",
        **management("rescuers", len(rescuers)),
        **management("rescued", 0),
        **management(CITATION_PREFIX, 1),
        f"{CITATION_PREFIX}-0-source": str(source.pk),
        f"{CITATION_PREFIX}-0-locator": "section 1.8",
        f"{CITATION_PREFIX}-0-position": "0",
    }
    for index, person in enumerate(rescuers):
        data[f"rescuers-{index}-person"] = str(person.pk)
        data[f"rescuers-{index}-position"] = str(index)
    return data


def changelist(model=m.Recognition) -> str:
    return reverse(f"admin:archive_{model._meta.model_name}_changelist")


def post_action(client, action: str, *records):
    return client.post(
        changelist(type(records[0])),
        {"action": action, "_selected_action": [str(r.pk) for r in records]},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def contributor(client):
    user = f.make_user("Contributor")
    client.force_login(user)
    return user


def test_contributor_creates_a_draft_recognition_with_two_rescuers_and_a_source(
    client, contributor
):
    """The issue's walk-through, first half: create, but not publish, as Contributor."""
    people = [f.make_person(), f.make_person()]
    source = f.make_source()
    response = client.post(
        reverse("admin:archive_recognition_add"), recognition_form(people, source)
    )
    assert response.status_code == 302, response.context["errors"]
    recognition = m.Recognition.objects.get()
    assert recognition.status == m.Status.DRAFT
    assert recognition.created_by == contributor
    assert recognition.rescuers.count() == 2
    assert recognition.citations.get().source == source

    response = post_action(client, "publish", recognition)
    recognition.refresh_from_db()
    assert recognition.status == m.Status.DRAFT
    assert (
        f"Recognition {recognition.pk}: you do not have permission to publish it."
        in messages_of(response)
    )


def test_publisher_publishes_and_sees_history_and_reverts_an_edit(client):
    publisher = f.make_user("Publisher")
    client.force_login(publisher)
    source = f.make_source()
    client.post(
        reverse("admin:archive_recognition_add"),
        recognition_form([f.make_person(), f.make_person()], source),
    )
    recognition = m.Recognition.objects.get()

    response = post_action(client, "publish", recognition)
    recognition.refresh_from_db()
    assert recognition.status == m.Status.PUBLISHED
    assert "1 record published." in messages_of(response)

    edit = recognition_form(
        [r.person for r in recognition.rescuers.all()], source, title="Changed title"
    )
    edit.update(
        {
            "rescuers-INITIAL_FORMS": "0",
            "rescuers-TOTAL_FORMS": "0",
            f"{CITATION_PREFIX}-TOTAL_FORMS": "0",
        }
    )
    url = reverse("admin:archive_recognition_change", args=[recognition.pk])
    assert client.post(url, edit).status_code == 302
    recognition.refresh_from_db()
    assert recognition.title == "Changed title"

    history = client.get(
        reverse("admin:archive_recognition_history", args=[recognition.pk])
    )
    assert history.status_code == 200
    assert b"Changed title" in history.content or b"title" in history.content

    original = recognition.history.order_by("history_date").first()
    revert_url = reverse(
        "admin:archive_recognition_simple_history",
        args=[recognition.pk, original.history_id],
    )
    form = client.get(revert_url)
    assert form.status_code == 200
    revert = {
        **edit,
        "title_en": original.title_en,
        "_current_version": str(form.context["current_version"]),
    }
    assert client.post(revert_url, revert).status_code == 302
    recognition.refresh_from_db()
    assert recognition.title == "Georges and Germaine Fonsny"


def test_publishing_without_a_citation_names_the_record_and_what_is_missing(client):
    client.force_login(f.make_user("Publisher"))
    recognition = f.make_recognition()
    response = post_action(client, "publish", recognition)
    recognition.refresh_from_db()
    assert recognition.status == m.Status.DRAFT
    assert messages_of(response) == [
        f"Recognition {recognition.pk}: at least one citation of a source missing."
    ]


def test_publishing_an_image_without_alt_text_or_rights_says_so(client):
    client.force_login(f.make_user("Publisher"))
    image = f.make_image(alt_text="", rights_uri="", title_fr="Carte")
    response = post_action(client, "publish", image)
    assert messages_of(response) == [
        f"Image {image.pk}: alt text (en, fr), credit line (fr) and rights statement "
        "missing."
    ]


def test_contributor_cannot_edit_someone_elses_draft_but_an_editor_can(client):
    owner = f.make_user("Contributor")
    event = f.make_event(created_by=owner)
    url = reverse("admin:archive_event_change", args=[event.pk])

    client.force_login(f.make_user("Contributor"))
    response = client.get(url)
    assert b'name="title_en"' not in response.content  # read-only view

    client.force_login(f.make_user("Editor"))
    assert b'name="title_en"' in client.get(url).content


def test_editor_cannot_publish_or_withdraw(client):
    client.force_login(f.make_user("Editor"))
    event = f.make_event(status=m.Status.REVIEW)
    f.cite(event)
    response = post_action(client, "publish", event)
    event.refresh_from_db()
    assert event.status == m.Status.REVIEW
    assert "permission to publish" in messages_of(response)[0]
    post_action(client, "return_to_draft", event)
    event.refresh_from_db()
    assert event.status == m.Status.DRAFT


def test_published_records_are_withdrawn_not_deleted(client):
    client.force_login(f.make_user("Publisher"))
    event = f.make_event(status=m.Status.PUBLISHED)
    delete_url = reverse("admin:archive_event_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert m.Event.objects.filter(pk=event.pk).exists()
    post_action(client, "withdraw", event)
    event.refresh_from_db()
    assert event.status == m.Status.WITHDRAWN


def test_contributor_cannot_delete_even_a_draft(client, contributor):
    event = f.make_event(created_by=contributor)
    delete_url = reverse("admin:archive_event_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert m.Event.objects.filter(pk=event.pk).exists()


def test_contributor_submits_own_draft_for_review(client, contributor):
    event = f.make_event(created_by=contributor)
    post_action(client, "submit_for_review", event)
    event.refresh_from_db()
    assert event.status == m.Status.REVIEW


def test_admin_edit_writes_history_with_the_acting_user(client):
    user = f.make_user("Publisher")
    client.force_login(user)
    event = f.make_event()
    url = reverse("admin:archive_event_change", args=[event.pk])
    data = {
        "title_en": "Renamed",
        "kind": event.kind,
        "date_edtf": "1943",
        "access": "public",
        **management(CITATION_PREFIX, 0),
        **management("participants", 0),
    }
    assert client.post(url, data).status_code == 302
    latest = event.history.latest()
    assert latest.title_en == "Renamed"
    assert latest.history_user == user


def test_bad_edtf_in_the_admin_is_a_form_error_and_nothing_is_saved(client):
    client.force_login(f.make_user("Publisher"))
    data = recognition_form([f.make_person()], f.make_source())
    data["date_edtf"] = "spring 1943"
    response = client.post(reverse("admin:archive_recognition_add"), data)
    assert response.status_code == 200
    assert "is not a date in EDTF" in str(response.context["adminform"].form.errors)
    assert not m.Recognition.objects.exists()
    assert not m.Rescuer.objects.exists()


def test_duplicate_file_number_in_the_admin_is_a_form_error(client):
    client.force_login(f.make_user("Publisher"))
    f.make_recognition(file_number="1361")
    data = recognition_form([f.make_person()], f.make_source())
    data["file_number"] = "1361"
    response = client.post(reverse("admin:archive_recognition_add"), data)
    assert response.status_code == 200
    assert "file_number" in response.context["adminform"].form.errors
    assert m.Recognition.objects.count() == 1


def test_segment_ending_before_start_in_the_admin_is_a_form_error(client):
    client.force_login(f.make_user("Publisher"))
    data = {
        "title_en": "Statement",
        "kind": "written",
        "consent_basis": "published",
        "consent_scope": "online",
        "access": "public",
        **management("participants", 0),
        **management("segments", 1),
        "segments-0-start_seconds": "90",
        "segments-0-end_seconds": "30",
        "segments-0-title_en": "Part one",
        **management("transcripts", 0),
        **management(CITATION_PREFIX, 0),
    }
    response = client.post(reverse("admin:archive_testimony_add"), data)
    assert response.status_code == 200
    assert not m.Testimony.objects.exists()
    assert "ends (30s) before or when it starts (90s)" in response.content.decode()


def test_dashboard_lists_what_needs_attention(client):
    client.force_login(f.make_user("Publisher"))
    f.make_event(status=m.Status.REVIEW)
    f.make_image(alt_text="")
    response = client.get(reverse("admin:index"))
    text = response.content.decode()
    assert "Events awaiting review" in text
    assert "Events without a citation" in text
    assert "images missing alt text or a rights statement" in text.lower()


def test_preview_link_shows_a_draft_to_staff_only(client):
    event = f.make_event(title="Unpublished draft event")
    url = preview_url(event)
    assert client.get(url).status_code == 404
    client.force_login(f.make_user("Contributor"))
    response = client.get(url)
    assert response.status_code == 200
    assert "Unpublished draft event" in response.content.decode()
    assert client.get(url[:-5] + "xxxx/").status_code == 404


def test_view_on_site_only_for_public_records(client):
    from archive.admin.events import EventAdmin
    from archive.admin_site import ArchiveAdminSite

    admin = EventAdmin(m.Event, ArchiveAdminSite())
    draft = f.make_event()
    public = f.make_event(status=m.Status.PUBLISHED)
    assert admin.view_on_site(draft) is None
    assert admin.view_on_site(public) == public.get_absolute_url()
    assert client.get(public.get_absolute_url()).status_code == 200
    assert (
        client.get(reverse("archive:event-detail", args=[draft.slug])).status_code
        == 404
    )


def test_withdrawn_record_page_answers_gone_once_it_was_public(client):
    event = f.make_event(status=m.Status.PUBLISHED)
    event.status = m.Status.WITHDRAWN
    event.save()
    assert client.get(event.get_absolute_url()).status_code == 410


def test_api_client_key_is_shown_once_and_stored_hashed(client):
    client.force_login(f.make_user("Publisher"))
    response = client.post(
        reverse("admin:archive_apiclient_add"),
        {"name": "Dossin kiosk", "tier": "exhibition", "is_active": "on"},
        follow=True,
    )
    message = messages_of(response)[0]
    key = message.rsplit(": ", 1)[1]
    api_client = m.ApiClient.objects.get()
    assert key not in api_client.key_hash
    assert m.ApiClient.authenticate(key) == api_client


def test_every_content_model_is_registered_in_the_admin():
    from django.contrib import admin

    registered = set(admin.site._registry)
    for model in (*PUBLISHABLE_MODELS, m.Term, m.ApiClient, m.ExhibitionSection):
        if model is m.Image:
            continue  # registered by archive/admin/images.py with the upload form
        assert model in registered, model


def test_citation_inline_uses_the_generic_relation():
    event = f.make_event()
    citation = f.cite(event, locator="p. 3")
    assert citation.content_type == ContentType.objects.get_for_model(m.Event)
    assert list(event.citations.all()) == [citation]
