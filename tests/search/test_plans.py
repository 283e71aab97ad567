"""On PostgreSQL the engine chooses how to read a query's matches from ANALYZE's
statistics (`archive.search.estimates`): from the GIN index with the whole query,
from the index with the rarest required word (each document found then tested
against the whole query), or by a sequential scan stopped by the LIMIT. The three
ways must give the same answers, down to which matches are "the first" when the
answer is bounded; only the time differs. Elsewhere the root conftest makes every
search read as on a database never analysed (the index with the whole query)."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import models as m
from archive.search import SearchRequest, estimates, search
from archive.search.estimates import Lexemes, Plan, Way
from archive.search.query import parse
from tests import factories as f
from tests.search.helpers import PUBLISHED

#: The statistics as the engine reads them (the root conftest hides them).
_real_lexemes = estimates.lexemes

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL's ways of reading"
)

QUERIES = (
    "qxlantern raid",
    "raid qxlantern",
    '"qxlantern raid" convoy',
    "qxlantern -qxrailway",
    "the qxlantern",
    "qxlantern OR qxconvoy raid",
    "qxlan",
    "raids",
)


def forced(way: Way, titled: Way):
    """estimates.plan as if the statistics chose `way` for the matches and
    `titled` for the names-and-titles tier (driving by the last required word)."""

    def plan(query, limit, column=estimates.VECTOR):
        chosen = way if column == estimates.VECTOR else titled
        if chosen is not Way.DRIVEN:
            return Plan(chosen)
        singles = [group[0] for group in query.groups if len(group) == 1]
        if not singles:
            return estimates.INDEX
        term = singles[-1]
        return Plan(Way.DRIVEN, term, term.words[-1])

    return plan


@pytest.fixture
def archive_of_lanterns():
    """Matches enough to overflow small limits, in titles and in long texts, with
    hidden records carrying every word."""
    for n in range(5):
        f.make_event(
            **PUBLISHED,
            description_en=f"A passing mention of the qxlantern raid number {n}.",
        )
    f.make_event(**PUBLISHED, title_en="Qxlantern raid", description_en="Convoy")
    f.make_event(**PUBLISHED, title_en="Qxlantern", description_en="Qxrailway raid")
    f.make_event(**PUBLISHED, title_en="Qxconvoy raids", description_en="The convoy")
    f.make_person(**PUBLISHED, family_name="Qxlantern", given_names="Raid")
    f.make_event(status=m.Status.DRAFT, title_en="Qxlantern raid convoy qxconvoy")
    f.make_event(
        **PUBLISHED,
        access=m.Access.EXHIBITION,
        title_en="Qxlantern raid convoy qxconvoy",
    )


def answer(q: str, **kwargs) -> tuple:
    result = search(SearchRequest(q, page_size=100, **kwargs))
    hits = [(hit.kind, hit.pk, hit.rank, str(hit.snippet)) for hit in result.hits]
    return hits, dataclasses.replace(result, hits=[])


@postgresql_only
@pytest.mark.parametrize("titled", list(Way))
@pytest.mark.parametrize("way", list(Way))
@pytest.mark.parametrize("bounded", [False, True], ids=["exact", "bounded"])
def test_every_way_of_reading_gives_the_same_answers(
    monkeypatch, archive_of_lanterns, way, titled, bounded
):
    if bounded:
        monkeypatch.setattr("archive.search.engine.COUNT_LIMIT", 4)
        monkeypatch.setattr("archive.search.engine.RANK_WINDOW", 2)
    expected = {q: answer(q) for q in QUERIES}
    monkeypatch.setattr("archive.search.estimates.plan", forced(way, titled))
    for q in QUERIES:
        assert answer(q) == expected[q], q
    assert any(hits for hits, _result in expected.values())
    if bounded:
        assert not expected["qxlan"][1].ranking_exact


@postgresql_only
@pytest.mark.parametrize("way", list(Way))
def test_hidden_records_are_never_found_whatever_the_way(
    monkeypatch, archive_of_lanterns, way
):
    monkeypatch.setattr("archive.search.estimates.plan", forced(way, way))
    hits, result = answer("qxconvoy raid")
    assert [kind for kind, *_ in hits] == ["event"]
    assert result.total == 1


@postgresql_only
def test_a_scan_starts_at_the_first_page_in_the_search_transaction(
    monkeypatch, archive_of_lanterns
):
    """A sequential scan stopped by a LIMIT must begin where the table begins,
    not where the last one stopped: the setting is made for the search's own
    statements."""
    monkeypatch.setattr("archive.search.estimates.plan", forced(Way.SCAN, Way.INDEX))
    with CaptureQueriesContext(connection) as captured:
        search(SearchRequest("qxlantern"))
    sql = [query["sql"] for query in captured.captured_queries]
    assert sql[0] == estimates.SYNCHRONIZED_SCANS_OFF
    assert "ts_match_vq" in sql[1] and len(sql) == 3
    monkeypatch.setattr("archive.search.estimates.plan", forced(Way.INDEX, Way.INDEX))
    with CaptureQueriesContext(connection) as captured:
        search(SearchRequest("qxlantern"))
    assert len(captured.captured_queries) == 2


@pytest.fixture
def analysed(monkeypatch):
    """The real statistics (the root conftest hides them), gathered now."""
    monkeypatch.setattr("archive.search.estimates.lexemes", _real_lexemes)
    estimates.forget()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_searchdocument")
    yield
    estimates.forget()


@postgresql_only
def test_statistics_choose_a_scan_for_a_word_in_every_document(analysed):
    for n in range(30):
        f.make_event(**PUBLISHED, title_en=f"Qxeverywhere {n}")
    f.make_event(**PUBLISHED, title_en="Qxeverywhere qxonce")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_searchdocument")
    estimates.forget()
    stats = estimates.lexemes(estimates.VECTOR)
    assert stats is not None and stats.fraction("qxeverywhere", prefix=False) > 0.5
    assert estimates.plan(parse("qxeverywhere"), 11).way is Way.SCAN
    driven = estimates.plan(parse("qxeverywhere qxonce"), 11)
    assert (driven.way, driven.word) == (Way.DRIVEN, "qxonce")
    # Without a limit, every match is read: never a scan for a word this rare.
    assert estimates.plan(parse("qxonce"), 10**9).way is not Way.SCAN
    assert search(SearchRequest("qxeverywhere qxonce")).total == 1


@postgresql_only
def test_without_statistics_the_whole_query_reads_the_index(analysed, monkeypatch):
    monkeypatch.setattr("archive.search.estimates._read", lambda column: None)
    estimates.forget()
    assert estimates.plan(parse("anything at all"), 11) == estimates.INDEX


def test_a_prefix_is_as_common_as_the_lexemes_it_begins():
    stats = Lexemes(
        words=("raid", "raids", "rescue", "rescuer"),
        fractions=(0.5, 0.25, 0.1, 0.05),
        floor=0.01,
        rows=1000.0,
    )
    assert stats.fraction("raid", prefix=False) == 0.5
    assert stats.fraction("raid", prefix=True) == 0.75
    assert stats.fraction("resc", prefix=True) == pytest.approx(0.15)
    assert stats.fraction("zzz", prefix=True) == 0.01
    assert stats.fraction("rai", prefix=False) == 0.01
    assert estimates.fraction(stats, parse("raid rescue")) == pytest.approx(0.75 * 0.15)
    assert estimates.fraction(stats, parse("raid -rescuer")) == pytest.approx(
        0.75 * 0.95
    )
