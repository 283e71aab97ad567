"""The OpenAPI schema validates without warnings, and the docs page uses no external
CDN (tests/browser/test_api_docs.py runs it in Chromium)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import resolve

from archive.api import cursors
from archive.api.changes import SHORTEST_CURSOR as CHANGES_SHORTEST
from archive.api.context import KINDS
from archive.api.pagination import shortest_cursor
from archive.api.search import SHORTEST_CURSOR as SEARCH_SHORTEST
from tests.api.builders import full_archive


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


# Cursor parameters ---------------------------------------------------------------


def cursor_schemas(client) -> dict[str, dict]:
    """Path -> the schema of its `cursor` parameter, as served."""
    document = client.get("/api/v1/schema/").json()
    found = {}
    for path, methods in document["paths"].items():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "cursor":
                    found[path] = parameter["schema"]
    return found


def admits(schema: dict, value: str) -> bool:
    return bool(
        re.search(schema["pattern"], value)
        and schema["minLength"] <= len(value) <= schema["maxLength"]
    )


def cursor_of(link: str | None) -> str:
    assert link, "expected a further page"
    return parse_qs(urlparse(link).query)["cursor"][0]


@pytest.mark.django_db
def test_every_cursor_the_api_emits_matches_its_schema(client):
    """Next and previous cursors of every list ordering, of search and of the
    changes feed all match the pattern the schema gives for that endpoint."""
    for n in range(3):
        full_archive(suffix=f" {n}")
    schemas = cursor_schemas(client)
    assert set(schemas) == {
        *(f"/api/v1/{route}/" for _model, route in KINDS.values()),
        "/api/v1/search/",
        "/api/v1/changes/",
    }
    emitted: list[tuple[str, str]] = []
    for _model, route in KINDS.values():
        path = f"/api/v1/{route}/"
        view = resolve(path).func.cls
        for ordering in view.orderings:
            first = client.get(path, {"page_size": 1, "ordering": ordering}).json()
            following = client.get(first["next"]).json()
            emitted += [
                (path, cursor_of(first["next"])),
                (path, cursor_of(following["previous"])),
            ]
    for path, params in (
        ("/api/v1/search/", {"q": "mechelen", "page_size": 1}),
        ("/api/v1/search/", {"q": "test", "page_size": 2}),
        ("/api/v1/changes/", {"page_size": 1}),
        ("/api/v1/changes/", {"page_size": 5}),
    ):
        emitted.append((path, cursor_of(client.get(path, params).json()["next"])))
    for path, cursor in emitted:
        assert admits(schemas[path], cursor), (path, cursor, schemas[path])


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["0", "A", "abc", "e30", "W10"])  # e30: {}; W10: []
def test_cursors_too_short_to_be_valid_are_outside_the_schema(client, cursor):
    """`cursor=0` (and any string too short to hold a cursor's JSON) is refused
    by the server, so the schema does not admit it either."""
    for path, schema in cursor_schemas(client).items():
        assert not admits(schema, cursor), path
        params = {"q": "ab"} if path.endswith("/search/") else {}
        response = client.get(path, {"cursor": cursor, **params})
        assert response.status_code == 400, path
        assert "cursor" in response.json()["errors"], path


@pytest.mark.django_db
def test_the_shortest_cursor_the_schema_admits_can_be_accepted(client):
    """The schema's minimum length is exact: a cursor of that length exists that
    the server accepts (so the bound refuses nothing the server would take)."""
    schemas = cursor_schemas(client)
    for _model, route in KINDS.values():
        path = f"/api/v1/{route}/"
        view = resolve(path).func.cls
        shortest = shortest_cursor(view().model, view.orderings.values())
        assert len(shortest) == schemas[path]["minLength"], path
        payload = cursors.decode(shortest, "list")
        response = client.get(path, {"cursor": shortest, "ordering": payload["o"]})
        assert response.status_code == 200, (path, response.content[:300])
    for path, shortest, params in (
        ("/api/v1/search/", SEARCH_SHORTEST, {"q": "ab"}),
        ("/api/v1/changes/", CHANGES_SHORTEST, {}),
    ):
        assert len(shortest) == schemas[path]["minLength"], path
        assert client.get(path, {"cursor": shortest, **params}).status_code == 200
