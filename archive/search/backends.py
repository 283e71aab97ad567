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

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from archive import kinds
from archive.search import estimates
from archive.search.documents import AUDIENCES
from archive.search.estimates import DOCUMENTS, Plan, Way
from archive.search.query import (
    LIGATURE_SPELLINGS,
    MIN_PREFIX,
    Query,
    fts5_match,
    tsquery_lexeme,
    tsquery_text,
    websearch_text,
)

#: The FTS5 table of an audience's documents: FTS_TABLE.format(audience="public").
FTS_TABLE = "archive_search_fts_{audience}"
#: Its vocabulary (an fts5vocab 'row' table, migration 0027): one row per term.
FTS_VOCABULARY = "archive_search_vocab_{audience}"
#: The prefix lengths each audience's FTS5 table indexes (migration 0029): a query
#: word of one of these lengths is read from its own index entry, as a term is, as
#: the scan goes, instead of FTS5 first merging the document lists of every term
#: it begins (at 100,000 recognitions `synth` took 166 ms that way). Longer words
#: are read as themselves when they begin no other term (`exact_words`).
FTS_PREFIXES = tuple(range(MIN_PREFIX, 7))
#: Weights of fields A, B, C (PostgreSQL lists them D, C, B, A).
WEIGHTS = (1.0, 0.4, 0.2)
#: How much a match in a record's names and titles alone adds to its rank, on top
#: of the weighted rank over all its texts: the record *of* a person or a place comes
#: before records that mention it often in long texts (in four languages).
TITLE_BOOST = 4.0
#: What a match in a record's names and titles adds to its rank: NAME_BOOST
#: times the number of terms the query requires (its groups: a word, or a phrase
#: as a whole), divided by the number of different words of the record's title
#: in all its languages (`SearchDocument.title_words`, at least 1): the shorter
#: the title, the more a match there counts, so the record whose title *is* what
#: was searched for comes first. (bm25 grows with the number of the query's
#: terms; so does this. The number of groups is part of the query's shape, which
#: the statement's text already depends on: written into the text, the boost
#: makes no more texts.) Without it, "Geulen" on the demo archive ranked the
#: person Andrée Geulen ninth on SQLite and tenth on PostgreSQL, after figures,
#: testimonies and an event whose titles name her in each of four languages, her
#: name being written once, and whose texts are shorter than her biography (both
#: engines divide by a document's whole length). A match is "in names and
#: titles" when a term of the query is there, on both engines: on SQLite bm25 of
#: column a alone is then below 0; on PostgreSQL the lexemes of weight A match
#: the query's terms joined by OR (`PostgresBackend.match`).
NAME_BOOST = 100.0


def name_boost(query: Query) -> str:
    """NAME_BOOST times the query's number of groups, as an SQL constant (a
    float: SQLite would divide integers as integers)."""
    return repr(float(NAME_BOOST * max(1, len(query.groups))))


#: The trigger that fills the audiences' FTS5 tables row by row (migration 0017).
FTS_INSERT_TRIGGER = "archive_search_fts_insert"


#: (letter, spelling) of every letter `query.LIGATURES` respells, and its capital.
FOLDED_LETTERS = tuple(
    sorted(
        {
            **LIGATURE_SPELLINGS,
            **{k.upper(): v.upper() for k, v in LIGATURE_SPELLINGS.items()},
        }.items()
    )
)


def fts5_folded(expression: str) -> str:
    """`expression` with the letters the query reader spells otherwise (ł as l,
    æ as ae: `query.LIGATURES`, in both cases) spelt so: FTS5's tokenizer removes
    accents but keeps these letters, so "Łódź" was indexed as `łodz` and searched
    for as `lodz`, and never found on SQLite. (PostgreSQL's `unaccent` spells them
    as the reader does on both sides.) Migration 0028 writes the same SQL.

    The text is read once (a subquery) and respelt only when a GLOB finds one of
    the letters: replacing each letter in every text made a full rebuild of
    100,000 recognitions take 115 s instead of 91."""
    respelt = "text"
    for letter, spelling in FOLDED_LETTERS:
        respelt = f"replace({respelt}, '{letter}', '{spelling}')"
    letters = "".join(letter for letter, _ in FOLDED_LETTERS)
    return (
        f"(SELECT CASE WHEN text GLOB '*[{letters}]*' THEN {respelt} ELSE text END "
        f"FROM (SELECT {expression} AS text))"
    )


