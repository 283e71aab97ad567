"""The admin by keyboard and screen reader: axe-core finds no serious or critical
violation on any admin page type, inline tables fit a 1,400 px window, and a
curator in the archive's time zone sees no clock notice."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from archive import models as m
from archive.kinds import PUBLISHABLE_MODELS
from tests import factories as f
from tests.admin.test_permission_matrix import RECORD_RECIPES
from tests.browser.axe import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")
PASSWORD = "axe-password-123"


def _records() -> dict[type, object]:
    """One record of every kind, with rows in every inline that has them."""
    records = {model: RECORD_RECIPES[model]() for model in PUBLISHABLE_MODELS}
    recognition = records[m.Recognition]
    m.RescuedPerson.objects.create(
        recognition=recognition, person=f.make_person(), name_as_listed="A child"
    )
    m.TestimonySegment.objects.create(
        testimony=records[m.Testimony], start_seconds=0, end_seconds=30, title="Start"
    )
    return records


def _login(page, live_server) -> None:
    get_user_model().objects.create_superuser("axe", "axe@example.org", PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "axe")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content")


def _admin_pages() -> list[tuple[str, str]]:
    records = _records()
    pages = [("dashboard", reverse("admin:index"))]
    for model, record in records.items():
        name = model._meta.model_name
        pages.append((f"{name} list", reverse(f"admin:archive_{name}_changelist")))
        pages.append(
            (f"{name} form", reverse(f"admin:archive_{name}_change", args=[record.pk]))
        )
    section = records[m.Exhibition].sections.get()
    recognition = records[m.Recognition]
    pages += [
        (
            "section form",
            reverse("admin:archive_exhibitionsection_change", args=[section.pk]),
        ),
        ("recognition add", reverse("admin:archive_recognition_add")),
        (
            "recognition history",
            reverse("admin:archive_recognition_history", args=[recognition.pk]),
        ),
        (
            "recognition revert",
            reverse(
                "admin:archive_recognition_simple_history",
                args=[recognition.pk, recognition.history.earliest().history_id],
            ),
        ),
        ("user list", reverse("admin:auth_user_changelist")),
        ("user add", reverse("admin:auth_user_add")),
    ]
    return pages


def test_every_admin_page_type_has_no_serious_axe_violation(
    live_server, axe_page, axe_js
):
    page = axe_page
    page.set_viewport_size({"width": 1400, "height": 900})
    pages = _admin_pages()
    _login(page, live_server)
    failures = []
    for label, path in pages:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector("#content")
        failures += [f"{label}: {line}" for line in serious_violations(page, axe_js)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", [1400, 1280, 390])
def test_inline_pages_fit_the_window_and_show_no_clock_notice(
    live_server, axe_page, width
):
    """Recognition, testimony and section pages: no sideways scrolling of the page
    at desktop widths (wide inline tables scroll inside their own box), no "You are
    N hours behind server time" for a curator in Europe/Brussels, language tabs
    still switch."""
    page = axe_page
    page.set_viewport_size({"width": width, "height": 900})
    records = _records()
    section = records[m.Exhibition].sections.get()
    paths = {
        "recognition": reverse(
            "admin:archive_recognition_change", args=[records[m.Recognition].pk]
        ),
        "testimony": reverse(
            "admin:archive_testimony_change", args=[records[m.Testimony].pk]
        ),
        "section": reverse("admin:archive_exhibitionsection_change", args=[section.pk]),
    }
    _login(page, live_server)
    for label, path in paths.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/{label}-{width}.png", full_page=True)
        assert page.locator(".timezonewarning").count() == 0, label
        if width >= 1280:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{label}: page is {scroll} px wide in {width}"
    page.goto(f"{live_server.url}{paths['recognition']}")
    page.wait_for_load_state("load")
    tab = page.locator('li[role="tab"][aria-controls="tab_id_title_fr"]')
    tab.click()
    assert page.locator("#tab_id_title_fr").is_visible()
    page.keyboard.press("ArrowRight")  # the tab has the focus, not its link
    page.wait_for_selector("#tab_id_title_nl", state="visible", timeout=5000)
