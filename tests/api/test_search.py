"""Search: words of titles and names, any language, case and accents ignored,
always within what the requester may see."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive import models as m
from archive.api.presenters import MODELS
from archive.api.search_index import words
from tests import factories as f
from tests.api.builders import full_archive

pytestmark = pytest.mark.django_db


def found(api, query: str) -> list[tuple[str, str]]:
    data = api.get("/api/v1/search/", {"q": query, "page_size": 100}).json()
    return [(r["type"], r["id"]) for r in data["results"]]


def test_words_are_lower_case_without_accents():
    assert words("Liège, 1943 — Œuvre NATIONALE") == {
        "liege",
        "1943",
        "oeuvre",
        "nationale",
    }
    assert words("") == set()


def test_search_finds_titles_and_names_across_types(api):
    full_archive()
    data = api.get("/api/v1/search/?q=mechelen&lang=en").json()
    types = {r["type"] for r in data["results"]}
    assert {"place", "figure"} <= types
    people = api.get("/api/v1/search/?q=Alias&type=person").json()
    assert people["count"] == 1
    assert api.get("/api/v1/search/?q=Alias&type=place").json()["count"] == 0


def test_every_word_must_begin_a_word_of_the_record(api):
    place = f.make_place(
        status=m.Status.PUBLISHED, name_en="Kazerne Dossin", name_fr="Caserne Dossin"
    )
    f.make_place(status=m.Status.PUBLISHED, name_en="Kazerne Sint-Jan")
    assert found(api, "dossin kaz") == [("place", str(place.uuid))]
    assert found(api, "CASERNE") == [("place", str(place.uuid))]
    assert found(api, "ossin") == []  # inside a word: not a match


def test_accents_and_case_are_ignored(api):
    place = f.make_place(status=m.Status.PUBLISHED, name_en="Liège")
    assert found(api, "liege") == [("place", str(place.uuid))]
    assert found(api, "LIÈGE") == [("place", str(place.uuid))]


def test_index_follows_saves_variants_and_deletes(api):
    person = f.make_person(status=m.Status.PUBLISHED, family_name="Vandermeulen")
    assert found(api, "vandermeulen") == [("person", str(person.uuid))]
    person.family_name = "Vandenberg"
    person.save()
    assert found(api, "vandermeulen") == []
    variant = m.NameVariant.objects.create(person=person, name="Mademoiselle Jeanne")
    assert found(api, "jeanne") == [("person", str(person.uuid))]
    variant.delete()
    assert found(api, "jeanne") == []
    person.delete()
    assert not m.SearchToken.objects.filter(kind="person", object_id=person.pk).exists()


def test_hidden_records_are_indexed_but_never_found(api, keyed_api):
    f.make_event(status=m.Status.DRAFT, title_en="Secret raid")
    kiosk = f.make_event(
        status=m.Status.PUBLISHED, access=m.Access.EXHIBITION, title_en="Kiosk raid"
    )
    assert m.SearchToken.objects.filter(token="secret").exists()
    assert found(api, "raid") == []
    assert found(keyed_api, "raid") == [("event", str(kiosk.uuid))]


def test_rebuild_indexes_bulk_written_records(api):
    m.Place.objects.bulk_create(
        [m.Place(name_en="Breendonk", slug="breendonk", status=m.Status.PUBLISHED)]
    )
    assert found(api, "breendonk") == []
    call_command("rebuild_search_index")
    assert [kind for kind, _id in found(api, "breendonk")] == ["place"]


def test_punctuation_only_finds_nothing(api):
    f.make_place(status=m.Status.PUBLISHED)
    data = api.get("/api/v1/search/", {"q": "--"}).json()
    assert data == {"count": 0, "next": None, "previous": None, "results": []}


def test_search_pages_through_results(api):
    for n in range(5):
        f.make_place(status=m.Status.PUBLISHED, name_en=f"Camp {n}")
        f.make_event(status=m.Status.PUBLISHED, title_en=f"Camp raid {n}")
    results = []
    url = "/api/v1/search/?q=camp&page_size=3"
    while url:
        page = api.get(url).json()
        assert page["count"] == 10
        results.extend(page["results"])
        url = page["next"]
    assert len(results) == 10
    assert len({r["id"] for r in results}) == 10
    assert [r["type"] for r in results] == ["event"] * 5 + ["place"] * 5


# Visibility inside every index lookup -------------------------------------------

SEARCH_TOKEN_TABLE = m.SearchToken._meta.db_table
#: Kinds a query restricts the word index to: `"kind" = 'place'` or `IN (...)`.
KIND_EQUALS = re.compile(r'"kind" = \'(\w+)\'')
KIND_IN = re.compile(r'"kind" IN \(([^)]*)\)')


def search_queries(api, params: dict) -> list[str]:
    """The SQL of every query one search runs (response cache emptied first)."""
    caches["api"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/search/", params)
    assert response.status_code == 200, response.content[:300]
    return [query["sql"] for query in captured.captured_queries]


def kinds_named(sql: str) -> set[str]:
    kinds = set(KIND_EQUALS.findall(sql))
    for listed in KIND_IN.findall(sql):
        kinds |= {value.strip(" '") for value in listed.split(",")}
    return kinds


@pytest.fixture
def hidden_and_public_words():
    """Public and hidden records sharing words, in several types."""
    f.make_place(status=m.Status.PUBLISHED, name_en="Kazerne Dossin")
    f.make_event(status=m.Status.PUBLISHED, title_en="Kazerne raid")
    f.make_place(status=m.Status.DRAFT, name_en="Kazerne Qxhidden")
    f.make_event(status=m.Status.DRAFT, title_en="Qxhidden raid")
    f.make_person(
        status=m.Status.PUBLISHED, access=m.Access.STAFF, family_name="Qxhidden"
    )
    f.make_organisation(
        status=m.Status.PUBLISHED,
        embargo_until=timezone.localdate() + datetime.timedelta(days=3),
        name_en="Kazerne Qxhidden",
    )


@pytest.mark.parametrize(
    "params",
    [
        {"q": "kazerne"},
        {"q": "ka"},
        {"q": "kazerne qxhid"},
        {"q": "qxhidden"},
        {"q": "raid kaz", "type": "event,place"},
        {"q": "kazerne", "page_size": 1},
    ],
)
def test_every_query_reading_the_word_index_applies_visibility(
    api, hidden_and_public_words, params
):
    """Each query that touches the word index names, for every type it looks at,
    that type's table with the public condition: the index never answers alone."""
    touching = [sql for sql in search_queries(api, params) if SEARCH_TOKEN_TABLE in sql]
    assert touching
    for sql in touching:
        kinds = kinds_named(sql)
        assert kinds, sql
        for kind in kinds:
            assert f'"{MODELS[kind]._meta.db_table}"' in sql, (kind, sql)
        assert sql.count("\"status\" = 'published'") >= len(kinds), sql
        assert sql.count("\"access\" = 'public'") >= len(kinds), sql


