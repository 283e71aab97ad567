"""The public site in Debian's Chromium: axe-core finds no serious or critical
accessibility violation on any page type, in English and French, at desktop width
and at 390 px; a visitor can go from the home page to an exhibition, an item, its
record, its source's citation, switch language on the same record, and search with
a facet; screenshots of every page type land in `test-screenshots/` (git-ignored)
for people to look at.

axe-core comes from the npm registry (`npm pack axe-core@AXE_VERSION`, cached in
`.cache/`), or from AXE_CORE_JS; the tests inject it into each page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from archive import models as m
from tests import factories as f
from tests.api.builders import full_archive

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE_VERSION = "4.14.1"
CACHE = Path(settings.BASE_DIR) / ".cache"
#: Where screenshots land (SITE_SCREENSHOTS overrides, e.g. a folder outside the
#: checkout).
SCREENSHOTS = Path(
    os.environ.get("SITE_SCREENSHOTS", Path(settings.BASE_DIR) / "test-screenshots")
)
WIDTHS = {"desktop": 1280, "mobile": 390}
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's browser bundle from the npm registry, fetched once and cached."""
    given = os.environ.get("AXE_CORE_JS")
    target = CACHE / f"axe-core-{AXE_VERSION}.min.js"
    if given:
        return Path(given).read_text()
    if not target.exists():
        if not shutil.which("npm"):
            if os.environ.get("REQUIRE_BROWSER") == "1":
                pytest.fail("npm is missing: axe-core cannot be fetched")
            pytest.skip("npm is not installed: axe-core cannot be fetched")
        CACHE.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "pack",
                f"axe-core@{AXE_VERSION}",
                "--pack-destination",
                str(CACHE),
            ],
            check=True,
            capture_output=True,
        )
        with tarfile.open(CACHE / f"axe-core-{AXE_VERSION}.tgz") as tar:
            member = tar.extractfile("package/axe.min.js")
            target.write_bytes(member.read())
    return target.read_text()


def _url(record, code: str) -> str:
    with translation.override(code):
        return record.get_absolute_url()


def page_types(archive) -> dict[str, str]:
    """One address per page type (paths without language prefix)."""
    withdrawn = f.published(f.make_event(title="Withdrawn event"))
    withdrawn.status = m.Status.WITHDRAWN
    withdrawn.save()
    types = {
        "home": "/en/",
        "browse": "/en/people/",
        "browse-filtered": "/en/events/?decade=1940",
        "timeline": "/en/timeline/",
        "map": "/en/map/",
        "search": "/en/search/?q=example",
        "not-found": "/en/people/no-such-person/",
        "gone": _url(withdrawn, "en"),
    }
    for record in archive.records():
        types[record._meta.model_name] = _url(record, "en")
    return {name: path.removeprefix("/en") for name, path in types.items()}


def run_axe(page, source: str) -> list[dict]:
    page.add_script_tag(content=source)
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


def test_every_page_type_passes_axe_in_two_languages_and_at_390px(
    live_server, browser, axe_source
):
    """Zero serious or critical violations, and a screenshot of each page type."""
    archive = full_archive()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, list] = {}
    report = []
    types = page_types(archive)
    for width_name, width in WIDTHS.items():
        # bypass_csp: the page forbids inline scripts, which is how axe is injected.
        context = browser.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        for code in ("en", "fr"):
            for name, path in types.items():
                page.goto(f"{live_server.url}/{code}{path}")
                violations = run_axe(page, axe_source)
                report.append((width_name, code, name, len(violations)))
                if violations:
                    found[f"{width_name} {code} {name}"] = [
                        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                        for v in violations
                    ]
                page.screenshot(
                    path=str(SCREENSHOTS / f"{name}-{code}-{width_name}.png"),
                    full_page=True,
                )
        context.close()
    (SCREENSHOTS / "axe-report.json").write_text(json.dumps(report, indent=1))
    assert not found, json.dumps(found, indent=1)