def _fts_column(column: str, texts: str) -> str:
    return fts5_folded(
        f"COALESCE((SELECT group_concat(json_extract(value, '$.{column}'), "
        f"char(10)) FROM json_each({texts})), '')"
    )


#: An FTS5 row of each document of `{documents}` the audience may find, as that
#: trigger makes it from the document's `texts`. The same expressions as the
#: trigger's in migration 0028, which cannot import this module; the
#: rebuild-equals-incremental test (tests/search/test_index.py, with FTS5's
#: integrity-check) and tests/search/test_letters.py fail if the two ever differ.
FTS_ROWS = (
    f"SELECT id, {_fts_column('a', f'{DOCUMENTS}.texts')}, "
    f"{_fts_column('b', f'{DOCUMENTS}.texts')}, "
    f"{_fts_column('c', f'{DOCUMENTS}.texts')} "
    f"FROM {DOCUMENTS} WHERE {{audience}} AND id IN ({{documents}})"
)


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
    #: `FROM {titled} WHERE {titled_condition}` finds the audience's matches whose
    #: names and titles (field A) match too: the first tier of a bounded ranking
    #: (`archive.search.engine`). Matches only: with an exclusion, a record whose
    #: title lacks the word excluded but whose text holds it is not one (it took
    #: a place in the tier and was then dropped, leaving title matches unranked).
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
    #: A condition on `tables` testing a document already found (a candidate
    #: looked up by key) without reading an index; `condition` when empty.
    test: str = ""
    #: When not empty: `condition` on the table's first pages alone, read in table
    #: order without an index. The first matches are those it finds when it finds
    #: enough, else those `condition` finds (`engine.first_matches`).
    probe: str = ""
    #: The same for `titled_condition`.
    titled_probe: str = ""
    #: `titled_condition` testing a match already found, without an index.
    titled_test: str = ""
    #: When more than 0: the names-and-titles tier is looked for among this many of
    #: the first matches before anything else is read (`estimates.among_matches`).
    titled_among: int = 0

    @property
    def tested(self) -> str:
        return self.test or self.condition


