"""Every error under /api/ is application/problem+json, also under DEBUG=1, for
addresses that match no route, and for methods an HTML or file route refuses."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from archive.api import endpoints

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
UNMATCHED = (
    "/api/v1/exhibitions/the-twentieth-convoy/",
    "/api/v1/no-such-list/",
    "/api/nothing-here/",
    "/api/v1/renditions/",
)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert body["status"] == status and body["detail"] and body["title"]
    assert "Traceback" not in response.content.decode()
    return body


@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG=0", "DEBUG=1"])
@pytest.mark.parametrize("url", UNMATCHED)
def test_an_address_that_matches_no_route_is_a_problem(client, settings, debug, url):
    settings.DEBUG = debug
    body = assert_problem(client.get(url), 404)
    assert body["instance"] == url and body["code"] == "not_found"


@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG=0", "DEBUG=1"])
@pytest.mark.parametrize("method", ["post", "put", "delete", "options"])
def test_a_method_a_file_route_refuses_is_a_problem(client, settings, debug, method):
    """The rendition-file route is a plain Django view that answers GET only."""
    settings.DEBUG = debug
    response = getattr(client, method)("/api/v1/renditions/some-token/")
    body = assert_problem(response, 405)
    assert response["Allow"] == "GET, HEAD"
    assert method.upper() in body["detail"]


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/schema/", "/api/v1/"])
def test_post_on_the_documentation_routes_is_a_problem(client, settings, url):
    settings.DEBUG = True
    assert_problem(client.post(url), 405)


def test_a_csrf_refusal_under_api_is_a_problem():
    """A browser POST without a CSRF token gets problem+json, not Django's page."""
    response = Client(enforce_csrf_checks=True).post("/api/v1/renditions/x/")
    assert_problem(response, 403)


@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG=0", "DEBUG=1"])
def test_an_unhandled_exception_is_a_problem_without_a_traceback(
    settings, monkeypatch, debug
):
    settings.DEBUG = debug

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(endpoints.ApiRootView, "get", broken)
    response = Client(raise_request_exception=False).get("/api/v1/")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.content.decode()
    assert body["code"] == "server_error"


def test_pages_outside_the_api_keep_their_html_errors(client, settings):
    settings.DEBUG = True
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_problems_keep_the_cors_header(client):
    """Exhibition apps in a browser can read the error."""
    response = client.get(
        "/api/nothing-here/", headers={"Origin": "https://kiosk.example"}
    )
    assert_problem(response, 404)
    assert response["Access-Control-Allow-Origin"] == "*"
