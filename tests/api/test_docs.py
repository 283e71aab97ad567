"""The OpenAPI schema validates without warnings, and the docs page works with no
external CDN: every script, style and request stays on the archive's origin."""

from __future__ import annotations

import os
import re
import shutil
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"


def test_schema_validates_with_no_warnings(tmp_path):
    """drf-spectacular's own validation, failing on any warning."""
    out = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(out),
    )
    assert out.stat().st_size > 10_000


@pytest.mark.django_db
def test_schema_is_served_as_json(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/exhibitions/{uuid}/" in document["paths"]
    assert "ApiKey" in document["components"]["securitySchemes"]


@pytest.mark.django_db
def test_docs_page_uses_only_local_assets(client):
    html = client.get("/api/v1/docs/").content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references
    for reference in references:
        assert urlparse(reference).netloc == "", reference
        if reference.startswith("/static/"):
            assert finders.find(reference.removeprefix("/static/")), reference
    script = client.get("/api/v1/docs/?script=").content.decode()
    assert '"validatorUrl": null' in script


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_renders_operations_offline(live_server, settings):
    """In Chromium, with every request to another host blocked, the docs page shows
    the API's operations."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    settings.ALLOWED_HOSTS = ["*"]
    origin = urlparse(live_server.url).netloc
    outside: list[str] = []
    errors: list[str] = []
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu"],
            )
            page = browser.new_page()

            def guard(route):
                if urlparse(route.request.url).netloc not in (origin, ""):
                    outside.append(route.request.url)
                    return route.abort()
                return route.continue_()

            page.route("**/*", guard)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{live_server.url}/api/v1/docs/")
            page.wait_for_selector(".opblock", timeout=20_000)
            operations = page.locator(".opblock").count()
            title = page.locator(".title").first.inner_text()
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    assert outside == []
    assert errors == []
    assert operations >= 20
    assert "Memorial archive API" in title
