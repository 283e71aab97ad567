"""How many documents a query will match, estimated before it runs, from
PostgreSQL's own statistics of the search vectors, and the way of reading the
first matches that this makes cheapest (`plan`).

Why the engine chooses and not PostgreSQL's planner: a GIN index answers a query by
building the bitmap of *every* match before it gives the first, whatever the
`LIMIT` (57-90 ms for a prefix found in 380,000 documents at 100,000 recognitions),
while reading the table from its first page finds the first 10,001 matches of such
a word in about 10 ms. And a query of a common word and a rare one (`synthetic
recognition 04242`) builds the common word's bitmap too, when the rare word's
alone, each document it finds tested against the whole query, finds the same
documents. The planner cannot see any of this: the query is a value made inside
the statement (unaccent, four stemmers, fenced so that it is made once), so it
plans every query with the same fixed guess.

The estimates come from ANALYZE (which autovacuum runs as the documents change):
`pg_stats.most_common_elems` holds the most common lexemes of the documents'
vectors (and of the names and titles, statistics of migration 0025's expression
indexes) with the fraction of documents holding each. A prefix is estimated as the
sum of the lexemes it begins; a word that is not among them is rarer than the
rarest that is. Without statistics (a new database, before its first ANALYZE)
nothing is estimated and the engine reads the matches as it always did, from the
index with the whole query.

A plan reads the index with the whole query (`Way.INDEX`) or with the rarest
required word (`Way.DRIVEN`), and when matches are common, first *probes* the
table's first pages (`Plan.probe_pages`, a TID range scan): if they hold enough
matches, the index is never read. The probe reads at most `PROBE_MARGIN` times the
rows the estimate says it needs, and at most twice what the index read is
estimated to cost, so an estimate that is wrong (documents are stored kind by
kind, so a word in every testimony is in none of the first 300,000 documents)
costs little, never a scan of the whole table. A query with an exclusion is never
probed nor driven: the word excluded is often one kind's own. Every way
finds the same documents in the same order, the table's (a bitmap heap scan reads
it in that order too; a TID range scan, unlike a sequential one, never starts
where another left off), so the choice changes only the time an answer takes
(tests/search/test_plans.py).
"""

from __future__ import annotations

import bisect
import dataclasses
import threading
import time
from dataclasses import dataclass
from enum import Enum

from django.db import connection

from archive.search.query import Query, Term

#: Seconds the statistics read are kept per process (ANALYZE changes them rarely).
STATISTICS_TTL = 300.0
#: Estimated cost, in microseconds, of testing one document read in table order,
#: of one match in a GIN bitmap, and of fetching and testing one document the
#: bitmap found (read off EXPLAIN ANALYZE at 100,000 recognitions; docs/search.md).
SCAN_ROW_US = 1.0
BITMAP_ENTRY_US = 0.3
FETCH_ROW_US = 1.5
#: Testing a document's names and titles costs more than testing its vector: the
#: whole vector is read, then filtered (`ts_filter`).
TITLED_ROW_US = 3.5
#: A probe reads at most this many times the rows the estimate says it needs
#: (and at most twice what the index read is estimated to cost).
PROBE_MARGIN = 4
#: The names-and-titles tier looks among at most this many of the first matches
#: (`among_matches`), at this cost each (looked up by key, names and titles tested).
AMONG_MATCHES_MAX = 2048
AMONG_ROW_US = 5.5

#: The documents' table (a probe reads it; its rows and pages).
DOCUMENTS = "archive_searchdocument"


def vector_column(audience: str) -> tuple[str, str]:
    """The statistics of an audience's whole vectors: a statistics object over the
    audience's documents alone (migration 0026), so that words found only in
    records the audience may not find never change how its searches are read."""
    return ("statistics", f"archive_search_vector_{audience}_stats")


def titled_column(audience: str) -> tuple[str, str]:
    """The statistics of an audience's names-and-titles index (migration 0025: a
    partial expression index over the audience's documents alone)."""
    return ("index", f"archive_search_titled_{audience}_idx")


class Way(Enum):
    """How the index is read."""

    #: With the whole query (what PostgreSQL does unaided).
    INDEX = "index"
    #: With the rarest required word alone (`Plan.word`); each document it finds
    #: is then tested against the whole query.
    DRIVEN = "driven"


