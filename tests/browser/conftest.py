"""Playwright driving Debian's Chromium against pytest-django's live server.

Browser tests skip when Chromium is not installed, except under CI
(`REQUIRE_BROWSER=1`, set by .ci/run, which installs Chromium), where a missing browser
is a failure.
"""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_js():
    """axe-core's source, found or installed once per session (tests/browser/axe.py)."""
    from tests.browser.axe import axe_source

    return axe_source()


@pytest.fixture
def axe_page(browser):
    """A page axe-core can be injected into: the admin's Content Security Policy
    forbids inline scripts, so this context bypasses it (for the test's script only;
    the policy itself is tested elsewhere). The clock is the archive's time zone."""
    context = browser.new_context(bypass_csp=True, timezone_id="Europe/Brussels")
    page = context.new_page()
    yield page
    context.close()
