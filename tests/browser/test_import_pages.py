"""The import pages by keyboard and screen reader: upload, dry-run report,
confirmation and the export page pass axe-core in English and French, at desktop and phone widths, and
the whole import is done with the keyboard alone."""

from __future__ import annotations

import os
from pathlib import Path

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
PASSWORD = "a-long-test-password"
GOOD = "uuid,family_name,given_names,birth_edtf,birth_place\n,Fonsny,Georges,1897,\n"
BAD = GOOD + ',"=HYPERLINK(""http://example.org"",""x"")",Test,1943-13-45,nowhere\n'


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_import_pages_pass_axe_and_work_by_keyboard(
    live_server, browser, axe_js, tmp_path, language
):
    user = f.make_user("Contributor")
    good, bad = tmp_path / "people.csv", tmp_path / "people-with-errors.csv"
    good.write_text(GOOD)
    bad.write_text(BAD)
    url = f"{live_server.url}{reverse('admin:archive_person_import')}"
    failures = []
    for width in (1280, 390):
        context = browser.new_context(
            bypass_csp=True, locale=language, timezone_id="Europe/Brussels"
        )
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(url)
        page.wait_for_selector("#id_import_file")
        tag = f"{language}-{width}"
        _shot(page, f"import-{tag}")
        failures += [f"upload {tag}: {v}" for v in serious_violations(page, axe_js)]

        page.set_input_files("#id_import_file", str(bad))
        page.select_option("#id_format", "0")
        page.focus("#id_format")
        page.keyboard.press("Tab")  # to the submit button
        page.keyboard.press("Enter")
        page.wait_for_selector(".import-report")
        assert page.locator("tr.invalid").count() == 1
        assert "birth_edtf" in page.inner_text("tr.invalid")
        _shot(page, f"import-refused-{tag}")
        failures += [f"report {tag}: {v}" for v in serious_violations(page, axe_js)]

        page.set_input_files("#id_import_file", str(good))
        page.select_option("#id_format", "0")
        page.focus("#id_format")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_selector("input[name=confirm]")
        _shot(page, f"import-confirm-{tag}")
        failures += [f"confirm {tag}: {v}" for v in serious_violations(page, axe_js)]
        if width == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"the confirm page scrolls sideways by {overflow}px"

        page.focus("input[name=confirm]")
        page.keyboard.press("Enter")
        page.wait_for_selector("#changelist")
        _shot(page, f"import-done-{tag}")

        page.goto(f"{live_server.url}{reverse('admin:archive_person_export')}")
        page.wait_for_selector("#content")
        _shot(page, f"export-{tag}")
        failures += [f"export {tag}: {v}" for v in serious_violations(page, axe_js)]
        context.close()
    assert m.Person.objects.filter(family_name="Fonsny").count() == 2
    assert not failures, "\n".join(failures)