def audience_flag(audience: str) -> str:
    """The document column saying whether this audience may find the record."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}.")
    return audience


class SqliteBackend:
    name = "sqlite"

    def match(
        self,
        query: Query,
        audience: str,
        limit: int | None = None,
        titled_limit: int | None = None,
    ) -> Match:
        a, b, c = WEIGHTS
        fts = FTS_TABLE.format(audience=audience_flag(audience))
        matched = fts5_match(query, self.exact_words(query, audience))
        # The same words in column a alone; with an exclusion, in the whole
        # document too (without one, words in column a are in the document).
        titled = "{a} : (" + matched + ")"
        if query.excluded:
            titled = f"{titled} AND ({matched})"
        # bm25() may only be called in the query that scans the FTS table, so the
        # match and its rank are a subquery joined to the documents; bm25 is
        # lower for better matches, hence its negation.
        ranked = f"-bm25({fts}, {a}, {b}, {c}) - {TITLE_BOOST} * bm25({fts}, {a}, 0, 0)"
        # bm25 of column a alone is 0 without a match there, below 0 with one
        # (FTS5 keeps each word's idf above 0).
        boost = (
            f"CASE WHEN bm25({fts}, 1, 0, 0) < 0 THEN {name_boost(query)} ELSE 0 END"
        )
        join = f"JOIN {DOCUMENTS} ON {DOCUMENTS}.id = search_match.id"
        unranked = (
            f"(SELECT rowid AS id FROM {fts} WHERE {fts} MATCH %s) "
            f"AS search_match {join}"
        )
        return Match(
            tables=f"(SELECT rowid AS id, {ranked} AS rank, {boost} AS boost "
            f"FROM {fts} WHERE {fts} MATCH %s) AS search_match {join}",
            unranked=unranked,
            tables_params=[matched],
            condition=f"{DOCUMENTS}.{audience}",
            condition_params=[],
            rank=f"search_match.rank + search_match.boost / "
            f"MAX({DOCUMENTS}.title_words, 1)",
            titled=unranked,
            titled_params=[titled],
            titled_condition=f"{DOCUMENTS}.{audience}",
            # Pushed into the FTS5 scan. A rowid range: FTS5 starts at the first
            # candidate and stops at the last (from the first match, `"load
            # tests"` read 380,000 phrase matches to reach 3 titles at the end:
            # 60 ms). Not a rowid lookup per candidate (`+` keeps the IN out of
            # FTS5's hands): each lookup starts the query again, about 3 ms at
            # 100,000 recognitions. bm25 is computed for the candidates alone.
            among="search_match.id >= (SELECT MIN(id) FROM {candidates}) "
            "AND search_match.id <= (SELECT MAX(id) FROM {candidates}) "
            "AND +search_match.id IN (SELECT id FROM {candidates})",
            ranks_in_scan=True,
        )

    def exact_words(self, query: Query, audience: str) -> frozenset[str]:
        """The query's prefix words that are terms of the audience's index and
        begin no other: read as that term, they find the same documents with the
        same bm25, without FTS5 first gathering the document lists of every term
        the prefix begins (about 12 ms for a word in 380,000 documents, in each
        scan). One statement, in the audience's own index and vocabulary
        (migration 0027): words found only in what it may not find change nothing.

        Each word is first looked for as a term of its own (FTS5 reads a term's
        documents lazily: the first is found at once); only then is the
        vocabulary asked for the next term after it, which must not begin with it.
        The vocabulary counts the documents of every term it lists, so it is never
        asked for the word itself (a common word's count costs what the prefix
        read costs; it is asked from just after it) nor for a word that is no
        term (`resc`: its next term, `rescue`, is common)."""
        # ASCII words alone: FTS5's tokenizer leaves them as they are, so the
        # vocabulary's order is theirs (a letter it folded and `query.plain` did
        # not would put the word's terms elsewhere in it).
        words = sorted(
            {
                term.words[0]
                for terms in [*query.groups, query.excluded]
                for term in terms
                if term.is_prefix and term.words[0].isascii()
            }
        )
        if not words:
            return frozenset()
        flag = audience_flag(audience)
        fts = FTS_TABLE.format(audience=flag)
        vocabulary = FTS_VOCABULARY.format(audience=flag)
        # NULL: not a term; '': a term, beginning no other; else the other term.
        # The vocabulary takes `term > word` as `term >= word` (SQLite tests the
        # rest), and so counted the word's own documents: 25 ms for `synthetic`
        # at 100,000 recognitions. It starts after the word instead: no FTS5 term
        # holds a NUL byte, so nothing lies between `word` and `word` + 0x01.
        columns = ", ".join(
            f"CASE WHEN EXISTS (SELECT 1 FROM {fts} WHERE {fts} MATCH %s) "
            f"THEN COALESCE((SELECT term FROM {vocabulary} WHERE term >= %s "
            "AND term < %s LIMIT 1), '') END"
            for _ in words
        )
        params = [
            value
            for word in words
            for value in (f'"{word}"', word + "\x01", word + "\U0010ffff")
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}", params)
            found = cursor.fetchone()
        return frozenset(
            word for word, other in zip(words, found, strict=True) if other == ""
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
                for audience in AUDIENCES:
                    cursor.execute(
                        f"INSERT INTO {FTS_TABLE.format(audience=audience)}"
                        "(rowid, a, b, c) "
                        + FTS_ROWS.format(audience=audience, documents=documents)
                    )

            yield fill
            cursor.execute(trigger)

    def reclaim(self) -> None:
        """Nothing to do: SQLite reuses a deleted row's pages by itself."""

    def analyse(self) -> None:
        """Merge each audience's FTS5 segments into one ('optimize'): bm25 needs no
        statistics gathered, but a table filled in one large statement (migration
        0028) is left in many segments, which every query reads: at 100,000
        recognitions `synth` took 363 ms against 168 after merging (2.3 s)."""
        with connection.cursor() as cursor:
            for audience in AUDIENCES:
                fts = FTS_TABLE.format(audience=audience)
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")

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


