"""One backend per database: how a parsed query becomes the engine's match, rank
and tables. Chosen from the database in use (`backend()`).

Both backends read the same `SearchDocument` rows; the engine's own index is
derived from them by triggers the migrations install (0007, 0017): a weighted
`tsvector` column on PostgreSQL with a GIN index per audience (partial indexes on
the document's `public` and `exhibition` flags), an FTS5 table per audience on
SQLite holding only the documents that audience may find (so bm25's corpus
statistics are the audience's own: a hidden record cannot move a hit). Ranking uses the same weights on
both: A (names, titles) 1.0, B (summaries, captions) 0.4, C (long texts) 0.2.

A third backend (an external engine) would implement the same three pieces for
its own store, or replace `archive.search.engine.run` altogether; see
docs/search.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from archive import kinds
from archive.search.query import Query, fts5_match, tsquery_text, websearch_text

DOCUMENTS = "archive_searchdocument"
#: The FTS5 table of an audience's documents: FTS_TABLE.format(audience="public").
FTS_TABLE = "archive_search_fts_{audience}"
#: Weights of fields A, B, C (PostgreSQL lists them D, C, B, A).
WEIGHTS = (1.0, 0.4, 0.2)
#: How much a match in a record's names and titles alone adds to its rank, on top
#: of the weighted rank over all its texts: the record *of* a person or a place comes
#: before records that mention it often in long texts (in four languages).
TITLE_BOOST = 4.0


#: The trigger that fills the audiences' FTS5 tables row by row (migration 0017).
FTS_INSERT_TRIGGER = "archive_search_fts_insert"
#: An FTS5 row of each document of `{documents}` the audience may find, as that
#: trigger makes it from the document's `texts`. The same expressions as the
#: trigger's in migrations 0007 and 0017, which cannot import this module; the
#: rebuild-equals-incremental test (tests/search/test_index.py, with FTS5's
#: integrity-check) fails if the two ever differ.
FTS_ROWS = f"""
    SELECT id,
        COALESCE((SELECT group_concat(json_extract(value, '$.a'), char(10))
                  FROM json_each({DOCUMENTS}.texts)), ''),
        COALESCE((SELECT group_concat(json_extract(value, '$.b'), char(10))
                  FROM json_each({DOCUMENTS}.texts)), ''),
        COALESCE((SELECT group_concat(json_extract(value, '$.c'), char(10))
                  FROM json_each({DOCUMENTS}.texts)), '')
    FROM {DOCUMENTS} WHERE {{audience}} AND id IN ({{documents}})
"""


@dataclass(frozen=True)
class Match:
    """SQL pieces for one query and one audience: `FROM {tables}` with
    `WHERE {condition}` finds the documents the audience may find
    (`archive_searchdocument` is named in full, as the ORM's conditions name it),
    `{rank}` orders them, best first. `unranked` is `tables` without the rank, for
    counting."""

    tables: str
    unranked: str
    tables_params: list
    condition: str
    condition_params: list
    rank: str
    #: `FROM {titled} WHERE {titled_condition}` finds the audience's documents whose
    #: names and titles (field A) match: the first tier of a bounded ranking
    #: (`archive.search.engine`). It may find documents the whole query excludes;
    #: the ranked statement keeps only those `condition` finds.
    titled: str
    titled_params: list
    titled_condition: str
    #: A condition on `tables` keeping the documents whose ids the table named
    #: `{candidates}` (a column `id`) holds, in the form the engine ranks fastest.
    among: str
    #: True when the rank can only be computed in the scan that matches (FTS5's
    #: bm25), false when a document's rank can be computed from its row alone.
    ranks_in_scan: bool
    #: Appended to a subquery that must be computed once, on its own, rather than
    #: merged into the statement around it by the planner (PostgreSQL's `OFFSET
    #: 0`; nothing on SQLite, whose subqueries here are never merged that way).
    fence: str = ""


def audience_flag(audience: str) -> str:
    """The document column saying whether this audience may find the record."""
    if audience not in ("public", "exhibition"):
        raise ValueError(f"Unknown audience {audience!r}.")
    return audience


class SqliteBackend:
    name = "sqlite"

    def match(self, query: Query, audience: str) -> Match:
        a, b, c = WEIGHTS
        fts = FTS_TABLE.format(audience=audience_flag(audience))
        # bm25() may only be called in the query that scans the FTS table, so the
        # match and its rank are a subquery joined to the documents; bm25 is
        # lower for better matches, hence its negation.
        ranked = f"-bm25({fts}, {a}, {b}, {c}) - {TITLE_BOOST} * bm25({fts}, {a}, 0, 0)"
        join = f"JOIN {DOCUMENTS} ON {DOCUMENTS}.id = search_match.id"
        unranked = (
            f"(SELECT rowid AS id FROM {fts} WHERE {fts} MATCH %s) "
            f"AS search_match {join}"
        )
        return Match(
            tables=f"(SELECT rowid AS id, {ranked} AS rank FROM {fts} "
            f"WHERE {fts} MATCH %s) AS search_match {join}",
            unranked=unranked,
            tables_params=[fts5_match(query)],
            condition=f"{DOCUMENTS}.{audience}",
            condition_params=[],
            rank="search_match.rank",
            # An FTS5 column filter: the same words, in column a alone.
            titled=unranked,
            titled_params=["{a} : (" + fts5_match(query) + ")"],
            titled_condition=f"{DOCUMENTS}.{audience}",
            # Pushed into the FTS5 scan. A rowid range: FTS5 stops at the last
            # candidate. Not a rowid lookup per candidate (`+` keeps the IN out
            # of FTS5's hands): each lookup starts the query again, about 3 ms
            # at 100,000 recognitions. bm25 is computed for the candidates alone.
            among="search_match.id <= (SELECT MAX(id) FROM {candidates}) "
            "AND +search_match.id IN (SELECT id FROM {candidates})",
            ranks_in_scan=True,
        )

    @contextmanager
    def bulk_load(self) -> Iterator[Callable[[list[int]], None]]:
        """Inside a transaction: documents written in the block do not reach the
        FTS5 tables through the insert trigger; the function given fills them with
        the documents of these ids, one INSERT ... SELECT per audience. The trigger
        is dropped and created again (from its own SQL) inside the transaction: if
        anything fails, the rollback brings it back."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [FTS_INSERT_TRIGGER],
            )
            (trigger,) = cursor.fetchone()
            cursor.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")

            def fill(ids: list[int]) -> None:
                if not ids:
                    return
                documents = ", ".join(str(int(pk)) for pk in ids)
                for audience in ("public", "exhibition"):
                    cursor.execute(
                        f"INSERT INTO {FTS_TABLE.format(audience=audience)}"
                        "(rowid, a, b, c) "
                        + FTS_ROWS.format(audience=audience, documents=documents)
                    )

            yield fill
            cursor.execute(trigger)

    def size(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE %s",
                ["archive_search%"],
            )
            return int(cursor.fetchone()[0])


