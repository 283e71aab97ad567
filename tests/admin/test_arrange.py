"""Arranging an exhibition's sections and items from its own admin page: the
buttons (plain POSTs, no JavaScript) and the script's JSON order, both edits of the
exhibition under the workflow rules, in one transaction, with history."""

from __future__ import annotations

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from archive import models as m
from archive import services
from tests import factories as f
from tests.admin.test_permission_matrix import writes_so_far

pytestmark = pytest.mark.django_db

GROUPS = ("Contributor", "Editor", "Publisher", "Translator", "Archive manager")
STATES = ("own draft", "others' draft", "in review", "published", "withdrawn")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _item(section, record, position) -> m.ExhibitionItem:
    return m.ExhibitionItem.objects.create(
        section=section,
        position=position,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
    )


def _exhibition(**kwargs):
    """Two sections: "First" (a person, an event) and "Second" (a place)."""
    exhibition = f.make_exhibition(**kwargs)
    first = exhibition.sections.get()
    first.title = "First"
    first.position = 1
    first.save()
    second = m.ExhibitionSection.objects.create(
        exhibition=exhibition, title="Second", position=2
    )
    person = f.make_person(family_name="Fonsny", given_names="Germaine")
    event = f.make_event(title="The raid")
    place = f.make_place(name="Mechelen")
    items = [_item(first, person, 1), _item(first, event, 2), _item(second, place, 1)]
    return exhibition, first, second, items


def _order(exhibition) -> list[tuple[str, list[int]]]:
    return [
        (
            section.title,
            list(section.items.order_by("position").values_list("pk", flat=True)),
        )
        for section in exhibition.sections.order_by("position")
    ]


def _page(exhibition) -> str:
    return reverse("admin:archive_exhibition_arrange", args=[exhibition.pk])


def _order_url(exhibition) -> str:
    return reverse("admin:archive_exhibition_arrange_order", args=[exhibition.pk])


def _stamp(exhibition) -> str:
    return services.Arrangement.of(exhibition).stamp()


def _post_json(client, exhibition, body) -> object:
    return client.post(
        _order_url(exhibition),
        json.dumps(body) if not isinstance(body, (str, bytes)) else body,
        content_type="application/json",
    )


def _body(exhibition, *sections) -> dict:
    """The script's JSON: the current stamp, then (section, [items]) in order."""
    return {
        "stamp": _stamp(exhibition),
        "sections": [
            {"id": section.pk, "items": [item.pk for item in items]}
            for section, items in sections
        ],
    }


def _put_in_state(exhibition, state: str, author) -> None:
    exhibition.created_by = author
    exhibition.status = {
        "in review": m.Status.REVIEW,
        "published": m.Status.PUBLISHED,
        "withdrawn": m.Status.WITHDRAWN,
    }.get(state, m.Status.DRAFT)
    exhibition.save()


def may_edit(group: str, state: str) -> bool:
    """The rules, written out (as in the permission matrix): Contributors edit
    their own drafts, Editors anything unpublished, Publishers everything."""
    return {
        "Contributor": state == "own draft",
        "Editor": state in ("own draft", "others' draft", "in review"),
        "Publisher": True,
    }.get(group, False)


# The page ---------------------------------------------------------------------------


def test_the_exhibition_page_links_to_arranging_for_who_may_edit_it():
    editor, translator = f.make_user("Editor"), f.make_user("Translator")
    exhibition, *_rest = _exhibition()
    change = reverse("admin:archive_exhibition_change", args=[exhibition.pk])
    assert _page(exhibition) in _client(editor).get(change).content.decode()
    translating = _client(translator).get(change)
    assert translating.status_code == 200
    assert _page(exhibition) not in translating.content.decode()


