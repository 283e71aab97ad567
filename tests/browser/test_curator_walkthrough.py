"""A curator logs in, meets the dashboard, edits with language tabs; visitors read."""

import pytest
from playwright.sync_api import expect

from archive import models as m
from tests import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_curator_logs_in_sees_the_dashboard_and_translation_tabs(live_server, page):
    f.make_user("Publisher", username="anna", password="walkthrough-password-1")
    f.make_event(status=m.Status.REVIEW, title="Convoy XX")

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "walkthrough-password-1")
    page.click("input[type=submit]")
    page.wait_for_selector("#attention")
    assert "Events awaiting review" in page.inner_text("#attention")

    page.goto(f"{live_server.url}/admin/archive/recognition/add/")
    # modeltranslation groups each translated field into tabs, one per language.
    title = page.locator(".ui-tabs", has=page.locator("#id_title_en"))
    tabs = title.locator(".ui-tabs-nav")
    tabs.wait_for()
    assert [t.strip().lower() for t in tabs.locator("li").all_inner_texts()][:4] == [
        "en",
        "fr",
        "nl",
        "de",
    ]
    assert not page.locator("#id_title_fr").is_visible()
    tabs.locator("li a").nth(1).click()
    assert page.locator("#id_title_fr").is_visible()


def test_visitor_reads_a_public_recognition_and_never_a_draft(live_server, page):
    recognition = f.make_recognition(title="Andrée Geulen", status=m.Status.PUBLISHED)
    f.cite(recognition, locator="section 1.2")
    draft = f.make_recognition(title="Unpublished draft")

    page.goto(f"{live_server.url}/")
    assert "Andrée Geulen" in page.inner_text("main")
    assert "Unpublished draft" not in page.content()
    page.click("text=Andrée Geulen")
    # expect() waits for the page the click leads to; the home page has an h1 too.
    expect(page.locator("h1")).to_have_text("Andrée Geulen")
    expect(page.locator("main").get_by_text("section 1.2")).to_be_visible()

    response = page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    assert response.status == 404
