"""A curator arranges an exhibition from its own admin page: by keyboard (the
buttons, moved in place and announced), by dragging a row by its handle, and
without JavaScript (the same buttons post the page); axe-core finds no serious or
critical violation on the page in English and French at 1280 and 390 px."""

from __future__ import annotations

import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from archive import models as m
from tests import factories as f
from tests.browser.admin_login import log_in
from tests.browser.axe import serious_violations
from tests.browser.test_exhibition_picker import tab_to

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")
PASSWORD = "arrange-password-123"


def _login(page, live_server) -> None:
    f.make_user("Editor", username="arranger", password=PASSWORD)
    log_in(page, live_server, "arranger", PASSWORD)


def _exhibition():
    exhibition = f.make_exhibition(title="Convoys from Mechelen")
    first = exhibition.sections.get()
    first.title, first.position = "The barracks", 1
    first.save()
    second = m.ExhibitionSection.objects.create(
        exhibition=exhibition, title="The convoys", position=2
    )
    records = {
        "raid": f.make_event(title="The raid of August 1942"),
        "list": f.make_source(title="Transport list", status=m.Status.DRAFT),
        "convoy": f.make_event(title="The twentieth convoy"),
    }
    for section, position, record in (
        (first, 1, records["raid"]),
        (first, 2, records["list"]),
        (second, 1, records["convoy"]),
    ):
        m.ExhibitionItem.objects.create(
            section=section,
            position=position,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        )
    return exhibition, first, second, records


def _titles(section) -> list[str]:
    return [str(item.record) for item in section.items.order_by("position", "id").all()]


def _wait_saved(page, stamp: str) -> str:
    page.wait_for_function(
        "s => document.querySelector('input[name=stamp]').value !== s", arg=stamp
    )
    return page.input_value("input[name=stamp]")


def test_a_curator_arranges_by_keyboard_and_by_drag_with_announcements(
    live_server, axe_page, axe_js
):
    page = axe_page
    page.set_viewport_size({"width": 1280, "height": 900})
    exhibition, first, second, records = _exhibition()
    _login(page, live_server)
    change = reverse("admin:archive_exhibition_change", args=[exhibition.pk])
    page.goto(f"{live_server.url}{change}")

    # From the exhibition's page, by keyboard, to the arrangement.
    tab_to(page, "a[href$='/arrange/']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#arrange-form.arrange-js")
    stamp = page.input_value("input[name=stamp]")

    # The raid moves down with the keyboard: in place, announced, saved.
    raid = page.locator(".arrange-item", has_text="The raid")
    tab_to(page, f"#{raid.get_attribute('id')} .arrange-down")
    page.keyboard.press("Enter")
    stamp = _wait_saved(page, stamp)
    status = page.locator("#arrange-status")
    status.get_by_text("is now item 2 of 2").wait_for()
    assert "“The raid of August 1942” is now item 2 of 2 in “The barracks”." in (
        status.inner_text()
    )
    assert page.evaluate("document.activeElement.classList.contains('arrange-down')")
    assert _titles(first) == ["Transport list", "The raid of August 1942"]
    # Last in its section now: "down" says where it goes, and takes it there.
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Move to the section after"
    page.keyboard.press("Enter")
    stamp = _wait_saved(page, stamp)
    assert _titles(second) == ["The raid of August 1942", "The twentieth convoy"]
    assert "in “The convoys”" in status.inner_text()

    # Dragging a section by its handle above the other.
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/arrange-before-drag.png", full_page=True)
    handle = page.locator(f"#section-{second.pk} > .arrange-row .arrange-handle")
    target = page.locator(f"#section-{first.pk} > .arrange-row")
    box, goal = handle.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(goal["x"] + 40, goal["y"] + 4, steps=8)
    page.mouse.up()
    stamp = _wait_saved(page, stamp)
    assert [s.title for s in exhibition.sections.order_by("position")] == [
        "The convoys",
        "The barracks",
    ]
    assert "“The convoys” is now section 1 of 2." in status.inner_text()

    # Dragging an item into the other section.
    handle = page.locator(".arrange-item", has_text="Transport list").locator(
        ".arrange-handle"
    )
    target = page.locator(".arrange-item", has_text="The twentieth convoy")
    box, goal = handle.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(goal["x"] + 40, goal["y"] + goal["height"] - 3, steps=8)
    page.mouse.up()
    _wait_saved(page, stamp)
    assert _titles(second) == [
        "The raid of August 1942",
        "The twentieth convoy",
        "Transport list",
    ]
    assert _titles(first) == []
    assert page.locator(f"#section-{first.pk} .arrange-empty").is_visible()
    history = exhibition.history.latest()
    assert history.history_change_reason == "Reordered by arranger"

    # What the page shows after a reload is what was saved.
    page.reload()
    order = page.locator(".arrange-item .arrange-name").all_inner_texts()
    assert order == [
        "The raid of August 1942",
        "The twentieth convoy",
        "Transport list",
    ]

    failures = []
    url = reverse("admin:archive_exhibition_arrange", args=[exhibition.pk])
    for language in ("en", "fr"):
        page.set_extra_http_headers({"Accept-Language": language})
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{url}")
            page.wait_for_selector("#arrange-form.arrange-js")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            if overflow > 0:
                failures.append(f"{language} {width}: {overflow} px too wide")
            if SCREENSHOTS:
                page.screenshot(
                    path=f"{SCREENSHOTS}/arrange-{language}-{width}.png",
                    full_page=True,
                )
            failures += [
                f"arrange ({language}, {width}): {line}"
                for line in serious_violations(page, axe_js)
            ]
    assert not failures, "\n".join(failures)


def test_without_javascript_the_buttons_post_and_the_focus_comes_back(
    live_server, browser
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        exhibition, first, second, records = _exhibition()
        _login(page, live_server)
        url = reverse("admin:archive_exhibition_arrange", args=[exhibition.pk])
        page.goto(f"{live_server.url}{url}")
        raid = page.locator(".arrange-item", has_text="The raid")
        raid.locator(".arrange-down").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".messagelist")
        assert "is now item 2 of 2" in page.locator(".messagelist").inner_text()
        assert _titles(first) == ["Transport list", "The raid of August 1942"]
        # The focus is back on the button pressed (autofocus: no script needed).
        focused = page.evaluate("document.activeElement.getAttribute('value')")
        raid_item = first.items.get(object_id=records["raid"].pk)
        assert focused == f"item:{raid_item.pk}:down"
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/arrange-no-js.png", full_page=True)
    finally:
        context.close()