def tsquery_sql(
    readings: list[str],
    drivers: dict[str, list[str]] | None = None,
    excluded: list[str] | None = None,
) -> str:
    """A subquery giving one row: `query`, the OR of the distinct, non-empty
    readings (SQL tsquery expressions), in their order; and for each name of
    `drivers`, a column of that name: the OR of a word's readings, one per reading
    of the query in the same order (`PostgresBackend.word_pairs`), each
    replaced by the query's own reading where the word's is empty (a stop word in
    that language: the query's reading does not require it there).

    Made once per statement (fenced): merged into the statement (unaccent is only
    STABLE, so the planner cannot fold it to a constant), the query was made again
    for every document tested and twice more for every rank, and the GIN index
    could not be used. Readings that agree (most words stem alike in several
    languages, and a word no language stems reads as itself) appear once:
    ts_rank_cd gathers equal lexemes of a query together, so its ranks are the
    same, but it costs in proportion to the query's size; for the same reason a
    language's reading that only repeats the unstemmed one without its prefixes
    is left out (`_not_implied`). Empty readings (a language's stop words) are
    left out, as `||` leaves them out; the 'simple' reading is never empty.

    `excluded`: the readings of the words the query excludes (`-word`), in every
    configuration; `query` is then the OR of the readings, AND NOT the OR of
    these: a document holding an excluded word in any reading is not a match,
    as on SQLite. (Each reading used to carry its own exclusions, so a record
    whose vector lacked the French stem of the word excluded matched the French
    reading: "geulen -herscovici" found the person Geulen-Herscovici on
    PostgreSQL, not on SQLite.)"""
    drivers = drivers or {}
    rows = ", ".join(
        f"({n}, {reading}" + "".join(f", {word[n]}" for word in drivers.values()) + ")"
        for n, reading in enumerate(readings)
    )
    names = "".join(f", {name}" for name in drivers)
    kept = "".join(
        f", CASE WHEN numnode({name}) > 0 THEN {name} ELSE reading END AS {name}"
        for name in drivers
    )

    if not drivers:
        given = _distinct_readings(rows, implied=True)
    else:
        columns = "".join(f", {_or_of(name)} AS {name}" for name in drivers)
        given = (
            f"WITH readings AS (SELECT n, reading{kept} FROM (VALUES {rows}) "
            f"AS given(n, reading{names})) "
            f"SELECT {_or_of('reading')} AS query{columns}"
        )
    if not excluded:
        return given + FENCE
    excluded_rows = ", ".join(f"({n}, {sql})" for n, sql in enumerate(excluded))
    passed = "".join(f", given.{name}" for name in drivers)
    return (
        "SELECT CASE WHEN excluded.query IS NULL THEN given.query "
        f"ELSE given.query && !!excluded.query END AS query{passed} "
        f"FROM ({given}) AS given, ({_distinct_readings(excluded_rows)}) AS excluded"
        + FENCE
    )