def test_the_arrange_page_lists_sections_and_items_in_order_with_buttons(
    django_assert_max_num_queries,
):
    editor = f.make_user("Editor")
    exhibition, first, second, (person, event, place) = _exhibition()
    client = _client(editor)
    client.get(_page(exhibition))  # session, permissions cached
    with django_assert_max_num_queries(20):
        response = client.get(_page(exhibition))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("First") < page.index("Fonsny") < page.index("The raid")
    assert page.index("The raid") < page.index("Second") < page.index("Mechelen")
    assert f'value="section:{first.pk}:up" class="arrange-up" disabled' in page
    # The first item of the second section moves into the first one.
    assert f'value="item:{place.pk}:up" class="arrange-up" aria' in page
    assert "Move to the section before" in page
    assert f'value="item:{place.pk}:down" class="arrange-down" disabled' in page
    assert 'role="status"' in page and 'aria-live="polite"' in page
    assert "<script" not in page.split("</head>")[1]  # no inline script (CSP)
    assert reverse("admin:archive_exhibition_change", args=[exhibition.pk]) in page


def test_the_query_count_does_not_grow_with_the_items(django_assert_max_num_queries):
    """One query per kind of record shown, not per item."""
    editor = f.make_user("Editor")
    exhibition, first, *_rest = _exhibition()
    client = _client(editor)
    client.get(_page(exhibition))
    with django_assert_max_num_queries(100) as few:
        client.get(_page(exhibition))
    for n in range(6):
        _item(first, f.make_event(title=f"More {n}"), 10 + n)
        _item(first, f.published(f.make_image(title=f"Image {n}")), 20 + n)
    client.get(_page(exhibition))  # makes the thumbnails, once
    with django_assert_max_num_queries(100) as many:
        client.get(_page(exhibition))
    # + 2: the images (one query for all of them) and their thumbnails (one)
    assert len(many) == len(few) + 2, [q["sql"] for q in many.captured_queries]


# Buttons without JavaScript ------------------------------------------------------


def test_an_item_moves_down_with_a_plain_post_and_the_focus_returns_to_its_button():
    editor = f.make_user("Editor")
    exhibition, first, second, (person, event, place) = _exhibition()
    client = _client(editor)
    response = client.post(
        _page(exhibition),
        {"move": f"item:{person.pk}:down", "stamp": _stamp(exhibition)},
    )
    assert response.status_code == 303
    assert response["Location"].endswith(f"?moved=item-{person.pk}-down")
    assert _order(exhibition) == [
        ("First", [event.pk, person.pk]),
        ("Second", [place.pk]),
    ]
    page = client.get(response["Location"]).content.decode()
    assert f"“{person.record}” is now item 2 of 2 in “First”." in page
    # Now last of its section: "down" moves into the next section, and keeps focus.
    assert f'value="item:{person.pk}:down" class="arrange-down" autofocus' in page


def test_an_item_at_the_end_of_its_section_moves_into_the_next_one():
    editor = f.make_user("Editor")
    exhibition, first, second, (person, event, place) = _exhibition()
    response = _client(editor).post(
        _page(exhibition),
        {"move": f"item:{event.pk}:down", "stamp": _stamp(exhibition)},
    )
    assert response.status_code == 303
    assert _order(exhibition) == [
        ("First", [person.pk]),
        ("Second", [event.pk, place.pk]),
    ]


def test_sections_move_and_history_says_reordered_by_whom():
    editor = f.make_user("Editor", username="ada")
    exhibition, first, second, items = _exhibition()
    versions = exhibition.history.count()
    response = _client(editor).post(
        _page(exhibition),
        {"move": f"section:{second.pk}:up", "stamp": _stamp(exhibition)},
    )
    assert response.status_code == 303
    assert [title for title, _items in _order(exhibition)] == ["Second", "First"]
    assert exhibition.history.count() == versions + 1
    latest = exhibition.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        "Reordered by ada",
        editor,
    )
    for section in (first, second):
        version = section.history.latest()
        assert version.history_change_reason == "Reordered by ada"
        assert version.history_user == editor
    assert second.history.latest().position == 1
    # The exhibition's history page lists the sections' new order under it.
    history = _client(editor).get(
        reverse("admin:archive_exhibition_history", args=[exhibition.pk])
    )
    assert "Reordered by ada" in history.content.decode()


