"""A revert as curators meet it: what it keeps, and who gets no revert button."""

import os

import pytest

from archive import models as m
from tests import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", "revert-password-1")
    page.click("input[type=submit]")
    page.wait_for_selector("#content")


def _published_event_with_two_versions(author) -> tuple[m.Event, int]:
    event = f.make_event(title="First wording", created_by=author)
    first = event.history.latest().history_id
    f.cite(event)
    event.title = "Second wording"
    event.save()
    f.published(event)
    return event, first


@pytest.mark.parametrize("width", [1280, 390])
def test_a_publisher_reverts_and_the_page_says_what_stays(live_server, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    f.make_user("Publisher", username="pia", password="revert-password-1")
    event, first = _published_event_with_two_versions(f.make_user("Contributor"))
    _login(page, live_server, "pia")

    page.goto(f"{live_server.url}/admin/archive/event/{event.pk}/history/{first}/")
    note = page.get_by_text("These stay as they are now")
    assert note.is_visible()
    assert "status" in note.inner_text()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/revert-publisher-{width}.png")
    page.locator("input[type=submit][name=_save]").first.click()
    page.wait_for_selector(".messagelist")

    event.refresh_from_db()
    assert event.title == "First wording"
    assert event.status == m.Status.PUBLISHED


def test_a_contributor_sees_a_published_version_without_a_revert_button(
    live_server, page
):
    contributor = f.make_user(
        "Contributor", username="carl", password="revert-password-1"
    )
    event, first = _published_event_with_two_versions(contributor)
    _login(page, live_server, "carl")

    page.goto(f"{live_server.url}/admin/archive/event/{event.pk}/history/{first}/")
    page.wait_for_selector("#content")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/revert-contributor.png")
    assert page.locator("input[type=submit][name=_save]").count() == 0
    assert page.locator("#id_title_en").count() == 0  # shown as text, not a field
    assert "First wording" in page.inner_text("#content")
    assert page.get_by_text("These stay as they are now").count() == 0
