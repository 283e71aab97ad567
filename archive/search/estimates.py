"""How many documents a query will match, estimated before it runs, from
PostgreSQL's own statistics of the search vectors, and the way of reading the
matches that this makes cheapest (`plan`).

Why the engine chooses and not PostgreSQL's planner: a GIN index answers a query by
building the bitmap of *every* match before it gives the first, whatever the
`LIMIT` (57-90 ms for a prefix found in 380,000 documents at 100,000 recognitions),
while a sequential scan that stops at the `LIMIT` finds the first 10,001 matches of
such a word in a few milliseconds. And a query of a common word and a rare one
(`synthetic recognition 04242`) builds the common word's bitmap too, when the rare
word's alone, checked against the whole query row by row, finds the same documents.
The planner cannot see any of this: the query is a value made inside the statement
(unaccent, four stemmers, fenced so that it is made once), so it plans every query
with the same fixed guess.

The estimates come from ANALYZE (which autovacuum runs as the documents change):
`pg_stats.most_common_elems` holds the most common lexemes of the documents'
vectors (and of the names-and-titles vectors, statistics of migration 0025's
expression index) with the fraction of documents holding each. A prefix is
estimated as the sum of the lexemes it begins; a word that is not among them is
rarer than the rarest that is. Without statistics (a new database, before its
first ANALYZE) nothing is estimated and the engine reads the matches as it always
did, from the index with the whole query.

All three ways find the same documents in the same order (the table's physical
order: a bitmap heap scan and a sequential scan both read it that way; see
`SYNCHRONIZED_SCANS_OFF`), so the choice changes only the time an answer takes
(tests/search/test_plans.py).
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass
from enum import Enum

from django.db import connection

from archive.search.query import Query, Term

#: Seconds the statistics read are kept per process (ANALYZE changes them rarely).
STATISTICS_TTL = 300.0
#: Estimated cost, in microseconds, of testing one document in a sequential scan,
#: of one match in a GIN bitmap, and of fetching and testing one document the
#: bitmap found (measured at 100,000 recognitions; docs/search.md).
SCAN_ROW_US = 0.6
BITMAP_ENTRY_US = 0.2
FETCH_ROW_US = 1.0
#: Sequential scans must start at the table's first page, not where the last scan
#: (stopped by its LIMIT) left off, or "the first matches" would change from one
#: request to the next. Run in the search's transaction (`SET LOCAL`).
SYNCHRONIZED_SCANS_OFF = "SET LOCAL synchronize_seqscans = off"

#: Statistics of the whole vectors, and of the names and titles alone.
VECTOR = ("archive_searchdocument", "vector")
TITLED = ("archive_search_titled_public_idx", "ts_filter")


class Way(Enum):
    """How the matches are read."""

    #: From the GIN index, with the whole query (what PostgreSQL does unaided).
    INDEX = "index"
    #: From the GIN index, with the rarest required word alone (`Plan.driver`);
    #: each document it finds is then tested against the whole query.
    DRIVEN = "driven"
    #: A sequential scan testing each document, stopped by the LIMIT.
    SCAN = "scan"


@dataclass(frozen=True)
class Plan:
    way: Way
    #: The required term whose word drives a DRIVEN read, and that word.
    driver: Term | None = None
    word: str = ""


INDEX = Plan(Way.INDEX)


@dataclass(frozen=True)
class Lexemes:
    """The most common lexemes of a vector column, sorted, with the fraction of
    rows holding each; `floor` is the fraction assumed for any other lexeme."""

    words: tuple[str, ...]
    fractions: tuple[float, ...]
    floor: float
    rows: float

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
    table, name = column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, "
            "GREATEST(c.reltuples, 0) FROM pg_stats AS s JOIN pg_class AS c "
            "ON c.relname = s.tablename AND c.relnamespace = "
            "(SELECT oid FROM pg_namespace WHERE nspname = s.schemaname) "
            "WHERE s.schemaname = current_schema() AND s.tablename = %s "
            "AND s.attname = %s",
            [table, name],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    words, fractions, rows = row
    # After the lexemes' fractions: the least and the greatest, then the fraction of
    # empty vectors. A lexeme not listed is rarer than the least listed.
    listed = sorted(zip(words, fractions[: len(words)], strict=True))
    floor = fractions[len(words)] / 2
    return Lexemes(
        words=tuple(word for word, _ in listed),
        fractions=tuple(fraction for _, fraction in listed),
        floor=floor,
        rows=float(rows),
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


def plan(query: Query, limit: int, column: tuple[str, str] = VECTOR) -> Plan:
    """The cheapest way to read the first `limit` matches of `query`, by the
    statistics of `column`: a sequential scan when matches are so common that the
    scan stops early, the index read with the rarest required word when that word
    is rarer than the rest, the index read with the whole query otherwise (and
    whenever there are no statistics)."""
    if connection.vendor != "postgresql":
        return INDEX
    stats = lexemes(column)
    if stats is None or stats.rows < 1:
        return INDEX
    rows = stats.rows
    matching = max(fraction(stats, query), 1e-9)
    scan = min(rows, limit / matching) * SCAN_ROW_US
    # The index with the whole query builds the bitmap of every term's matches.
    every_term = sum(
        _term(stats, term) for group in query.groups for term in group
    ) + sum(_term(stats, term) for term in query.excluded)
    index = every_term * rows * BITMAP_ENTRY_US + _fetched(
        rows, matching, matching, limit
    )
    best = Plan(Way.INDEX), index
    singles = [group[0] for group in query.groups if len(group) == 1]
    if len(query.groups) > 1 or query.excluded:
        for term in singles:
            for word in term.words:
                share = stats.fraction(word, prefix=term.is_prefix)
                cost = share * rows * BITMAP_ENTRY_US + _fetched(
                    rows, share, matching, limit
                )
                if cost < best[1]:
                    best = Plan(Way.DRIVEN, term, word), cost
    if scan < best[1]:
        return Plan(Way.SCAN)
    return best[0]


def _fetched(rows: float, found: float, matching: float, limit: int) -> float:
    """The cost of fetching and testing the documents an index read finds (a
    fraction `found` of rows) until `limit` of them match (a fraction `matching`)."""
    needed = limit * found / matching
    return min(rows * found, needed) * FETCH_ROW_US