@dataclass(frozen=True)
class Plan:
    way: Way
    #: The required term whose word drives a DRIVEN read, and that word.
    driver: Term | None = None
    word: str = ""
    #: When more than 0: first test the documents of the table's first this many
    #: pages (a power of two), and read the index only if they hold too few matches.
    probe_pages: int = 0
    #: Its estimated cost, in microseconds.
    cost: float = 0.0


INDEX = Plan(Way.INDEX)


@dataclass(frozen=True)
class Lexemes:
    """The most common lexemes of a vector column, sorted, with the fraction of
    rows holding each; `floor` is the fraction assumed for any other lexeme."""

    words: tuple[str, ...]
    fractions: tuple[float, ...]
    floor: float
    #: The documents table's rows and pages (a probe reads the table).
    rows: float
    pages: float

    def fraction(self, word: str, prefix: bool) -> float:
        """The fraction of rows holding `word` (or a lexeme it begins)."""
        start = bisect.bisect_left(self.words, word)
        if not prefix:
            found = start < len(self.words) and self.words[start] == word
            return self.fractions[start] if found else self.floor
        end = bisect.bisect_left(self.words, word + "\U0010ffff", lo=start)
        total = sum(self.fractions[start:end])
        return min(1.0, max(total, self.floor))


_cache: dict[tuple[str, tuple[str, str]], tuple[float, Lexemes | None]] = {}
_lock = threading.Lock()


def forget() -> None:
    """Read the statistics again at the next search (after an ANALYZE in tests)."""
    with _lock:
        _cache.clear()


def lexemes(column: tuple[str, str]) -> Lexemes | None:
    """The statistics of `column` (table or index, column), kept STATISTICS_TTL
    seconds; None when ANALYZE has not gathered them."""
    key = (connection.settings_dict["NAME"], column)
    now = time.monotonic()
    with _lock:
        kept = _cache.get(key)
    if kept and now - kept[0] < STATISTICS_TTL:
        return kept[1]
    found = _read(column)
    with _lock:
        _cache[key] = (now, found)
    return found


def _read(column: tuple[str, str]) -> Lexemes | None:
    """The statistics, each share scaled from the audience's documents to the
    table's rows (what a probe reads)."""
    kind, name = column
    if kind == "statistics":
        sql = (
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, "
            "1 - s.null_frac, GREATEST(c.reltuples, 0), c.relpages "
            "FROM pg_stats_ext_exprs AS s, pg_class AS c "
            "WHERE s.schemaname = current_schema() AND s.statistics_name = %s "
            "AND c.oid = to_regclass(%s)"
        )
    else:
        sql = (
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, "
            "GREATEST(i.reltuples, 0) / NULLIF(c.reltuples, 0), "
            "GREATEST(c.reltuples, 0), c.relpages "
            "FROM pg_stats AS s, pg_class AS i, pg_class AS c "
            "WHERE s.schemaname = current_schema() AND s.tablename = %s "
            "AND s.attname = 'ts_filter' AND i.oid = to_regclass(s.tablename) "
            "AND c.oid = to_regclass(%s)"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [name, DOCUMENTS])
        row = cursor.fetchone()
    if row is None or row[0] is None or not row[2] or not row[4]:
        return None
    words, fractions, share, rows, pages = row
    share = min(1.0, float(share))
    # After the lexemes' fractions come the least and the greatest of them: a
    # lexeme not listed is rarer than the least listed.
    listed = sorted(zip(words, fractions[: len(words)], strict=True))
    return Lexemes(
        words=tuple(word for word, _ in listed),
        fractions=tuple(fraction * share for _, fraction in listed),
        floor=fractions[len(words)] / 2 * share,
        rows=float(rows),
        pages=float(pages),
    )


def _term(stats: Lexemes, term: Term) -> float:
    if term.is_phrase:
        return min(stats.fraction(word, prefix=False) for word in term.words)
    return stats.fraction(term.words[0], prefix=term.is_prefix)


def fraction(stats: Lexemes, query: Query) -> float:
    """The fraction of documents matching the whole query, each group and exclusion
    taken as independent of the others."""
    result = 1.0
    for group in query.groups:
        result *= min(1.0, sum(_term(stats, term) for term in group))
    for term in query.excluded:
        result *= max(0.05, 1.0 - _term(stats, term))
    return result


