"""The OpenAPI schema validates without warnings, and the docs page uses no external
CDN (tests/browser/test_api_docs.py runs it in Chromium)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command


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


@pytest.mark.django_db
def test_options_on_the_docs_page_answers_json_like_other_endpoints(client):
    """OPTIONS used to fail in the page template (500); it is JSON like elsewhere."""
    docs = client.options("/api/v1/docs/")
    events = client.options("/api/v1/events/")
    for response in (docs, events):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert set(response.json()) >= {"name", "description"}
    assert client.options("/api/v1/docs/", HTTP_ACCEPT="text/html").status_code == (
        client.options("/api/v1/events/", HTTP_ACCEPT="text/html").status_code
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("post", {}, 405),
        ("get", {"HTTP_ACCEPT": "application/json"}, 406),
        ("get", {"HTTP_AUTHORIZATION": "Api-Key not-a-key"}, 401),
    ],
)
def test_docs_page_errors_are_problem_json(client, method, headers, status):
    response = getattr(client, method)("/api/v1/docs/", **headers)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status


@pytest.mark.django_db
def test_docs_page_and_script_stay_html_and_javascript(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
