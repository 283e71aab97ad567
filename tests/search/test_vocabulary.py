"""SQLite reads a query's word as itself when no other word of the audience's
index begins with it (`SqliteBackend.exact_words`): the same documents and the
same bm25 as the prefix, without FTS5 gathering the prefix's document lists
first."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401 (the skip condition reads it)

from archive import models as m
from archive.api.context import Audience
from archive.search import SearchRequest, search
from archive.search.backends import SqliteBackend
from archive.search.query import parse
from tests import factories as f
from tests.search.helpers import PUBLISHED

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="FTS5's vocabulary"),
]


def expression(q: str, audience: str = "public") -> str:
    return SqliteBackend().match(parse(q), audience).tables_params[0]


def test_a_word_no_other_word_begins_is_read_as_itself():
    f.make_event(**PUBLISHED, title_en="Qxlantern raid")
    assert expression("qxlantern") == '"qxlantern"'
    assert expression("qxlant") == '"qxlant"*'  # begins qxlantern, is not it
    f.make_event(**PUBLISHED, title_en="Qxlanterns")
    assert expression("qxlantern") == '"qxlantern"*'
    # Excluded words, OR groups and phrases keep their own forms.
    assert expression("raid -qxlanterns") == '("raid") NOT "qxlanterns"'
    assert expression('"qxlantern raid"') == '"qxlantern raid"'


def test_a_word_no_document_holds_stays_a_prefix():
    assert expression("qxnowhere") == '"qxnowhere"*'


def test_a_word_beyond_ascii_stays_a_prefix():
    """Only words FTS5's tokenizer leaves as they are are looked up."""
    f.make_event(**PUBLISHED, title_en="Qxмир")
    assert expression("qxмир") == '"qxмир"*'
    assert len(search(SearchRequest("qxмир", Audience(), "en")).hits) == 1


def test_words_of_hidden_records_do_not_change_how_a_query_is_read():
    """The vocabulary is the audience's: a draft's or a staff record's words,
    and the exhibition's own, leave the public's reading as it was."""
    f.make_event(**PUBLISHED, title_en="Qxlantern raid")
    f.make_event(title_en="Qxlanternist draft")
    f.make_event(**PUBLISHED, access=m.Access.STAFF, title_en="Qxlanterna staff")
    f.make_event(
        **PUBLISHED, access=m.Access.EXHIBITION, title_en="Qxlanterne exhibition"
    )
    assert expression("qxlantern") == '"qxlantern"'
    assert expression("qxlantern", "exhibition") == '"qxlantern"*'


QUERIES = [
    "qxlantern",
    "qxlantern raid",
    "qxlant",
    "qxlanterns OR convoy",
    "raid -qxlanterns",
    '"qxlantern raid"',
    "convoy",
    "convo",
]


def test_reading_words_as_themselves_changes_no_answer(monkeypatch):
    """Every answer (hits, ranks, snippets, totals, facets) is the same as when
    every word is read as a prefix."""
    for n in range(4):
        f.make_event(**PUBLISHED, title_en=f"Qxlantern raid {n}", date_edtf="1942")
        f.make_event(
            **PUBLISHED, title_en=f"Convoy {n}", description_en="qxlantern qxlantern"
        )
    f.make_event(**PUBLISHED, title_en="Qxlanterns kept", description_en="convoy")
    f.make_person(**PUBLISHED, family_name="Qxlantern", given_names="Anna")

    def answers() -> list:
        results = []
        for q in QUERIES:
            result = search(SearchRequest(q, Audience(), "en"))
            results.append(
                (
                    result.total,
                    [
                        (hit.kind, hit.uuid, hit.rank, str(hit.snippet))
                        for hit in result.hits
                    ],
                    [(facet.name, facet.values) for facet in result.facets],
                )
            )
        return results

    # Both forms occur among the queries: words read as themselves, and words
    # that stay prefixes (`qxlantern` begins `qxlanterns`).
    assert expression("convoy raid") == '"convoy" AND "raid"'
    assert expression("qxlantern") == '"qxlantern"*'
    read_exactly = answers()
    assert all(result[0] for result in read_exactly)
    monkeypatch.setattr(SqliteBackend, "exact_words", lambda self, q, a: frozenset())
    assert answers() == read_exactly


def test_a_word_its_tokenizer_writes_otherwise_still_finds_every_word_it_begins():
    """Why only ASCII words are read as themselves: FTS5 writes a final sigma as
    σ where the query reader writes ς, so the vocabulary holds `οδοσ...` where the
    word is `οδος`, and read as itself it would miss `οδοσημα`."""
    f.make_event(**PUBLISHED, title_en="ΟΔΟΣ")
    f.make_event(**PUBLISHED, title_en="Οδοσημα")
    assert len(search(SearchRequest("ΟΔΟΣ", Audience(), "en")).hits) == 2
