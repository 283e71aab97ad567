"""Bad input gets a clear 4xx problem+json answer, never a 500."""

from __future__ import annotations

import base64
import json

import pytest

from archive import models as m
from archive.api import cursors
from archive.api.context import KINDS
from tests import factories as f

pytestmark = pytest.mark.django_db

ROUTES = [route for _model, route in KINDS.values()]


def b64(value) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def listed(payload) -> str:
    """A list's cursor with this payload (the payload's checks are the test)."""
    return cursors.encode("list", payload)


def assert_problem(response, status: int, parameter: str | None = None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["detail"]
    if parameter is not None:
        assert parameter in body["errors"], body


@pytest.fixture
def records():
    f.make_recognition(status=m.Status.PUBLISHED)
    f.make_event(status=m.Status.PUBLISHED)


@pytest.mark.parametrize("route", ROUTES)
def test_unknown_parameter_is_400_on_every_list(api, route):
    assert_problem(api.get(f"/api/v1/{route}/?colour=red"), 400, "colour")


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("page_size=0", "page_size"),
        ("page_size=-5", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=99999999999999999999999999", "page_size"),
        ("page_size=ten", "page_size"),
        ("page_size=1e3", "page_size"),
        ("page_size=%C2%B2", "page_size"),
        ("page_size=", "page_size"),
        ("cursor=not-base64!!", "cursor"),
        ("cursor=" + b64(b"\xff\xfe"), "cursor"),
        ("cursor=" + b64([1, 2, 3]), "cursor"),
        ("cursor=" + listed({"o": "title", "d": "n", "v": ["x", 1]}), "cursor"),
        ("cursor=" + listed({"o": "date", "d": "n", "v": ["1965-13-40", 1]}), "cursor"),
        ("cursor=" + listed({"o": "date", "d": "n", "v": [None, "1"]}), "cursor"),
        ("cursor=" + listed({"o": "date", "d": "n", "v": [None, True]}), "cursor"),
        ("cursor=" + listed({"o": "date", "d": "x", "v": [None, 1]}), "cursor"),
        ("cursor=" + listed({"o": "date", "d": "n", "v": [None, 2**70]}), "cursor"),
        ("cursor=" + "A" * 5000, "cursor"),
        ("ordering=colour", "ordering"),
        ("lang=xx", "lang"),
        ("lang=EN", "lang"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2025-02-30T00:00:00Z", "updated_since"),
        ("updated_since=0001-01-01T00:00:00%2B23:00", "updated_since"),
        ("updated_since=2025-05-08T00:00:00", "updated_since"),
        ("year_from=abc", "year_from"),
        ("year_from=99999", "year_from"),
        ("year_to=-1", "year_to"),
        ("country=BEL", "country"),
        ("place=not-a-uuid", "place"),
        ("country=BE&country=FR", "country"),
        ("title=x%00y", "title"),
        ("country=B%00", "country"),
        ("c%00ountry=BE", "c\\0ountry"),
        ("lang=" + "e" * 600, "lang"),
    ],
)
def test_bad_list_parameters_are_400(api, records, query, parameter):
    assert_problem(api.get(f"/api/v1/recognitions/?{query}"), 400, parameter)


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/events/?date_after=19-04-1943", "date_after"),
        ("/api/v1/events/?date_before=1943-02-30", "date_before"),
        ("/api/v1/events/?kind=party", "kind"),
        ("/api/v1/images/?depicts=42", "depicts"),
        ("/api/v1/people/?role=" + "r" * 101, "role"),
        ("/api/v1/search/", "q"),
        ("/api/v1/search/?q=a", "q"),
        ("/api/v1/search/?q=" + "a" * 201, "q"),
        ("/api/v1/search/?q=ab&type=poem", "type"),
        ("/api/v1/search/?q=ab&cursor=zzz", "cursor"),
        ("/api/v1/search/?q=ab%00", "q"),
        (
            "/api/v1/search/?q=ab&cursor="
            + cursors.encode("search", ["recognition", None, -1]),
            "cursor",
        ),
        ("/api/v1/changes/?since=last+week", "since"),
        ("/api/v1/changes/?since=2025-05-08T00:00:00", "since"),
        (
            "/api/v1/changes/?cursor=" + cursors.encode("changes", ["x", "y", 1]),
            "cursor",
        ),
        ("/api/v1/changes/?lang=fr", "lang"),
        ("/api/v1/?x=1", "x"),
    ],
)
def test_bad_parameters_elsewhere_are_400(api, records, url, parameter):
    assert_problem(api.get(url), 400, parameter)


def test_detail_takes_only_lang(api):
    event = f.make_event(status=m.Status.PUBLISHED)
    assert_problem(api.get(f"/api/v1/events/{event.uuid}/?page_size=3"), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/12345/",
        "/api/v1/events/not-a-uuid/",
        "/api/v1/events/00000000-0000-0000-0000-000000000000/",
        "/api/v1/events/%00/",
        "/api/v1/renditions/forged-token/",
        "/api/v1/renditions/" + "x" * 300 + "/",
    ],
)
def test_bad_paths_are_404_problem(api, path):
    assert_problem(api.get(path), 404)


def test_cursor_from_another_ordering_is_400(api, records):
    f.make_recognition(status=m.Status.PUBLISHED)
    next_link = api.get("/api/v1/recognitions/?page_size=1&ordering=title").json()[
        "next"
    ]
    cursor = next_link.split("cursor=")[1]
    response = api.get(f"/api/v1/recognitions/?ordering=date&cursor={cursor}")
    assert_problem(response, 400, "cursor")


def test_wrong_accept_is_406_problem(api, records):
    response = api.get("/api/v1/events/", HTTP_ACCEPT="text/csv")
    assert_problem(response, 406)


def test_far_offsets_are_moments_too(api, records):
    """RFC 3339 allows offsets up to 23:59, PostgreSQL only to 15:59: moments are
    taken in UTC before they reach the database."""
    for url in (
        "/api/v1/events/?updated_since=0483-03-26T00:48:00%2B23:13",
        "/api/v1/changes/?since=2025-05-08T00:00:00-23:59",
    ):
        assert api.get(url).status_code == 200, url