#: A document's lexemes of weight A (its names and titles): the expression the
#: partial GIN indexes of migration 0025 index, written exactly as they do.
TITLED_VECTOR = f"ts_filter({DOCUMENTS}.vector, '{{a}}')"

#: What keeps PostgreSQL's planner from merging a subquery into its statement.
FENCE = " OFFSET 0"


def tsquery_sql(readings: list[str]) -> str:
    """A subquery giving one `query` row: the OR of the distinct, non-empty
    readings (SQL tsquery expressions), in their order.

    Made once per statement (fenced): merged into the statement (unaccent is only
    STABLE, so the planner cannot fold it to a constant), the query was made again
    for every document tested and twice more for every rank, and the GIN index
    could not be used. Readings that agree (most words stem alike in several
    languages, and a word no language stems reads as itself) appear once:
    ts_rank_cd gathers equal lexemes of a query together, so its ranks are the
    same, but it costs in proportion to the query's size. Empty readings (a
    language's stop words) are left out, as `||` leaves them out; the 'simple'
    reading is never empty."""
    values = ", ".join(f"({n}, {reading})" for n, reading in enumerate(readings))
    return (
        "SELECT string_agg('(' || part || ')', ' | ' ORDER BY first)::tsquery "
        "AS query FROM (SELECT reading::text AS part, MIN(n) AS first "
        f"FROM (VALUES {values}) AS readings(n, reading) "
        "WHERE numnode(reading) > 0 GROUP BY reading::text) AS parts" + FENCE
    )


class PostgresBackend:
    name = "postgresql"

    def readings(self, query: Query) -> tuple[list[str], list]:
        """The query read by each configuration (SQL tsquery expressions), and
        their parameters: the prefix query on the unstemmed ('simple') lexemes,
        then the same words stemmed in each content language
        (websearch_to_tsquery never raises)."""
        readings = ["to_tsquery('simple', unaccent(%s))"]
        params: list = [tsquery_text(query)]
        words = websearch_text(query)
        for lang in kinds.language_codes():
            readings.append(
                "websearch_to_tsquery(archive_search_config(%s), unaccent(%s))"
            )
            params.extend([lang, words])
        return readings, params

    def match(self, query: Query, audience: str) -> Match:
        readings, params = self.readings(query)
        a, b, c = WEIGHTS
        tables = f"{DOCUMENTS}, ({tsquery_sql(readings)}) AS search_query"
        return Match(
            tables=tables,
            unranked=tables,
            tables_params=params,
            # The flag is the predicate of the audience's partial GIN index.
            condition=f"{DOCUMENTS}.{audience_flag(audience)} "
            f"AND {DOCUMENTS}.vector @@ search_query.query",
            condition_params=[],
            rank=f"ts_rank_cd('{{0.1, {c}, {b}, {a}}}', {DOCUMENTS}.vector, "
            f"search_query.query) + {TITLE_BOOST} * ts_rank_cd('{{0, 0, 0, {a}}}', "
            f"{DOCUMENTS}.vector, search_query.query, 1)",
            # The audience's partial GIN index of the names and titles alone
            # (migration 0025) finds these without reading the documents.
            titled=tables,
            titled_params=params,
            titled_condition=f"{DOCUMENTS}.{audience_flag(audience)} "
            f"AND {TITLED_VECTOR} @@ search_query.query",
            among=f"{DOCUMENTS}.id IN (SELECT id FROM {{candidates}})",
            ranks_in_scan=False,
            fence=FENCE,
        )

    @contextmanager
    def bulk_load(self) -> Iterator[Callable[[list[int]], None]]:
        """The vectors are made by the insert trigger (nothing to fill)."""
        yield lambda ids: None

    def size(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size(%s) + "
                "pg_total_relation_size('archive_searchfacet')",
                [DOCUMENTS],
            )
            return int(cursor.fetchone()[0])


def backend() -> SqliteBackend | PostgresBackend:
    """The backend of the database in use."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")