def test_next_pages_also_apply_visibility(api, hidden_and_public_words):
    first = api.get("/api/v1/search/", {"q": "kazerne", "page_size": 1}).json()
    cursor = parse_qs(urlparse(first["next"]).query)["cursor"][0]
    params = {"q": "kazerne", "page_size": 1, "cursor": cursor}
    for sql in search_queries(api, params):
        if SEARCH_TOKEN_TABLE in sql:
            assert "\"status\" = 'published'" in sql, sql


@pytest.mark.parametrize(
    ("hidden", "absent"),
    [
        ("qxhidden", "qxnowhere"),
        ("qxh", "qxn"),
        ("kazerne qxhid", "kazerne qxnow"),
        ("raid qxhidden", "raid qxnowhere"),
    ],
)
def test_hidden_words_cost_what_absent_words_cost(
    api, keyed_api, hidden_and_public_words, hidden, absent
):
    """A word found only in hidden records runs the very same queries as a word
    found nowhere (parameters aside): nothing to count, time or guess from."""

    def shape(client, text: str) -> list[str]:
        return [
            re.sub(r"qx[a-z]*", "WORD", sql)
            for sql in search_queries(client, {"q": text})
        ]

    keyed_api.get("/api/v1/")  # the key's first use is recorded once: not compared
    for client in (api, keyed_api):
        assert shape(client, hidden) == shape(client, absent)
        assert (
            client.get("/api/v1/search/", {"q": hidden}).json()
            == client.get("/api/v1/search/", {"q": absent}).json()
        )