def test_a_move_made_on_an_out_of_date_page_changes_nothing():
    editor = f.make_user("Editor")
    exhibition, first, second, (person, event, place) = _exhibition()
    old = _stamp(exhibition)
    client = _client(editor)
    client.post(_page(exhibition), {"move": f"item:{person.pk}:down", "stamp": old})
    before = _order(exhibition)
    response = client.post(
        _page(exhibition), {"move": f"item:{event.pk}:down", "stamp": old}
    )
    assert response.status_code == 409
    assert "Nothing was moved" in response.content.decode()
    assert _order(exhibition) == before


@pytest.mark.parametrize(
    "move",
    [
        "",
        "item:abc:up",
        "item:-1:up",
        "item:12:sideways",
        "record:1:up",
        "item:999999:up",
        "section:999999:down",
    ],
)
def test_a_move_of_nothing_in_this_exhibition_is_a_400_and_writes_nothing(move):
    editor = f.make_user("Editor")
    exhibition, *_rest = _exhibition()
    client = _client(editor)
    before = writes_so_far()
    response = client.post(
        _page(exhibition), {"move": move, "stamp": _stamp(exhibition)}
    )
    assert response.status_code == 400
    assert '<li class="error">' in response.content.decode()
    assert writes_so_far() == before


def test_another_exhibitions_item_cannot_be_moved_from_this_one():
    editor = f.make_user("Editor")
    exhibition, *_rest = _exhibition()
    other, _first, _second, (foreign, *_others) = _exhibition()
    before = _order(other)
    response = _client(editor).post(
        _page(exhibition),
        {"move": f"item:{foreign.pk}:down", "stamp": _stamp(exhibition)},
    )
    assert response.status_code == 400
    assert _order(other) == before


def test_the_first_section_cannot_move_up():
    editor = f.make_user("Editor")
    exhibition, first, *_rest = _exhibition()
    response = _client(editor).post(
        _page(exhibition),
        {"move": f"section:{first.pk}:up", "stamp": _stamp(exhibition)},
    )
    assert response.status_code == 400


def test_the_buttons_need_the_csrf_token():
    editor = f.make_user("Editor")
    exhibition, first, second, _items = _exhibition()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    move = {"move": f"section:{second.pk}:up", "stamp": _stamp(exhibition)}
    assert client.post(_page(exhibition), move).status_code == 403
    assert (
        _post_json(client, exhibition, {"stamp": "x", "sections": []}).status_code
        == 403
    )
    assert [t for t, _i in _order(exhibition)] == ["First", "Second"]


# The permission matrix -------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_who_may_arrange_follows_the_workflow_on_every_path(state):
    """Every group, every state, on the page (GET), the buttons (POST) and the JSON
    order: allowed exactly when the group may edit the exhibition as it is; a
    refusal writes nothing."""
    author = f.make_user("Contributor", username="the-author")
    users = {group: f.make_user(group) for group in GROUPS}
    users["no permissions"] = f.make_user()
    failures = []
    for group, user in users.items():
        exhibition, first, second, items = _exhibition()
        _put_in_state(exhibition, state, user if state == "own draft" else author)
        client = _client(user)
        allowed = may_edit(group, state)
        expected = 200 if allowed else 403
        got = client.get(_page(exhibition)).status_code
        if got != expected:
            failures.append(f"{group} / {state} / page: {got}, expected {expected}")
        before = writes_so_far()
        posted = client.post(
            _page(exhibition),
            {"move": f"section:{second.pk}:up", "stamp": _stamp(exhibition)},
        )
        moved = [t for t, _i in _order(exhibition)] == ["Second", "First"]
        if allowed and (posted.status_code != 303 or not moved):
            failures.append(f"{group} / {state} / button: {posted.status_code}")
        if not allowed and (posted.status_code != 403 or writes_so_far() != before):
            failures.append(f"{group} / {state} / button: {posted.status_code}, wrote")
        before = writes_so_far()
        answer = _post_json(
            client,
            exhibition,
            _body(exhibition, (first, [items[1], items[0]]), (second, [items[2]])),
        )
        flipped = _order(exhibition)[0] == ("First", [items[1].pk, items[0].pk])
        if allowed and (answer.status_code != 200 or not flipped):
            failures.append(f"{group} / {state} / json: {answer.status_code}")
        if not allowed and (answer.status_code != 403 or writes_so_far() != before):
            failures.append(f"{group} / {state} / json: {answer.status_code}, wrote")
    assert not failures, "\n".join(failures)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    exhibition, first, second, _items = _exhibition()
    for response in (
        client.get(_page(exhibition)),
        client.post(_page(exhibition), {"move": f"section:{second.pk}:up"}),
        _post_json(client, exhibition, {"stamp": "", "sections": []}),
    ):
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert [t for t, _i in _order(exhibition)] == ["First", "Second"]


