"""Whatever is typed, search answers sensibly or with a 400 problem, never a 500
or an engine's syntax error: on the search endpoint, on every list's `q=` and
through the Python interface."""

from __future__ import annotations

import pytest

from archive import models as m
from archive.search import SearchError, SearchRequest, search
from tests import factories as f
from tests.search.helpers import PUBLISHED

pytestmark = pytest.mark.django_db

#: Text an engine could read as syntax, and text of any script.
AWKWARD = [
    '"',
    '""',
    '"unbalanced quote',
    'two "unbalanced "quotes',
    "*",
    "raid*",
    "**",
    "NEAR(raid strike)",
    "raid NEAR strike",
    "-",
    "-raid",
    "--",
    "- -raid",
    "OR",
    "raid OR",
    "OR raid",
    "raid OR OR strike",
    "AND NOT",
    "(",
    ")",
    "(raid",
    "raid)",
    "((()))",
    "col:raid",
    "title_en:raid",
    "a:b:c",
    "{raid}",
    "^raid",
    "raid' OR '1'='1",
    "'; DROP TABLE archive_searchdocument; --",
    "1; SELECT pg_sleep(5)",
    "raid\\",
    "%raid_",
    "ąęłńóśźż",
    "אבגדהוזח",
    "абвгдежз",
    "漢字の検索",
    "ٱلْعَرَبِيَّة",
    "🙂🙂",
    "Straße",
    "raid & strike | !x <-> y",
    "raid:*",
    "x" * 200,
    # Letters PostgreSQL's unaccent turns into an apostrophe (to_tsquery's quote).
    "Hawaiʻi",
    "ʼokina raidʹ",
    '"raidʽ strike"',
    "raidˈ -strikeʼs",
]


@pytest.fixture
def some_records():
    f.make_event(**PUBLISHED, title_en="The raid", description_en="A strike.")
    f.make_place(**PUBLISHED, name_en="Kraków")


def assert_sensible(response) -> None:
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert response["Content-Type"].startswith("application/problem+json")
    else:
        data = response.json()
        assert data["count"] >= 0 and isinstance(data["results"], list)


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_gets_an_answer_on_search(api, some_records, text):
    assert_sensible(api.get("/api/v1/search/", {"q": text}))


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_gets_an_answer_on_a_list(api, some_records, text):
    assert_sensible(api.get("/api/v1/events/", {"q": text}))


@pytest.mark.parametrize("text", AWKWARD + ["", "x" * 10_000])
def test_awkward_text_gets_an_answer_through_python(some_records, text):
    result = search(SearchRequest(text))
    assert result.total >= 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "a"},
        {"q": "x" * 10_000},
        {"q": "raid\x00"},
        {"q": "raid", "type": "poem"},
        {"q": "raid", "place": "not-a-uuid"},
        {"q": "raid", "organisation": "1"},
        {"q": "raid", "decade": "194"},
        {"q": "raid", "language": "xx"},
        {"q": "raid", "lang": "xx"},
        {"q": "raid", "page_size": "0"},
        {"q": "raid", "cursor": "zzz"},
        {"q": "raid", "facet": "kind"},
    ],
)
def test_bad_search_parameters_are_400_problems(api, some_records, params):
    response = api.get("/api/v1/search/", params)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "x" * 10_000}, {"q": "a\x00"}])
def test_bad_list_q_is_a_400_problem(api, params):
    response = api.get("/api/v1/events/", params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_word_with_a_letter_unaccent_makes_a_quote_is_found(api):
    """`ʻ` (the ʻokina) is a letter inside a word, and PostgreSQL's unaccent turns
    it into an apostrophe: the query once became a to_tsquery syntax error (500)."""
    place = f.make_place(**PUBLISHED, name_en="Hawaiʻi")
    data = api.get("/api/v1/search/", {"q": "Hawaiʻi"}).json()
    assert [hit["id"] for hit in data["results"]] == [str(place.uuid)]


def test_a_known_word_among_syntax_is_still_found(api, some_records):
    for text in ('"raid', "raid*", "(raid)", "raid'--", "-convoys raid"):
        data = api.get("/api/v1/search/", {"q": text}).json()
        assert data["count"] == 1, text


def test_a_page_too_far_is_refused_through_python():
    with pytest.raises(SearchError):
        search(SearchRequest("raid", page=100_000))
    with pytest.raises(SearchError):
        search(SearchRequest("raid", filters={"colour": "red"}))
    assert m.SearchDocument.objects.count() == 0