def _distinct_readings(rows: str, implied: bool = False) -> str:
    """A subquery giving `query`: the OR of the distinct, non-empty readings of
    the `(n, reading)` rows (`_or_of`)."""
    return (
        f"WITH readings(n, reading) AS (VALUES {rows}) "
        f"SELECT {_or_of('reading', implied)} AS query"
    )


def _or_of(column: str, implied: bool = True) -> str:
    """The OR of the distinct values of `column` in the CTE `readings` (`n`,
    `reading`, ...) whose `reading` is not empty, in the order of their first
    `n`; with `implied`, without those that imply row 0's (`_not_implied`)."""
    first = f"(SELECT {column}::text FROM readings WHERE n = 0)"
    kept = f" AND {_not_implied(f'{column}::text', first)}" if implied else ""
    return (
        "(SELECT string_agg('(' || part || ')', ' | ' ORDER BY first)::tsquery "
        f"FROM (SELECT {column}::text AS part, MIN(n) AS first FROM readings "
        f"WHERE numnode(reading) > 0{kept} GROUP BY {column}::text) AS parts)"
    )


def _not_implied(reading: str, first: str) -> str:
    """The condition keeping a reading (`reading`, its text) unless it is not the
    first (row 0, the unstemmed prefix reading; `first`, its text) and is the
    first with every prefix made exact: a language that leaves every word as it
    is ('synthetic testimony' in French, Dutch and German) matches only where
    the first, `'synthetic':* & 'testimony':*`, matches, at the same positions.
    Left out, it changes neither what is found nor any rank (the covers of
    ts_rank_cd are the same positions, the query true in the same spans), but
    ranks cost in proportion to the query's size: each rank of a testimony took
    15.5 µs with all three distinct readings of that query and 8.2 µs without
    this one (2,000 testimonies at 100,000 recognitions). Lexemes hold letters
    and digits only (`tsquery_lexeme`), never ':*'; a first reading with a NOT
    (`!`) is never taken as implied by: it holds no exclusion today
    (`excluded_pairs`), and a NOT of a prefix would not be implied."""
    return (
        f"(n = 0 OR position('!' in {first}) > 0 "
        f"OR {reading} <> replace({first}, ':*', ''))"
    )


#: A text search configuration's name, as PostgreSQL prints a regconfig.
CONFIG_NAME = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?")
_configs: dict[tuple, dict[str, str]] = {}


def search_configs() -> dict[str, str]:
    """Each content language's text search configuration as an SQL constant
    (`'english'::regconfig`), in `kinds.language_codes()` order: the
    configuration the index's own function gives the language
    (`archive_search_config`, migration 0007, the one place the stemmers are
    named), asked once per database and process.

    A query reads the function's answer as a constant, not the function: in a
    prepared statement PostgreSQL runs the function at every execution (it is
    not inlined, its cast to regconfig being only STABLE), 37 µs a call, four
    calls each time a statement reads the query: the statement of a search for
    a family name at 5,000 recognitions took 2.79 ms instead of 1.72. A change to
    `archive_search_config` or to the content languages (both come with a new
    release) takes effect when the processes restart."""
    settings = connection.settings_dict
    name = (settings["HOST"], settings["PORT"], settings["NAME"])
    found = _configs.get(name)
    if found is None:
        codes = kinds.language_codes()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT code, archive_search_config(code)::text "
                "FROM unnest(%s::text[]) AS codes(code)",
                [list(codes)],
            )
            names = dict(cursor.fetchall())
        for config in names.values():
            if not CONFIG_NAME.fullmatch(config):
                raise ValueError(f"Unexpected text search configuration {config!r}.")
        found = {code: f"'{names[code]}'::regconfig" for code in codes}
        _configs[name] = found
    return found