def test_a_missing_exhibition_is_a_404():
    editor = f.make_user("Editor")
    url = reverse("admin:archive_exhibition_arrange", args=[987654])
    assert _client(editor).get(url).status_code == 404
    order = reverse("admin:archive_exhibition_arrange_order", args=[987654])
    assert (
        _client(editor).post(order, "{}", content_type="application/json").status_code
        == 404
    )


# The JSON order (the page's script) --------------------------------------------


def test_the_json_order_moves_an_item_between_sections_in_one_go():
    publisher = f.make_user("Publisher", username="pat")
    exhibition, first, second, (person, event, place) = _exhibition()
    f.published(exhibition)
    answer = _post_json(
        _client(publisher),
        exhibition,
        _body(exhibition, (second, [place, person]), (first, [event])),
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"stamp": _stamp(exhibition), "moved": 4}
    assert _order(exhibition) == [
        ("Second", [place.pk, person.pk]),
        ("First", [event.pk]),
    ]
    person.refresh_from_db()
    assert person.history.latest().history_change_reason == "Reordered by pat"
    assert person.history.latest().section_id == second.pk
    # Published stays published, and the change is live at once.
    exhibition.refresh_from_db()
    assert exhibition.status == m.Status.PUBLISHED


def test_the_same_order_again_saves_nothing():
    editor = f.make_user("Editor")
    exhibition, first, second, (person, event, place) = _exhibition()
    versions = exhibition.history.count()
    answer = _post_json(
        _client(editor),
        exhibition,
        _body(exhibition, (first, [person, event]), (second, [place])),
    )
    assert answer.json()["moved"] == 0
    assert exhibition.history.count() == versions


def test_reordering_moves_the_exhibitions_change_time_for_kiosks():
    editor = f.make_user("Editor")
    exhibition, first, second, (person, event, place) = _exhibition()
    before = m.Exhibition.objects.get(pk=exhibition.pk).updated_at
    _client(editor).post(
        _page(exhibition),
        {"move": f"item:{person.pk}:down", "stamp": _stamp(exhibition)},
    )
    assert m.Exhibition.objects.get(pk=exhibition.pk).updated_at > before


def _bad_bodies(exhibition, first, second, items, foreign_item, foreign_section):
    person, event, place = items
    good_sections = [
        {"id": first.pk, "items": [person.pk, event.pk]},
        {"id": second.pk, "items": [place.pk]},
    ]
    stamp = _stamp(exhibition)
    return {
        "not json": "{not json",
        "not an object": json.dumps([1, 2]),
        "no stamp": {"sections": good_sections},
        "stamp not a string": {"stamp": 12, "sections": good_sections},
        "sections not a list": {"stamp": stamp, "sections": {"id": first.pk}},
        "section not an object": {"stamp": stamp, "sections": [first.pk, second.pk]},
        "a string id": {
            "stamp": stamp,
            "sections": [{"id": str(first.pk), "items": [person.pk, event.pk]}],
        },
        "a float id": {
            "stamp": stamp,
            "sections": [
                {"id": first.pk, "items": [person.pk + 0.5, event.pk]},
                {"id": second.pk, "items": [place.pk]},
            ],
        },
        "a boolean id": {
            "stamp": stamp,
            "sections": [
                {"id": first.pk, "items": [True, event.pk]},
                {"id": second.pk, "items": [place.pk]},
            ],
        },
        "a missing item": {
            "stamp": stamp,
            "sections": [
                {"id": first.pk, "items": [person.pk]},
                {"id": second.pk, "items": [place.pk]},
            ],
        },
        "an item twice": {
            "stamp": stamp,
            "sections": [
                {"id": first.pk, "items": [person.pk, event.pk, person.pk]},
                {"id": second.pk, "items": [place.pk]},
            ],
        },
        "another exhibition's item": {
            "stamp": stamp,
            "sections": [
                {"id": first.pk, "items": [person.pk, event.pk, foreign_item.pk]},
                {"id": second.pk, "items": [place.pk]},
            ],
        },
        "another exhibition's section": {
            "stamp": stamp,
            "sections": [
                *good_sections,
                {"id": foreign_section.pk, "items": []},
            ],
        },
        "a section twice": {
            "stamp": stamp,
            "sections": [*good_sections, {"id": first.pk, "items": []}],
        },
        "a huge number": {
            "stamp": stamp,
            "sections": [
                {"id": 10**30, "items": [person.pk, event.pk]},
                {"id": second.pk, "items": [place.pk]},
            ],
        },
    }


