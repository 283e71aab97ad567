"""The exhibition item picker: one search across every exhibitable kind, for
staff only and only of kinds the curator may view; items saved with it; and
reordering, an edit of the exhibition under the workflow rules, with history."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.admin.test_workflow import management

pytestmark = pytest.mark.django_db
SEARCH = reverse("admin:archive_exhibition_records")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_picker_finds_records_of_every_kind_with_title_kind_and_status():
    editor = f.make_user("Editor")
    image = f.published(f.make_image(title="Deportation list, Mechelen"))
    person = f.make_person(family_name="Mechelen-Test", given_names="Anna")
    event = f.make_event(title="Raid in Mechelen")
    f.make_event(title="Something else")
    results = _client(editor).get(SEARCH, {"q": "mechelen"}).json()["results"]
    by_key = {r["key"]: r for r in results}
    assert set(by_key) == {
        f"image:{image.pk}",
        f"person:{person.pk}",
        f"event:{event.pk}",
    }
    shown = by_key[f"image:{image.pk}"]
    assert shown["title"] == "Deportation list, Mechelen"
    assert shown["kind"] == "image"
    assert (shown["status"], shown["status_label"]) == ("published", "Published")
    assert shown["thumbnail"]
    assert shown["value"] == f"Deportation list, Mechelen [image:{image.pk}]"
    assert by_key[f"event:{event.pk}"]["status"] == "draft"


def test_the_picker_searches_every_language_and_never_exhibitions():
    editor = f.make_user("Editor")
    event = f.make_event(title="Liberation", title_fr="Libération de Bruxelles")
    f.make_exhibition(title="Bruxelles exhibition")
    results = _client(editor).get(SEARCH, {"q": "bruxelles"}).json()["results"]
    assert [r["key"] for r in results] == [f"event:{event.pk}"]


def test_the_picker_lists_only_kinds_the_curator_may_view():
    user = f.make_user()
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    f.make_image(title="Hidden kind: Antwerp")
    event = f.make_event(title="Antwerp raid")
    results = _client(user).get(SEARCH, {"q": "antwerp"}).json()["results"]
    assert [r["key"] for r in results] == [f"event:{event.pk}"]


def test_the_picker_search_is_for_staff_with_view_permission_only(client):
    f.make_event(title="Raid")
    anonymous = client.get(SEARCH, {"q": "raid"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    outsider = f.make_user(is_staff=False)
    assert _client(outsider).get(SEARCH, {"q": "raid"}).status_code == 302
    no_rights = f.make_user()
    refused = _client(no_rights).get(SEARCH, {"q": "raid"})
    assert refused.status_code == 403
    assert b"Raid" not in refused.content


def _section_form(section, items: list[dict]) -> dict:
    data = {
        "exhibition": str(section.exhibition_id),
        "position": str(section.position),
        "title_en": section.title,
        **management("items", len(items)),
    }
    data["items-INITIAL_FORMS"] = str(sum(1 for item in items if "id" in item))
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{index}-{key}"] = str(value)
        data[f"items-{index}-section"] = str(section.pk)
    return data


def test_an_item_chosen_with_the_picker_is_saved_with_its_record_and_caption():
    editor = f.make_user("Editor")
    exhibition = f.make_exhibition()
    section = exhibition.sections.get()
    image = f.make_image(title="Kazerne Dossin")
    url = reverse("admin:archive_exhibitionsection_change", args=[section.pk])
    response = _client(editor).post(
        url,
        _section_form(
            section,
            [
                {
                    "position": 1,
                    "record_choice": f"Kazerne Dossin [image:{image.pk}]",
                    "caption_en": "The barracks.",
                }
            ],
        ),
    )
    assert response.status_code == 302, response.content[:2000]
    item = section.items.get()
    assert item.record == image
    assert item.caption_en == "The barracks."
    page = _client(editor).get(url).content.decode()
    assert f'value="Kazerne Dossin [image:{image.pk}]"' in page
    assert 'role="combobox"' in page


def test_a_picker_value_of_a_kind_the_curator_may_not_view_is_a_form_error():
    user = f.make_user("Editor")
    user.groups.clear()
    for codename in ("change_exhibitionsection", "add_exhibitionitem", "view_event"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    user.user_permissions.add(Permission.objects.get(codename="change_exhibition"))
    user.user_permissions.add(Permission.objects.get(codename="review_exhibition"))
    exhibition = f.make_exhibition()
    section = exhibition.sections.get()
    image = f.make_image(title="Not for this curator")
    response = _client(user).post(
        reverse("admin:archive_exhibitionsection_change", args=[section.pk]),
        _section_form(
            section, [{"position": 1, "record_choice": f"x [image:{image.pk}]"}]
        ),
    )
    assert response.status_code == 200
    assert "Choose a record from the list" in response.content.decode()
    assert not section.items.exists()


def _reorder(client, section):
    first, second = section.items.order_by("position")
    return client.post(
        reverse("admin:archive_exhibitionsection_change", args=[section.pk]),
        _section_form(
            section,
            [
                {
                    "id": first.pk,
                    "position": 2,
                    "record_choice": f"x [{first.content_type.model}:{first.object_id}]",
                },
                {
                    "id": second.pk,
                    "position": 1,
                    "record_choice": f"y [{second.content_type.model}:{second.object_id}]",
                },
            ],
        ),
    )


def test_an_editor_reorders_the_items_of_a_draft_exhibition_with_history():
    editor = f.make_user("Editor")
    first, second = f.make_event(), f.make_person()
    exhibition = f.make_exhibition(items=[first, second])
    section = exhibition.sections.get()
    response = _reorder(_client(editor), section)
    assert response.status_code == 302
    assert [i.record for i in section.items.order_by("position")] == [second, first]
    moved = section.items.get(object_id=first.pk, content_type__model="event")
    latest = moved.history.latest()
    assert (latest.position, latest.history_user) == (2, editor)


def test_a_contributor_cannot_reorder_a_published_exhibition():
    contributor = f.make_user("Contributor")
    first, second = f.published(f.make_event()), f.published(f.make_person())
    exhibition = f.make_exhibition(items=[first, second], created_by=contributor)
    f.published(exhibition)
    section = exhibition.sections.get()
    response = _reorder(_client(contributor), section)
    assert response.status_code == 403
    assert [i.record for i in section.items.order_by("position")] == [first, second]


def test_an_unchanged_item_of_a_kind_the_curator_may_not_view_is_kept():
    """Saving a section keeps an item the curator cannot pick (another's image)."""
    user = f.make_user()
    for codename in (
        "change_exhibitionsection",
        "change_exhibitionitem",
        "change_exhibition",
        "review_exhibition",
        "view_event",
    ):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    image = f.make_image(title="Not for this curator")
    exhibition = f.make_exhibition(items=[image])
    section = exhibition.sections.get()
    item = section.items.get()
    response = _client(user).post(
        reverse("admin:archive_exhibitionsection_change", args=[section.pk]),
        _section_form(
            section,
            [
                {
                    "id": item.pk,
                    "position": 0,
                    "record_choice": f"Not for this curator [image:{image.pk}]",
                    "caption_en": "Kept.",
                }
            ],
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.record, item.caption_en) == (image, "Kept.")