class PostgresBackend:
    name = "postgresql"

    def readings(self, query: Query) -> tuple[list[str], list]:
        """The query read by each configuration (SQL tsquery expressions), and
        their parameters, in order (`reading_pairs`)."""
        pairs = self.reading_pairs(query)
        return [sql for sql, _ in pairs], [
            value for _, given in pairs for value in given
        ]

    def reading_pairs(self, query: Query) -> list[tuple[str, list]]:
        """Each configuration's reading of the words the query requires (an SQL
        tsquery expression) with its parameters: the prefix query on the
        unstemmed ('simple') lexemes, then the same words stemmed in each content
        language. The words it excludes are read apart (`excluded_pairs`).

        A language's reading is made group by group and joined with `&&`:
        websearch_to_tsquery has no parentheses and binds AND tighter than OR,
        so "lantern OR convoy raid" read whole would find "lantern" alone.
        (websearch_to_tsquery never raises; a group of stop words reads as an
        empty query, which `&&` leaves out, as websearch_to_tsquery leaves out
        stop words.)"""
        required = Query(groups=query.groups)
        pairs = [("to_tsquery('simple', unaccent(%s))", [tsquery_text(required)])]
        stemmed = "websearch_to_tsquery({config}, unaccent(%s))"
        parts = [(stemmed, websearch_text(Query(groups=[g]))) for g in query.groups]
        for config in search_configs().values():
            sql = " && ".join(part.format(config=config) for part, _ in parts)
            pairs.append(
                (f"({sql})" if len(parts) > 1 else sql, [text for _, text in parts])
            )
        return pairs

    def excluded_pairs(self, query: Query) -> list[tuple[str, list]]:
        """Every reading of every word or phrase the query excludes, each read as
        `reading_pairs` reads a required one (the prefix query on the unstemmed
        lexemes, then each language's stems): a document holding any of them
        is not a match (`tsquery_sql`). A phrase is read unstemmed only, as
        SQLite reads it: a language's reading leaves out its stop words, and
        `-"the camp"` would have left out every record holding "camp"."""
        pairs = []
        for term in query.excluded:
            if term.is_phrase:
                phrase = tsquery_text(Query(groups=[[term]]))
                pairs.append(("to_tsquery('simple', unaccent(%s))", [phrase]))
            else:
                pairs.extend(self.word_pairs(term.words[0], term.is_prefix))
        return pairs

    def word_pairs(self, word: str, prefix: bool) -> list[tuple[str, list]]:
        """One word read by each configuration, as `reading_pairs` reads a query
        (exactly, or as a prefix on the unstemmed lexemes)."""
        simple = tsquery_lexeme(word, prefix=prefix)
        pairs = [("to_tsquery('simple', unaccent(%s))", [simple])]
        pairs.extend(
            (f"websearch_to_tsquery({config}, unaccent(%s))", [word])
            for config in search_configs().values()
        )
        return pairs

    def match(
        self,
        query: Query,
        audience: str,
        limit: int | None = None,
        titled_limit: int | None = None,
    ) -> Match:
        """`limit`, `titled_limit`: how many of the first matches, and of the first
        names-and-titles matches, the statement reads (None: all of them, in no
        particular order). With a limit, the way they are read is chosen from
        estimates (`archive.search.estimates`)."""
        flag = audience_flag(audience)
        pairs = self.reading_pairs(query)
        readings = [sql for sql, _ in pairs]
        params = [value for _, given in pairs for value in given]
        a, b, c = WEIGHTS
        plans = {"driver": estimates.INDEX, "titled_driver": estimates.INDEX}
        if limit is not None:
            plans["driver"] = estimates.plan(
                query, limit, estimates.vector_column(flag)
            )
        if titled_limit is not None:
            plans["titled_driver"] = estimates.plan(
                query,
                titled_limit,
                estimates.titled_column(flag),
                row_us=estimates.TITLED_ROW_US,
            )
        among = 0
        if limit is not None and titled_limit is not None:
            among = estimates.among_matches(
                query, titled_limit, flag, plans["titled_driver"]
            )
        drivers = {
            name: self.word_pairs(plan.word, plan.driver.is_prefix)
            for name, plan in plans.items()
            if plan.way is Way.DRIVEN
        }
        positive = query.positive_terms()
        if len(positive) > 1:
            # Any term of the query in the names and titles earns NAME_BOOST
            # (as on SQLite), not only all of them: "reynders abbaye" finds
            # Henri Reynders' own records first, whose titles hold one.
            drivers["any_word"] = self.reading_pairs(Query(groups=[positive]))
        if drivers:
            # In the order of tsquery_sql's rows: a reading's, then its words'.
            params = [
                value
                for n, (_sql, given) in enumerate(pairs)
                for values in [given, *(word[n][1] for word in drivers.values())]
                for value in values
            ]
        excluded = self.excluded_pairs(query)
        params.extend(value for _, given in excluded for value in given)
        named = "any_word" if "any_word" in drivers else "query"
        driven = {name: [sql for sql, _ in word] for name, word in drivers.items()}
        # With an exclusion, a names-and-titles match must be a match too: its
        # title may lack the word excluded where its text holds it.
        vector = f"{DOCUMENTS}.vector"
        whole = f" AND {_matches(vector)}" if query.excluded else ""
        exclusions = [sql for sql, _ in excluded]
        tables = (
            f"{DOCUMENTS}, ({tsquery_sql(readings, driven, exclusions)}) "
            "AS search_query"
        )
        return Match(
            tables=tables,
            unranked=tables,
            tables_params=params,
            # The flag is the predicate of the audience's partial GIN index.
            condition=_finding(flag, vector, plans["driver"], "driver"),
            condition_params=[],
            # A match in names and titles is tested on the lexemes the
            # names-and-titles tier reads (`TITLED_VECTOR`): per 1,000 documents
            # ranked, 0.8 ms more than without NAME_BOOST, where a scalar
            # subquery computing the title rank once for both terms took 1.9 ms
            # more, and a third ts_rank_cd 1.8 ms more ("synthetic" at 100,000
            # recognitions).
            rank=f"ts_rank_cd('{{0.1, {c}, {b}, {a}}}', {DOCUMENTS}.vector, "
            f"search_query.query) + {TITLE_BOOST} * ts_rank_cd('{{0, 0, 0, {a}}}', "
            f"{DOCUMENTS}.vector, search_query.query, 1) + CASE WHEN "
            f"{TITLED_VECTOR} @@ search_query.{named} THEN "
            f"{name_boost(query)}::float8 / GREATEST({DOCUMENTS}.title_words, 1) "
            "ELSE 0 END",
            # The audience's partial GIN index of the names and titles alone
            # (migration 0025) finds these without reading the documents.
            titled=tables,
            titled_params=params,
            titled_condition=_finding(
                flag, TITLED_VECTOR, plans["titled_driver"], "titled_driver"
            )
            + whole,
            among=f"{DOCUMENTS}.id IN (SELECT id FROM {{candidates}})",
            ranks_in_scan=False,
            fence=FENCE,
            # A candidate is looked up by key and tested, never read from an index.
            test=_tested(flag, vector),
            probe=_probe(flag, vector, plans["driver"]),
            titled_probe=_probe(flag, TITLED_VECTOR, plans["titled_driver"], whole),
            # Tested among the first matches only (`titled_among`): no `whole`.
            titled_test=_tested(flag, TITLED_VECTOR),
            titled_among=among,
        )

    @contextmanager
    def bulk_load(self) -> Iterator[Callable[[list[int]], None]]:
        """The vectors are made by the insert trigger (nothing to fill)."""
        yield lambda ids: None

    def reclaim(self) -> None:
        """Make the space of documents just deleted reusable by the documents a
        rebuild writes next, outside a transaction (the command, not a test).

        PostgreSQL reuses a deleted row's space only once VACUUM has seen it:
        without this, a rebuild wrote every document after the table's end and
        the next one over the space the first had left. At 100,000 recognitions
        one rebuild of a compact table (350 MB) left 684 MB, its recognitions
        spread from page 4 to page 58,558 instead of filling the first 14,619
        pages, where `estimates`' probes look first: `bench_search`'s p95 went
        to 140 ms. With this (0.2 s a kind), 342 MB in the same order, p95 79 ms.
        Index entries are left for the rebuild's closing VACUUM (`analyse`):
        reading every GIN index after each kind would cost more."""
        if _outside_transaction():
            with connection.cursor() as cursor:
                # SKIP_LOCKED: reclaiming space is an optimisation, not worth
                # waiting for (another VACUUM, an index being built).
                cursor.execute(
                    "VACUUM (INDEX_CLEANUP OFF, SKIP_LOCKED) "
                    f"{DOCUMENTS}, archive_searchfacet"
                )

    def analyse(self) -> None:
        """Gather the statistics searches are planned from (`estimates`; ANALYZE
        of the table covers its expression indexes), and read them again.

        Outside a transaction (the command, not a test), VACUUM first: a rebuild
        deletes every document and writes it again, leaving a dead copy of the
        table and of its GIN indexes until autovacuum reclaims them (never, on a
        server with autovacuum off). At 100,000 recognitions after two rebuilds
        the p95 of `bench_search` was 922 ms instead of about 50; VACUUM took 7 s
        and lets searches and saves go on (VACUUM FULL would block both)."""
        with connection.cursor() as cursor:
            if _outside_transaction():
                if connection.pg_version >= 150000:
                    # This connection's counts of the rows the rebuild deleted
                    # reach the statistics at most once a second: sent after
                    # VACUUM's, they would show its rows as dead still (and
                    # call autovacuum for nothing). Sent now, VACUUM's are last.
                    cursor.execute("SELECT pg_stat_force_next_flush()")
                cursor.execute(f"VACUUM (ANALYZE) {DOCUMENTS}, archive_searchfacet")
            else:
                cursor.execute(f"ANALYZE {DOCUMENTS}")
        estimates.forget()

    def size(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size(%s) + "
                "pg_total_relation_size('archive_searchfacet')",
                [DOCUMENTS],
            )
            return int(cursor.fetchone()[0])


