"""One cursor format for lists, search and changes (archive/api/cursors.py)."""

from __future__ import annotations

import base64
import json
import re

import pytest

from archive import models as m
from archive.api import cursors
from archive.api.problems import InvalidParameter
from tests import factories as f
from tests.api.test_bad_input import assert_problem

#: What the OpenAPI schema promises of every cursor.
SCHEMA_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,1000}")


def raw(text: str | bytes) -> str:
    """Any bytes, in the cursor's alphabet."""
    data = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def old_style(payload) -> str:
    """A cursor as lists, search and changes issued them before the shared format."""
    return raw(json.dumps(payload, separators=(",", ":")))


@pytest.mark.parametrize("kind", cursors.KINDS)
@pytest.mark.parametrize(
    "payload",
    [
        0,
        {"o": "-title", "d": "p", "v": ["Żegota", None, 7]},
        ["recognition", "ברוך", 2**62],
        ["2025-05-08T00:00:00+00:00", "place", 1],
    ],
)
def test_cursors_round_trip_in_the_schema_alphabet(kind, payload):
    """Every cursor is unpadded base64url of at least 8 characters and decodes to
    its payload."""
    cursor = cursors.encode(kind, payload)
    assert SCHEMA_PATTERN.fullmatch(cursor), cursor
    assert cursors.decode(cursor, kind) == payload


GOOD = cursors.encode("list", {"o": "title", "d": "n", "v": ["A", 1]})


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "0",
        "AAAAAAA",
        "A" * (cursors.MAX_LENGTH + 1),
        GOOD + "=",
        GOOD[:-1] + "+",
        GOOD[:5] + "/" + GOOD[6:],
        GOOD[:5] + " " + GOOD[6:],
        GOOD[:-1],
        raw('[1, "list", 0]'),
        raw('[1,"list",NaN]'),
        raw('[1,"list",Infinity]'),
        raw('[2,"list",0]'),
        raw('[true,"list",0]'),
        raw('[1,"search",0]'),
        raw('[1,"list"]'),
        raw('[1,"list",0,0]'),
        raw('{"v":1,"k":"list","p":0}'),
        raw('[1,"list","\\u00e9"]'),
        raw('[1,"list","\\ud800"]'),
        raw('[1,"list",["a\\u0000"]]'),
        raw('[1,"list",{"\\u0000":0}]'),
        raw(b'[1,"list","\xff"]'),
        raw('[1,"list",0]'.encode("utf-16")),
        old_style({"o": "title", "d": "n", "v": ["A", 1]}),
    ],
)
def test_malformed_cursors_are_refused_with_one_message(cursor):
    """Anything but exactly what encode() writes is the same 400."""
    with pytest.raises(InvalidParameter) as refused:
        cursors.decode(cursor, "list")
    assert refused.value.detail == {"cursor": ["This cursor is not valid."]}


def test_padding_bits_make_another_cursor():
    """Base64 ignores the unused bits of the last character; cursors do not, so one
    payload has exactly one cursor."""
    assert len(GOOD) % 4 in (2, 3)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(GOOD[-1])
    twin = GOOD[:-1] + alphabet[last + 1]
    assert base64.urlsafe_b64decode(twin + "==") == base64.urlsafe_b64decode(
        GOOD + "=="
    )
    with pytest.raises(InvalidParameter):
        cursors.decode(twin, "list")


@pytest.mark.django_db
def test_a_cursor_of_one_answer_is_refused_by_the_others(api):
    """A list's cursor means nothing to search or changes, and the other way round."""
    for n in range(3):
        f.make_recognition(status=m.Status.PUBLISHED, title_en=f"Hiding {n}")
    listed = api.get("/api/v1/recognitions/?page_size=1").json()["next"]
    searched = api.get("/api/v1/search/?q=hiding&page_size=1").json()["next"]
    changed = api.get("/api/v1/changes/?page_size=1").json()["next"]
    cursor = {
        "list": listed.split("cursor=")[1],
        "search": searched.split("cursor=")[1],
        "changes": changed.split("cursor=")[1],
    }
    urls = {
        "list": "/api/v1/recognitions/?page_size=1&cursor=",
        "search": "/api/v1/search/?q=hiding&page_size=1&cursor=",
        "changes": "/api/v1/changes/?page_size=1&cursor=",
    }
    for answer, url in urls.items():
        for kind, value in cursor.items():
            response = api.get(url + value)
            if kind == answer:
                assert response.status_code == 200, (answer, response.content[:300])
            else:
                assert_problem(response, 400, "cursor")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/recognitions/?ordering=title&cursor="
        + old_style({"o": "title", "d": "n", "v": ["A", 1]}),
        "/api/v1/search/?q=ab&cursor=" + old_style(["recognition", "A", 1]),
        "/api/v1/changes/?cursor="
        + old_style(["2025-05-08T00:00:00+00:00", "recognition", 1]),
    ],
)
def test_cursors_issued_before_the_shared_format_are_refused(api, url):
    """Cursors from before the shared format are 400s: clients start again from the
    first page."""
    assert_problem(api.get(url), 400, "cursor")


@pytest.mark.django_db
@pytest.mark.parametrize("letters", ["ąęłńóśźż", "אבגדהוזח", "абвгдежз"])
def test_a_long_title_in_another_script_still_makes_a_usable_cursor(api, letters):
    """A title of 255 letters that are not ASCII fits in a cursor (as UTF-8, not
    as \\u escapes, which made such cursors too long to use)."""
    title = (letters * 40)[:255]
    for suffix in ("a", "b"):
        f.make_recognition(status=m.Status.PUBLISHED, title_en=title[:-1] + suffix)
    first = api.get("/api/v1/recognitions/?ordering=title&page_size=1").json()
    cursor = first["next"].split("cursor=")[1]
    assert SCHEMA_PATTERN.fullmatch(cursor)
    second = api.get(first["next"])
    assert second.status_code == 200, second.content[:300]
    assert second.json()["results"][0]["title"]["en"] == title[:-1] + "b"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, payload",
    [
        ("/api/v1/search/?q=ab", "recognition"),
        ("/api/v1/search/?q=ab", ["poem", None, 1]),
        ("/api/v1/search/?q=ab", ["recognition", 5, 1]),
        ("/api/v1/search/?q=ab", ["recognition", None, True]),
        ("/api/v1/search/?q=ab", ["recognition", None, 2**63]),
        ("/api/v1/search/?q=ab&type=place", ["recognition", None, 1]),
        ("/api/v1/changes/?", {"at": "2025-05-08T00:00:00Z"}),
        ("/api/v1/changes/?", ["2025-05-08T00:00:00", "place", 1]),
        ("/api/v1/changes/?", ["yesterday", "place", 1]),
        ("/api/v1/changes/?", [20250508, "place", 1]),
        ("/api/v1/changes/?", ["2025-05-08T00:00:00Z", "poem", 1]),
        ("/api/v1/changes/?", ["2025-05-08T00:00:00Z", "place", 0]),
    ],
)
def test_search_and_changes_check_what_their_cursors_hold(api, url, payload):
    """A well-formed cursor of the right kind still holds a valid position."""
    kind = "search" if "search" in url else "changes"
    response = api.get(f"{url}&cursor={cursors.encode(kind, payload)}")
    assert_problem(response, 400, "cursor")
    assert response.json()["errors"]["cursor"] == ["This cursor is not valid."]