def test_bad_json_orders_are_400s_and_write_nothing():
    editor = f.make_user("Editor")
    exhibition, first, second, items = _exhibition()
    other, other_section, _s, (foreign_item, *_rest) = _exhibition()
    client = _client(editor)
    failures = []
    for label, body in _bad_bodies(
        exhibition, first, second, items, foreign_item, other_section
    ).items():
        before = writes_so_far()
        answer = _post_json(client, exhibition, body)
        if answer.status_code != 400 or writes_so_far() != before:
            failures.append(f"{label}: {answer.status_code}")
        elif not answer.json().get("detail"):
            failures.append(f"{label}: no message")
    assert not failures, "\n".join(failures)
    assert _order(exhibition) == [
        ("First", [items[0].pk, items[1].pk]),
        ("Second", [items[2].pk]),
    ]


def test_a_stale_json_order_is_a_409_with_the_current_stamp():
    editor = f.make_user("Editor")
    exhibition, first, second, (person, event, place) = _exhibition()
    old = _stamp(exhibition)
    m.ExhibitionSection.objects.create(exhibition=exhibition, title="Third", position=3)
    client = _client(editor)
    before = writes_so_far()
    answer = _post_json(
        client,
        exhibition,
        {
            "stamp": old,
            "sections": [
                {"id": second.pk, "items": [place.pk]},
                {"id": first.pk, "items": [person.pk, event.pk]},
            ],
        },
    )
    assert answer.status_code == 409
    assert answer.json()["stamp"] == _stamp(exhibition) != old
    assert writes_so_far() == before
    # The script reloads the page, which says why nothing was moved.
    assert "Nothing was moved" in client.get(_page(exhibition)).content.decode()


def test_the_json_order_answers_get_with_405():
    editor = f.make_user("Editor")
    exhibition, *_rest = _exhibition()
    assert _client(editor).get(_order_url(exhibition)).status_code == 405


def test_a_refused_row_rolls_back_the_whole_order():
    """A curator who may change the exhibition and its sections but not its items:
    an order that moves sections and items is refused whole."""
    from django.contrib.auth.models import Permission

    user = f.make_user("Editor")
    user.groups.clear()
    for codename in (
        "view_exhibition",
        "change_exhibition",
        "review_exhibition",
        "change_exhibitionsection",
    ):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    exhibition, first, second, (person, event, place) = _exhibition()
    with pytest.raises(services.WorkflowError):
        services.exhibition_arrange(
            exhibition=exhibition,
            arrangement=services.Arrangement(
                ((second.pk, (place.pk, person.pk)), (first.pk, (event.pk,)))
            ),
            stamp=_stamp(exhibition),
            acting_user=user,
        )
    assert _order(exhibition) == [
        ("First", [person.pk, event.pk]),
        ("Second", [place.pk]),
    ]
    answer = _post_json(_client(user), exhibition, {"stamp": "", "sections": []})
    assert answer.status_code == 403
