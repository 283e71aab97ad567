"""HTTP behaviour: validators and 304s, caching headers, CORS, cookies, keys,
throttling, and problem+json for every error, including Django-level ones."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.http import http_date

from archive import models as m
from tests import factories as f
from tests.api.conftest import new_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = f.make_event(status=m.Status.PUBLISHED, title_en="Strike")
    return event


def test_etag_answers_304_when_unchanged(api, event):
    url = f"/api/v1/events/{event.uuid}/"
    first = api.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_etag_changes_when_content_changes(api, event):
    url = f"/api/v1/events/{event.uuid}/"
    etag = api.get(url)["ETag"]
    event.title_en = "General strike"
    event.save()
    response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["title"]["en"] == "General strike"
    assert response["ETag"] != etag


def test_list_reflects_a_withdrawal_at_once(api, event):
    """The response cache is keyed by the archive version: no stale answers."""
    assert api.get("/api/v1/events/").json()["count"] == 1
    event.status = m.Status.WITHDRAWN
    event.save()
    assert api.get("/api/v1/events/").json()["count"] == 0


def test_nested_change_invalidates_cached_answers(api, event):
    place = f.make_place(status=m.Status.PUBLISHED, name_en="Liège")
    event.places.add(place)
    url = f"/api/v1/events/{event.uuid}/"
    assert api.get(url).json()["places"][0]["title"]["en"] == "Liège"
    place.name_en = "Luik"
    place.save()
    assert api.get(url).json()["places"][0]["title"]["en"] == "Luik"
    event.places.remove(place)
    assert api.get(url).json()["places"] == []


def test_last_modified_answers_304(api, event):
    url = "/api/v1/events/"
    response = api.get(url)
    last_modified = response["Last-Modified"]
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_public_answers_are_cacheable_and_keyed_ones_private(api, keyed_api, event):
    public = api.get("/api/v1/events/")
    assert public["Cache-Control"] == "public, max-age=60"
    assert "Authorization" in public["Vary"]
    keyed = keyed_api.get("/api/v1/events/")
    assert keyed["Cache-Control"] == "private, no-cache"
    assert "Authorization" in keyed["Vary"]


def test_errors_are_not_cached(api):
    response = api.get("/api/v1/events/?nope=1")
    assert response["Cache-Control"] == "no-store"


def test_no_cookies_on_api_answers(api, event, keyed_api):
    for client in (api, keyed_api):
        for url in (
            "/api/v1/",
            "/api/v1/events/",
            f"/api/v1/events/{event.uuid}/",
            "/api/v1/events/?nope=1",
            "/api/v1/nothing-here/",
            "/api/v1/schema/",
        ):
            response = client.get(url)
            assert not response.cookies, url
            assert "Set-Cookie" not in response, url


def test_cors_allows_any_origin_on_the_api_only(api, event):
    api_response = api.get("/api/v1/events/", HTTP_ORIGIN="https://kiosk.example")
    assert api_response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in api_response
    assert "ETag" in api_response["Access-Control-Expose-Headers"]
    page = Client().get("/", HTTP_ORIGIN="https://kiosk.example")
    assert "Access-Control-Allow-Origin" not in page


def test_cors_preflight_allows_get_with_a_key(api):
    response = api.options(
        "/api/v1/events/",
        HTTP_ORIGIN="https://kiosk.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "POST" not in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key not-a-real-key-at-all",
        "Bearer something",
        "Api-Key ",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_wrong_key_answers_401_problem(api, header):
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/v1/events/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Api-Key")
    assert response.json()["status"] == 401


def test_revoked_key_answers_401(api):
    client, key = new_client()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get("/api/v1/events/").status_code == 200
    client.is_active = False
    client.save()
    assert api.get("/api/v1/events/").status_code == 401


def test_key_use_is_recorded_without_a_write_per_request(
    api, django_assert_num_queries
):
    client, key = new_client()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    api.get("/api/v1/")
    client.refresh_from_db()
    assert client.last_used_at is not None
    with django_assert_num_queries(2):  # the key, the archive version
        api.get("/api/v1/")


def test_throttling_per_address(api, settings):
    settings.API_THROTTLE_ANON = "3/minute"
    statuses = [api.get("/api/v1/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/")
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) >= 1
    other = api.get("/api/v1/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_throttling_per_client_key(api, settings):
    settings.API_THROTTLE_CLIENT = "2/minute"
    settings.API_THROTTLE_ANON = "100/minute"
    _client, key = new_client()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert [api.get("/api/v1/").status_code for _ in range(3)] == [200, 200, 429]
    api.credentials()
    assert api.get("/api/v1/").status_code == 200


def test_unknown_api_address_is_problem_json_and_pages_stay_html(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404
    page = Client().get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_server_error_is_problem_json_without_traceback(monkeypatch, event):
    from archive.api import presenters

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(presenters.TYPES["event"], "load", explode)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/events/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.content.decode()
    assert "secret internal detail" not in body
    assert "Traceback" not in body
    assert response.json()["status"] == 500


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_answer_405_problem(api, event, method):
    for url in ("/api/v1/events/", f"/api/v1/events/{event.uuid}/", "/api/v1/search/"):
        response = getattr(api, method)(url, data={"title": "x"})
        assert response.status_code == 405, url
        assert response["Content-Type"] == "application/problem+json"


def test_head_is_answered_like_get(api, event):
    response = api.head("/api/v1/events/")
    assert response.status_code == 200
    assert response["ETag"]


def test_web_url_is_the_absolute_public_page(api, event):
    data = api.get(f"/api/v1/events/{event.uuid}/").json()
    assert data["web_url"] == "http://testserver" + event.get_absolute_url()
    assert data["api_url"] == f"http://testserver/api/v1/events/{event.uuid}/"
    assert Client().get(event.get_absolute_url()).status_code == 200