def _outside_transaction() -> bool:
    """Whether VACUUM may run: PostgreSQL refuses it inside a transaction block
    (a test's, an atomic block around a rebuild)."""
    return connection.get_autocommit() and not connection.in_atomic_block


def _matches(vector: str) -> str:
    """`vector` matches the query, tested document by document (ts_match_vq is
    what `@@` calls, written as a function: no index is used)."""
    return f"ts_match_vq({vector}, search_query.query)"


def _tested(flag: str, vector: str) -> str:
    """The audience's documents whose `vector` matches, tested one by one."""
    return f"{DOCUMENTS}.{flag} AND {_matches(vector)}"


def _finding(flag: str, vector: str, plan: Plan, driver: str) -> str:
    """The condition finding the audience's documents whose `vector` matches, in
    the way `plan` says: from the GIN index with the whole query, or from the
    index with the driving word (`search_query.{driver}`), each document found
    tested against the whole query."""
    if plan.way is Way.DRIVEN:
        return (
            f"{DOCUMENTS}.{flag} AND {vector} @@ search_query.{driver} "
            f"AND {_matches(vector)}"
        )
    return f"{DOCUMENTS}.{flag} AND {vector} @@ search_query.query"


def _probe(flag: str, vector: str, plan: Plan, extra: str = "") -> str:
    """The plan's probe: the documents of the table's first pages that match
    (a TID range scan: it reads the table in order from its first page) and
    meet `extra` (`AND ...`), or ''."""
    if not plan.probe_pages:
        return ""
    return (
        f"{DOCUMENTS}.ctid < '({int(plan.probe_pages)},0)'::tid AND "
        + _tested(flag, vector)
        + extra
    )


def backend() -> SqliteBackend | PostgresBackend:
    """The backend of the database in use."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")
