"""A search's cost is bounded whatever the number of matches: the total is counted
up to `COUNT_LIMIT`, and beyond `RANK_WINDOW` matches the hits are ranked among
the documents whose names or titles match and the first other matches. Each
answer says when it is bounded (`count_exact`, `ranking_exact`), and the record
*of* a word still comes first. The limits are made small here; the same
statements run at their real sizes on both databases."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from archive import models as m
from archive.search import SearchRequest, search
from tests import factories as f
from tests.search.helpers import PUBLISHED

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr("archive.search.engine.COUNT_LIMIT", 4)
    monkeypatch.setattr("archive.search.engine.RANK_WINDOW", 2)


def mentions(n: int, word: str, **kwargs) -> list[m.Event]:
    """Events whose description mentions the word in passing."""
    return [
        f.make_event(
            **PUBLISHED, description_en=f"A passing mention of {word}.", **kwargs
        )
        for _ in range(n)
    ]


def test_a_small_answer_is_exact_and_says_so(api):
    mentions(3, "qxfew")
    data = api.get("/api/v1/search/", {"q": "qxfew"}).json()
    assert data["count"] == 3 and len(data["results"]) == 3
    assert data["count_exact"] is True and data["ranking_exact"] is True
    assert data["facets_approximate"] is False


def test_beyond_the_window_the_record_named_by_the_word_still_comes_first(
    api, small_limits
):
    mentions(4, "qxlantern")
    # Created last: not among the first matches, found by the names-and-titles tier.
    named = f.make_event(**PUBLISHED, title_en="Qxlantern")
    data = api.get("/api/v1/search/", {"q": "qxlantern", "page_size": 100}).json()
    assert data["results"][0]["id"] == str(named.uuid)
    assert data["ranking_exact"] is False
    # Ranked: the two first matches and the title match; pages end with them.
    assert len(data["results"]) == 3 and data["next"] is None
    assert data["count"] == 4 and data["count_exact"] is False


def test_a_title_match_that_the_query_excludes_is_not_a_hit(api, small_limits):
    mentions(3, "qxconvoy")
    excluded = f.make_event(
        **PUBLISHED, title_en="Qxconvoy", description_en="Qxrailway"
    )
    hits = api.get("/api/v1/search/", {"q": "qxconvoy -qxrailway"}).json()["results"]
    assert str(excluded.uuid) not in [hit["id"] for hit in hits] and hits


def test_title_matches_the_query_excludes_take_no_place_in_the_window(
    api, small_limits
):
    """The names-and-titles tier holds matches only: records titled with the word
    whose text holds the word excluded, created first and more than the tier
    holds, do not keep the record named by the word from being ranked first."""
    mentions(3, "qxconvoy")
    for _ in range(2):
        f.make_event(**PUBLISHED, title_en="Qxconvoy", description_en="Qxrailway")
    named = f.make_event(**PUBLISHED, title_en="Qxconvoy", description_en="Harbour")
    data = api.get(
        "/api/v1/search/", {"q": "qxconvoy -qxrailway", "page_size": 100}
    ).json()
    assert data["ranking_exact"] is False
    assert data["results"][0]["id"] == str(named.uuid)
    assert "Qxrailway" not in str(data["results"])


def test_pages_end_with_the_ranked_candidates(small_limits):
    mentions(6, "qxpaged")
    first = search(SearchRequest("qxpaged", page=1, page_size=1, facets=False))
    assert (first.ranked, first.has_next) == (2, True)
    second = search(SearchRequest("qxpaged", page=2, page_size=1, facets=False))
    assert len(second.hits) == 1 and not second.has_next
    third = search(SearchRequest("qxpaged", page=3, page_size=1, facets=False))
    assert third.hits == [] and not third.has_next
    assert third.total == 4 and not third.total_exact


def test_narrowing_below_the_window_ranks_every_match(api, small_limits):
    place = f.make_place(**PUBLISHED, name="Qxtown")
    mentions(3, "qxnarrow")
    inside = f.make_event(**PUBLISHED, description_en="qxnarrow qxnarrow")
    inside.places.add(place)
    broad = api.get("/api/v1/search/", {"q": "qxnarrow"}).json()
    assert broad["ranking_exact"] is False
    narrow = api.get(
        "/api/v1/search/", {"q": "qxnarrow", "place": str(place.uuid)}
    ).json()
    assert narrow["ranking_exact"] is True and narrow["count_exact"] is True
    assert [hit["id"] for hit in narrow["results"]] == [str(inside.uuid)]


def test_facets_beyond_the_count_limit_are_of_the_counted_matches(api, small_limits):
    mentions(6, "qxcounted", date_edtf="1942")
    data = api.get("/api/v1/search/", {"q": "qxcounted"}).json()
    assert data["count"] == 4 and data["count_exact"] is False
    assert data["facets_approximate"] is True
    (decade,) = data["facets"]["decade"]
    # Never more than the total says.
    assert decade["value"] == "1940" and decade["count"] <= data["count"]


def test_hidden_records_take_no_place_among_the_candidates(api, small_limits):
    """The count, both tiers and the ranking read only the audience's documents:
    drafts matching first, and drafts titled with the word (more than the tier
    holds, created before the visible title match), change nothing."""
    for _ in range(3):
        f.make_event(status=m.Status.DRAFT, title_en="Qxcanary")
    shown = mentions(3, "qxcanary")
    named = f.make_event(**PUBLISHED, title_en="Qxcanary")
    data = api.get("/api/v1/search/", {"q": "qxcanary", "page_size": 100}).json()
    ids = [hit["id"] for hit in data["results"]]
    assert ids[0] == str(named.uuid)
    assert set(ids) <= {str(event.uuid) for event in [*shown, named]}
    assert data["count"] == 4 and data["count_exact"] is True
    assert data["ranking_exact"] is False


def test_exactly_the_count_limit_is_an_exact_count(api, small_limits):
    mentions(4, "qxfour")
    data = api.get("/api/v1/search/", {"q": "qxfour"}).json()
    assert data["count"] == 4 and data["count_exact"] is True


def test_a_search_page_past_the_ranked_candidates_is_not_found(client, small_limits):
    mentions(6, "qxdeep")
    with translation.override("en"):
        url = reverse("archive:search")
    assert client.get(url, {"q": "qxdeep", "page": 1}).status_code == 200
    assert client.get(url, {"q": "qxdeep", "page": 2}).status_code == 404


def test_the_search_page_says_more_than_the_limit_and_why_the_order(
    client, small_limits
):
    mentions(6, "qxpage")
    for lang, many, bounded in (
        ("en", "More than 4 results", "So many records match"),
        ("fr", "Plus de 4 résultats", "Tant de fiches correspondent"),
    ):
        with translation.override(lang):
            url = reverse("archive:search")
        page = client.get(url, {"q": "qxpage"})
        text = page.content.decode()
        assert page.status_code == 200, text[:300]
        assert many in text and bounded in text


def test_an_exact_answer_says_nothing_of_bounds_on_the_page(client):
    named = f.make_event(**PUBLISHED, title_en="Qxplain")
    page = client.get("/en/search/", {"q": "qxplain"})
    text = page.content.decode()
    assert "1 result" in text and "More than" not in text
    assert "So many records match" not in text
    assert named.title_en in text


def test_ranking_puts_the_same_record_first_exact_or_bounded(monkeypatch):
    """The bounded ranking keeps the exact one's best hit when it is a title match."""
    mentions(4, "qxsame")
    named = f.make_event(**PUBLISHED, title_en="Qxsame")
    exact = search(SearchRequest("qxsame", facets=False))
    monkeypatch.setattr("archive.search.engine.RANK_WINDOW", 2)
    bounded = search(SearchRequest("qxsame", facets=False))
    assert exact.ranking_exact and not bounded.ranking_exact
    assert exact.hits[0].uuid == bounded.hits[0].uuid == named.uuid


def test_an_sqlite_too_old_for_the_search_statements_is_an_error(monkeypatch):
    """The statements use `AS MATERIALIZED` (SQLite 3.35): the system check says
    so at startup rather than every search failing."""
    import sqlite3

    from django.conf import settings

    from archive import checks

    monkeypatch.setitem(
        settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3"
    )
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.34.1")
    assert [error.id for error in checks.sqlite_is_recent_enough(None)] == [
        "archive.E004"
    ]
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 35, 0))
    assert checks.sqlite_is_recent_enough(None) == []
