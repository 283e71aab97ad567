"""SQLite's FTS5 tables index the prefixes a visitor types (2 to 6 letters,
migration 0029): a prefix of an indexed length is read from its own entry, as a
term is, and must find exactly the documents of the terms it begins, accents,
respelt letters and hidden records included."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from archive import models as m
from archive.api.context import Audience
from archive.search import SearchRequest, search
from archive.search.backends import FTS_PREFIXES, FTS_TABLE
from archive.search.documents import AUDIENCES
from tests import factories as f
from tests.search.helpers import PUBLISHED

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="FTS5's prefix indexes"
)

TITLES = [
    "Bruxelles occupied",
    "Brussel bevrijd",
    "Brugge convoy",
    "Bréda crossing",
    "Brüssel Abfahrt",
    "Bruxellois network",
]


def titles(q: str, audience: Audience | None = None) -> set[str]:
    result = search(SearchRequest(q, audience or Audience(), "en", page_size=100))
    return {hit.title for hit in result.hits}


@sqlite_only
@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_audience_indexes_the_prefixes_the_backend_names(audience):
    """The tables migration 0029 makes declare the lengths `FTS_PREFIXES` names."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE name = %s",
            [FTS_TABLE.format(audience=audience)],
        )
        (sql,) = cursor.fetchone()
    declared = re.search(r"prefix\s*=\s*'([0-9 ]+)'", sql)
    assert declared, sql
    assert tuple(int(n) for n in declared.group(1).split()) == FTS_PREFIXES


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("br", TITLES),
        ("bru", [t for t in TITLES if t.startswith(("Bru", "Brü"))]),
        ("brux", ["Bruxelles occupied", "Bruxellois network"]),
        ("bruss", ["Brussel bevrijd", "Brüssel Abfahrt"]),
        ("bruxel", ["Bruxelles occupied", "Bruxellois network"]),
        # Longer than any prefix index: still every word it begins.
        ("bruxell", ["Bruxelles occupied", "Bruxellois network"]),
        ("bred", ["Bréda crossing"]),
        ("BRÉ", ["Bréda crossing"]),
    ],
)
def test_a_prefix_of_any_length_finds_exactly_the_words_it_begins(q, expected):
    for title in TITLES:
        f.make_event(**PUBLISHED, title_en=title)
    f.make_event(**PUBLISHED, title_en="Antwerp harbour")
    assert titles(q) == set(expected)


def test_a_prefix_of_a_respelt_letter_finds_it():
    """Ł is indexed as l (migration 0028): its prefixes are too."""
    f.make_event(**PUBLISHED, title_en="Deported from Łódź")
    f.make_event(**PUBLISHED, title_en="Leuven station")
    for q in ("ło", "lo", "łód", "LOD"):
        assert titles(q) == {"Deported from Łódź"}, q


def test_a_prefix_finds_nothing_of_what_the_audience_may_not_find():
    f.make_event(**PUBLISHED, title_en="Qxbrugge public")
    f.make_event(title_en="Qxbruxelles draft")
    f.make_event(**PUBLISHED, access=m.Access.STAFF, title_en="Qxbrussel staff")
    f.make_event(**PUBLISHED, access=m.Access.EXHIBITION, title_en="Qxbrugse kiosk")
    assert titles("qxbru") == {"Qxbrugge public"}
    assert titles("qxbru", Audience.named("exhibition")) == {
        "Qxbrugge public",
        "Qxbrugse kiosk",
    }