def test_visitor_journey_from_home_to_a_citation_and_back_in_french(live_server, page):
    """Home -> exhibition -> one of its items -> its record's source -> cite this
    -> French, same record -> search with a facet; all by links and forms."""
    archive = full_archive()
    base = live_server.url
    page.goto(f"{base}/en/")
    # A click returns once the navigation has started; expect() waits for the page
    # it leads to, where a plain is_visible() would read whatever is there yet.
    page.get_by_role("link", name=re.compile("Hidden children")).first.click()
    expect(page).to_have_url(_ends_with(_url(archive.exhibition, "en")))
    expect(page.get_by_role("heading", name="Section")).to_be_visible()
    page.get_by_role("link", name=str(archive.recognition.title)).first.click()
    expect(page).to_have_url(_ends_with(_url(archive.recognition, "en")))
    page.locator("#sources-heading + ol a").first.click()
    expect(page.get_by_role("heading", name="Cite this source")).to_be_visible()
    assert "/en/sources/" in page.url
    expect(page.locator(".cite h3")).to_have_text(["Chicago", "APA", "MLA"])
    source_path = page.url.removeprefix(base).removeprefix("/en")
    page.locator(".languages a[hreflang=fr]").click()
    expect(page).to_have_url(f"{base}/fr{source_path}")
    expect(page.get_by_role("heading", name="Citer cette source")).to_be_visible()
    page.get_by_role("link", name="Rechercher", exact=True).click()
    page.get_by_role("searchbox").fill(archive.person.family_name)
    page.get_by_role("searchbox").press("Enter")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^[123] "))
    facet = page.locator(".facets a").nth(1)
    facet.click()
    expect(page).to_have_url(re.compile("type="))
    expect(page.locator(".facets a[aria-current]")).to_have_count(1)


def _ends_with(path: str) -> re.Pattern:
    return re.compile(re.escape(path) + "$")


def test_content_warning_hides_the_record_until_asked_without_javascript(
    live_server, browser
):
    """The warning is a <details> element: closed first, opened by keyboard, with
    scripts switched off."""
    archive = full_archive()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    image = archive.image
    image.content_warning_en = "Shows a deportation."
    image.save()
    page.goto(f"{live_server.url}{_url(image, 'en')}")
    picture = page.locator("figure.image img")
    assert not picture.is_visible()
    page.locator("details.warning summary").focus()
    page.keyboard.press("Enter")
    assert picture.count() == 1
    context.close()


def test_a_bounded_search_says_so_and_passes_axe(
    live_server, browser, axe_source, monkeypatch
):
    """With more matches than the engine counts and ranks, the page says "more
    than" and why the order is what it is, readably at both widths, in English
    and French (the limits are made small)."""
    monkeypatch.setattr("archive.search.engine.COUNT_LIMIT", 3)
    monkeypatch.setattr("archive.search.engine.RANK_WINDOW", 2)
    for _ in range(5):
        f.published(f.make_event(description="A passing mention of qxbounded."))
    f.published(f.make_event(title="Qxbounded"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for width_name, width in WIDTHS.items():
        context = browser.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        for code, many in (
            ("en", "More than 3 results"),
            ("fr", "Plus de 3 résultats"),
        ):
            with translation.override(code):
                path = reverse("archive:search")
            page.goto(f"{live_server.url}{path}?q=qxbounded")
            assert page.get_by_role("status").inner_text() == many
            first = page.locator("ol.results li a").first
            assert first.inner_text() == "Qxbounded"
            assert page.locator("p.meta").first.is_visible()
            violations = run_axe(page, axe_source)
            if violations:
                found[f"{width_name} {code}"] = [v["id"] for v in violations]
            page.screenshot(
                path=str(SCREENSHOTS / f"search-bounded-{code}-{width_name}.png"),
                full_page=True,
            )
        context.close()
    assert not found, found
