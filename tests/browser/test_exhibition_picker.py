"""A curator builds and orders an exhibition section with the keyboard only: the
record picker (a combo box over the admin's search) and the order buttons; axe-core
finds no serious or critical violation on the exhibition and section pages."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from archive import models as m
from tests import factories as f
from tests.browser.axe import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")
PASSWORD = "picker-password-123"


def _login(page, live_server) -> None:
    f.make_user("Editor", username="editor", password=PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content")


def tab_to(page, selector: str, limit: int = 300) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)",
            selector,
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_curator_builds_and_orders_a_section_with_the_keyboard_only(
    live_server, axe_page, axe_js
):
    page = axe_page
    page.set_viewport_size({"width": 1280, "height": 900})
    image = f.make_image(title="Kazerne Dossin", status=m.Status.PUBLISHED)
    event = f.make_event(title="The first convoy leaves")
    exhibition = f.make_exhibition(title="Convoys", items=[event])
    section = exhibition.sections.get()
    url = reverse("admin:archive_exhibitionsection_change", args=[section.pk])
    _login(page, live_server)
    page.goto(f"{live_server.url}{url}")

    # Add an item, find the record by typing, choose it with the arrow keys.
    tab_to(page, ".add-row a")
    page.keyboard.press("Enter")
    tab_to(page, "#items-1 .record-picker-input")
    page.keyboard.type("dossin")
    page.wait_for_selector("#items-1 [role=option]")
    combo = page.locator("#items-1 .record-picker-input")
    assert combo.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    active = combo.get_attribute("aria-activedescendant")
    assert active and "Kazerne Dossin" in page.locator(f"#{active}").inner_text()
    page.keyboard.press("Enter")
    assert combo.input_value() == f"Kazerne Dossin [image:{image.pk}]"
    preview = page.locator("#items-1 .record-picker-preview")
    assert "Kazerne Dossin" in preview.inner_text()
    assert "Published" in preview.inner_text()
    assert preview.locator("img").count() == 1
    tab_to(page, "#items-1 textarea[name$='caption_en']")
    page.keyboard.type("The barracks in Mechelen.")

    # Move the new item above the first one, then save.
    tab_to(page, "#items-1 .order-up")
    page.keyboard.press("Enter")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/section-picker-1280.png", full_page=True)
    tab_to(page, "input[name=_save]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messagelist")

    items = list(section.items.order_by("position"))
    assert [item.record for item in items] == [image, event]
    assert items[0].caption_en == "The barracks in Mechelen."

    failures = []
    pages = {
        "section": url,
        "exhibition": reverse("admin:archive_exhibition_change", args=[exhibition.pk]),
    }
    for language in ("en", "fr"):
        page.set_extra_http_headers({"Accept-Language": language})
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for label, path in pages.items():
                page.goto(f"{live_server.url}{path}")
                page.wait_for_selector("#content")
                if SCREENSHOTS:
                    page.screenshot(
                        path=f"{SCREENSHOTS}/{label}-{language}-{width}.png",
                        full_page=True,
                    )
                if width == 1280:
                    failures += [
                        f"{label} ({language}): {line}"
                        for line in serious_violations(page, axe_js)
                    ]
    assert not failures, "\n".join(failures)
