"""Search: words of titles and names, any language, case and accents ignored,
always within what the requester may see."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from archive import models as m
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
