"""Admin > Users, a curator's account as a superuser and as an Archive manager sees
it, in English and French at 1280 and 390 px: no serious or critical axe-core
violation, no sideways scrolling of the page, no button label cut short, each of
a manager's group choices on one line."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests import factories as f
from tests.browser.admin_login import log_in
from tests.browser.axe import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")
PASSWORD = "users-password-123"


def _login(page, live_server, username: str) -> None:
    log_in(page, live_server, username, PASSWORD)


@pytest.mark.parametrize("who", ["superuser", "manager"])
def test_a_curators_account_page_reads_well_for_who_manages_it(
    live_server, axe_page, axe_js, who
):
    page = axe_page
    if who == "superuser":
        get_user_model().objects.create_superuser("root", "r@example.org", PASSWORD)
        username = "root"
    else:
        f.make_user("Archive manager", username="manager", password=PASSWORD)
        username = "manager"
    curator = f.make_user(
        "Contributor", username="curator", first_name="Anna", email="a@example.org"
    )
    url = reverse("admin:auth_user_change", args=[curator.pk])
    failures = []
    for language in ("en", "fr"):
        page.set_extra_http_headers({"Accept-Language": language})
        page.set_viewport_size({"width": 1280, "height": 900})
        _login(page, live_server, username)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{url}")
            page.wait_for_selector("#user_form")
            if SCREENSHOTS:
                page.screenshot(
                    path=f"{SCREENSHOTS}/user-{who}-{language}-{width}.png",
                    full_page=True,
                )
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            if overflow > 0:
                failures.append(f"{language} {width}: {overflow} px too wide")
            cut = page.eval_on_selector_all(
                ".selector-chooseall, .selector-clearall",
                "bs => bs.filter(b => b.scrollHeight > b.clientHeight + 1"
                " || b.scrollWidth > b.clientWidth + 1).map(b => b.textContent)",
            )
            if cut:
                failures.append(f"{language} {width}: labels cut: {cut}")
            heights = page.eval_on_selector_all(
                "div.radiolist label", "ls => ls.map(l => l.offsetHeight)"
            )
            if who == "manager" and len(heights) != 3:
                failures.append(f"{language} {width}: {len(heights)} group choices")
            if len(set(heights)) > 1:
                failures.append(f"{language} {width}: a group's name wraps {heights}")
            failures += [
                f"{language} {width}: {line}"
                for line in serious_violations(page, axe_js)
            ]
        page.context.clear_cookies()
    assert not failures, "\n".join(failures)
