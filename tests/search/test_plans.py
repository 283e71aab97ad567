"""On PostgreSQL the engine chooses how to read a query's matches from ANALYZE's
statistics (`archive.search.estimates`): from the GIN index with the whole query
or with the rarest required word (each document found then tested against the
whole query), after probing the table's first pages or not. Every way must give
the same answers, down to which matches are "the first" when the answer is
bounded; only the time differs. Elsewhere the root conftest makes every search
read as on a database never analysed (the index with the whole query)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import models as m
from archive.search import SearchRequest, estimates, search
from archive.search.backends import PostgresBackend
from archive.search.engine import first_matches
from archive.search.estimates import Lexemes, Plan, Way
from archive.search.index import rebuild
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


def forced(way: Way, titled: Way, probe_pages: int = 0):
    """estimates.plan as if the statistics chose `way` for the matches and
    `titled` for the names-and-titles tier (driving by the last required word),
    each after probing `probe_pages` pages."""

    def plan(query, limit, column, row_us=0.0):
        chosen = way if column[0] == "statistics" else titled
        singles = [group[0] for group in query.groups if len(group) == 1]
        if chosen is not Way.DRIVEN or not singles:
            return Plan(Way.INDEX, probe_pages=probe_pages)
        term = singles[-1]
        return Plan(Way.DRIVEN, term, term.words[-1], probe_pages=probe_pages)

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
@pytest.mark.parametrize("among", [0, 3, 2048], ids=["apart", "among-3", "among-all"])
@pytest.mark.parametrize(
    "probe", [0, 1, 1024], ids=["no-probe", "probe-1", "probe-all"]
)
@pytest.mark.parametrize("titled", list(Way))
@pytest.mark.parametrize("way", list(Way))
@pytest.mark.parametrize("bounded", [False, True], ids=["exact", "bounded"])
def test_every_way_of_reading_gives_the_same_answers(
    monkeypatch, archive_of_lanterns, way, titled, probe, among, bounded
):
    """`among`: the names-and-titles tier looked for among that many of the first
    matches first (for a query with an exclusion too)."""
    if bounded:
        monkeypatch.setattr("archive.search.engine.COUNT_LIMIT", 4)
        monkeypatch.setattr("archive.search.engine.RANK_WINDOW", 2)
    expected = {q: answer(q) for q in QUERIES}
    monkeypatch.setattr("archive.search.estimates.plan", forced(way, titled, probe))
    monkeypatch.setattr(
        "archive.search.estimates.among_matches",
        lambda query, limit, audience, titled: among,
    )
    for q in QUERIES:
        assert answer(q) == expected[q], q
    assert any(hits for hits, _result in expected.values())
    if bounded:
        assert not expected["qxlan"][1].ranking_exact


@postgresql_only
@pytest.mark.parametrize("probe", [0, 1024])
@pytest.mark.parametrize("way", list(Way))
def test_hidden_records_are_never_found_whatever_the_way(
    monkeypatch, archive_of_lanterns, way, probe
):
    monkeypatch.setattr("archive.search.estimates.plan", forced(way, way, probe))
    hits, result = answer("qxconvoy raid")
    assert [kind for kind, *_ in hits] == ["event"]
    assert result.total == 1


@postgresql_only
def test_when_the_probe_finds_enough_the_index_is_not_read(
    monkeypatch, archive_of_lanterns
):
    """The probe reads the table from its first page (a TID range scan, which
    never starts where another scan stopped), and the index read under it is
    skipped when it found enough."""
    monkeypatch.setattr(
        "archive.search.estimates.plan", forced(Way.INDEX, Way.INDEX, 8)
    )
    match = PostgresBackend().match(parse("qxlantern"), "public", 3, 3)
    sql, params = first_matches(match, limit=3)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
        explained = "\n".join(row[0] for row in cursor.fetchall())
    assert "Tid Range Scan" in explained and "never executed" in explained
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert len(cursor.fetchall()) == 3


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
def test_statistics_choose_a_probe_for_a_word_in_every_document(analysed):
    for n in range(30):
        f.make_event(**PUBLISHED, title_en=f"Qxeverywhere {n}")
    f.make_event(**PUBLISHED, title_en="Qxeverywhere qxonce")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_searchdocument")
    estimates.forget()
    stats = estimates.lexemes(estimates.vector_column("public"))
    assert stats is not None and stats.fraction("qxeverywhere", prefix=False) > 0.5
    vector = estimates.vector_column("public")
    assert estimates.plan(parse("qxeverywhere"), 11, vector).probe_pages > 0
    driven = estimates.plan(parse("qxeverywhere qxonce"), 11, vector)
    assert (driven.way, driven.word, driven.probe_pages) == (Way.DRIVEN, "qxonce", 0)
    # Reading every match: no probe for a word this rare.
    assert estimates.plan(parse("qxonce"), 10**9, vector).probe_pages == 0
    assert search(SearchRequest("qxeverywhere qxonce")).total == 1


@postgresql_only
def test_without_statistics_the_whole_query_reads_the_index(analysed, monkeypatch):
    monkeypatch.setattr("archive.search.estimates._read", lambda column: None)
    estimates.forget()
    vector = estimates.vector_column("public")
    assert estimates.plan(parse("anything at all"), 11, vector) == estimates.INDEX


def test_a_prefix_is_as_common_as_the_lexemes_it_begins():
    stats = Lexemes(
        words=("raid", "raids", "rescue", "rescuer"),
        fractions=(0.5, 0.25, 0.1, 0.05),
        floor=0.01,
        rows=1000.0,
        pages=100.0,
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


@postgresql_only
@pytest.mark.parametrize("titled_first", [True, False])
def test_title_matches_among_the_first_matches_are_the_first_title_matches(
    monkeypatch, titled_first
):
    """Looked for among the first matches, the names-and-titles tier is the same
    as read from its index: found there when the first matches hold enough of
    them, read from the index when they do not."""
    monkeypatch.setattr("archive.search.engine.COUNT_LIMIT", 4)
    monkeypatch.setattr("archive.search.engine.RANK_WINDOW", 2)

    def titled():
        for n in range(3):
            f.make_event(**PUBLISHED, title_en=f"Qxtitled {n}")

    def mentions():
        for n in range(6):
            f.make_event(**PUBLISHED, description_en=f"Qxtitled in passing {n}")

    for make in (titled, mentions) if titled_first else (mentions, titled):
        make()
    expected = answer("qxtitled")
    assert not expected[1].ranking_exact
    for among in (1, 2, 4, 2048):
        monkeypatch.setattr(
            "archive.search.estimates.among_matches", lambda *args, n=among: n
        )
        assert answer("qxtitled") == expected, among


@postgresql_only
def test_a_rebuild_gathers_the_statistics_searches_are_planned_from(analysed):
    for n in range(3):
        f.make_event(**PUBLISHED, title_en=f"Qxrebuilt {n}")
    assert (
        "qxrebuilt"
        not in (
            estimates.lexemes(estimates.vector_column("public"))
            or Lexemes((), (), 0, 0, 0)
        ).words
    )
    rebuild()
    stats = estimates.lexemes(estimates.vector_column("public"))
    assert stats is not None and stats.fraction("qxrebuilt", prefix=False) > 0.5


@postgresql_only
def test_words_only_in_hidden_records_are_planned_as_words_found_nowhere(analysed):
    """The statistics are the audience's own (migration 0026): a word common only
    in drafts and staff records is estimated as rare as a word found nowhere, so
    both run the very same statements (over the whole table, it was estimated in
    half the documents)."""
    for n in range(30):
        f.make_event(**PUBLISHED, title_en=f"Qxeverywhere {n}")
        f.make_event(status=m.Status.DRAFT, title_en=f"Qxhidden qxeverywhere {n}")
        f.make_event(**PUBLISHED, access=m.Access.STAFF, title_en=f"Qxhidden {n}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_searchdocument")
    estimates.forget()

    def shape(q: str) -> list[str]:
        search(SearchRequest(q))  # the statistics are read once, then kept
        with CaptureQueriesContext(connection) as captured:
            search(SearchRequest(q))
        return [
            re.sub(r"qx[a-z]*", "WORD", query["sql"])
            for query in captured.captured_queries
        ]

    assert shape("qxhidden") == shape("qxnowhere")
    assert shape("qxeverywhere qxhidden") == shape("qxeverywhere qxnowhere")
    stats = estimates.lexemes(estimates.vector_column("public"))
    assert stats.fraction("qxhidden", prefix=True) == stats.floor
    assert stats.fraction("qxeverywhere", prefix=True) > 0.3