def plan(
    query: Query,
    limit: int,
    column: tuple[str, str],
    row_us: float = SCAN_ROW_US,
) -> Plan:
    """The cheapest way to read the first `limit` matches of `query`, by the
    statistics of `column`: the index read with the whole query or with the
    rarest required word, whichever is estimated cheaper, first probing the
    table's first pages when matches are common enough for the probe to be
    cheaper still (on a database never analysed: the index, whole query)."""
    if connection.vendor != "postgresql":
        return INDEX
    stats = lexemes(column)
    if stats is None or stats.rows < 1 or stats.pages < 1:
        return INDEX
    rows = stats.rows
    matching = max(fraction(stats, query), 1e-9)
    # The index with the whole query builds the bitmap of every term's matches.
    terms = query.positive_terms() + query.excluded
    every_term = sum(_term(stats, term) for term in terms)
    best = INDEX
    cost = every_term * rows * BITMAP_ENTRY_US + _fetched(
        rows, matching, matching, limit
    )
    # Not with an exclusion: the index leaves out the documents holding the word
    # excluded, a driving word's read fetches them all (100,000 recognitions for
    # `synthetic -recognition`).
    if len(query.groups) > 1 and not query.excluded:
        for group in query.groups:
            if len(group) != 1:
                continue
            term = group[0]
            for word in term.words:
                share = stats.fraction(word, prefix=term.is_prefix)
                driven = share * rows * BITMAP_ENTRY_US + _fetched(
                    rows, share, matching, limit
                )
                if driven < cost:
                    best, cost = Plan(Way.DRIVEN, term, word), driven
    needed = min(rows, limit / matching)
    # No probe for an exclusion: documents are stored kind by kind, and the word
    # excluded is often one kind's own (`synthetic -recognition`: the first
    # 100,000 documents are recognitions), which no estimate of independent
    # words foresees.
    best = dataclasses.replace(best, cost=cost)
    if query.excluded or needed * row_us >= cost:
        return best
    # The probe costs at most twice the index read it may save, and reads at
    # most PROBE_MARGIN times the rows it should need (pages are a power of two,
    # so that few statements differ): a wrong estimate (a word in every
    # testimony, stored after the first 300,000 documents) costs little more.
    rows_per_page = rows / stats.pages
    budget = int(min(2 * cost / row_us, PROBE_MARGIN * needed) / rows_per_page)
    pages = 1 << max(0, budget.bit_length() - 1)
    if pages * rows_per_page < needed:
        return best
    return dataclasses.replace(best, probe_pages=pages, cost=needed * row_us)


def among_matches(query: Query, limit: int, audience: str, titled: Plan) -> int:
    """How many of the first matches to look among for the first `limit` documents
    whose names and titles match, before reading anything else (0: none).

    The names-and-titles tier holds matches only (with an exclusion, a title
    match must match the whole query too: `backends.Match.titled`), so when the
    first matches (in table order) hold `limit` of them, they are the first
    `limit` of them: found by looking up a few thousand documents by key instead
    of reading an index (a word in the title of most of the records it is found
    in: `synthetic testimony`, whose first matches are testimonies, each titled
    with the word). Chosen when the estimated share of the matches with the
    words in their names and titles makes it cheaper than `titled`, the plan of
    the names-and-titles read."""
    if connection.vendor != "postgresql":
        return 0
    everything = lexemes(vector_column(audience))
    titles = lexemes(titled_column(audience))
    if everything is None or titles is None:
        return 0
    matching = max(fraction(everything, query), 1e-9)
    share = min(1.0, fraction(titles, query) / matching)
    needed = max(1, int(2 * limit / max(share, 1e-9)))
    looked = 1 << (needed - 1).bit_length()
    if looked > AMONG_MATCHES_MAX or looked * AMONG_ROW_US >= titled.cost:
        return 0
    return looked


def _fetched(rows: float, found: float, matching: float, limit: int) -> float:
    """The cost of fetching and testing the documents an index read finds (a
    fraction `found` of rows) until `limit` of them match (a fraction `matching`)."""
    needed = limit * found / matching
    return min(rows * found, needed) * FETCH_ROW_US
