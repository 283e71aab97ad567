"""Finding, ranking and counting hits: a statement for a page of hits (with their
total; on PostgreSQL with the facets too) and, on SQLite, one for the facets,
each reading only the requester's documents.

Every search document says which audiences may find its record (`public`,
`exhibition`: the one rule, `visible_to()`, applied when it was indexed; see
`archive.search.index`), and the engine's index is per audience (an FTS5 table, a
partial GIN index). The statement that finds and ranks hits therefore reads only
what the requester may find: a hidden record never changes a hit list, a rank, a
count, a facet, or much of the time an answer takes (tests/search/test_visibility.py).

Costs are bounded whatever the number of matches, the way Elasticsearch and
Meilisearch bound theirs (ranking every match costs in proportion to the matches:
a word in every record of a large archive took seconds; docs/search.md):

- the total is counted up to `COUNT_LIMIT`; beyond, it is `COUNT_LIMIT` and the
  answer says it is a lower bound (`SearchResult.total_exact`);
- every match is ranked when there are at most `RANK_WINDOW`; beyond, the
  candidates ranked are the first `RANK_WINDOW` matches whose names or titles
  match (the record *of* a person or a place, which ranking puts first anyway) and
  the first `RANK_WINDOW` matches; the answer says so
  (`SearchResult.ranking_exact`) and pages end with the candidates. Words or
  filters that narrow the matches to `RANK_WINDOW` or fewer rank them all;
- facets are counted exactly up to `FACET_EXACT` matches; beyond, from an even
  sample of the counted matches, scaled, and the answer says they are
  approximate (`SearchResult.facets_approximate`);
- the page's rows alone are read in full; snippets are made for the page only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Q
from django.utils.safestring import SafeString

from archive import kinds
from archive import models as m
from archive.api.context import Audience
from archive.search.backends import DOCUMENTS, Match, audience_flag, backend
from archive.search.facets import (
    Facet,
    counts_statement,
    facets_for,
    facets_from_rows,
    filter_condition,
    record_columns,
    sample_step,
    sample_step_sql,
    sampled,
)
from archive.search.query import SearchError, SearchRequest, parse
from archive.search.snippets import snippet
from archive.statements import run_statement

#: The deepest a visitor may page (offsets beyond cost more than they are worth).
MAX_OFFSET = 10_000
#: Matches are counted up to this many; beyond, the total says "this many or more".
COUNT_LIMIT = 10_000
#: Every match is ranked when there are at most this many; beyond, the candidates
#: ranked are this many documents whose names or titles match and as many others.
RANK_WINDOW = 500
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Hit:
    kind: str
    pk: int
    uuid: UUID
    slug: str
    #: The title in the requested language (falling back to the default one).
    title: str
    #: The language `title` is in.
    title_lang: str
    #: The title in every language (empty strings where untranslated).
    titles: dict[str, str]
    #: A passage with the matched words in <mark>; everything else escaped.
    snippet: SafeString
    rank: float


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: list[Facet]
    page: int
    page_size: int
    #: True when the facet counts are estimates (more than `facets.FACET_EXACT`
    #: matches: counted on an even sample of them, scaled).
    facets_approximate: bool = False
    #: False when more than `COUNT_LIMIT` records match: `total` is then
    #: `COUNT_LIMIT`, and more match ("More than 10,000 results" on the site).
    total_exact: bool = True
    #: False when more than `RANK_WINDOW` records match: the hits are then the best
    #: among the candidates ranked (see the module), and pages end with them.
    ranking_exact: bool = True
    #: How many matches were ranked (the hits pages can reach).
    ranked: int = 0

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < min(self.total, self.ranked, MAX_OFFSET)


def check(request: SearchRequest) -> tuple[str, ...]:
    """The kinds searched; a SearchError for anything out of bounds."""
    unknown = [kind for kind in request.kinds if kind not in kinds.BY_NAME]
    if unknown:
        raise SearchError("type", "Unknown record type.")
    if request.lang is not None and request.lang not in kinds.language_codes():
        raise SearchError("lang", "Unknown language.")
    if not 1 <= request.page_size <= MAX_PAGE_SIZE:
        raise SearchError("page_size", "Page size out of bounds.")
    if request.page < 1 or (request.page - 1) * request.page_size >= MAX_OFFSET:
        raise SearchError("page", "Page out of bounds.")
    if "\x00" in request.q:
        raise SearchError("q", "NUL characters are not allowed.")
    return tuple(
        kind.name
        for kind in kinds.KINDS
        if not request.kinds or kind.name in request.kinds
    )


def where_sql(condition: Q) -> tuple[str, list]:
    """An ORM condition on SearchDocument as SQL naming the table in full."""
    queryset = m.SearchDocument.objects.filter(condition)
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.compile(queryset.query.where)
    return sql, list(params)


def conditions(request: SearchRequest, searched: tuple[str, ...]) -> tuple[str, list]:
    """The request's kinds and facet filters, as SQL on the documents."""
    condition = Q()
    if len(searched) < len(kinds.KINDS):
        condition &= Q(kind__in=searched)
    if request.filters:
        condition &= filter_condition(request.audience, request.filters)
    if not condition:
        return "", []
    sql, params = where_sql(condition)
    return f" AND {sql}", params


@dataclass(frozen=True)
class Listing:
    """A browse list's share of the engine (no words searched)."""

    #: SQL selecting the ids of the visible records having every filter's value.
    ids: tuple[str, list]
    #: Facets counted over those records (narrowed by `within` too).
    facets: list[Facet]


def listing(request: SearchRequest, within: Q | None = None) -> Listing:
    """The visible records of `request.kinds` having every filter, and their
    facets, for a list that searches no words (the site's browse lists).

    Visibility is the document's flag for the requester's audience, the same
    one the search reads. `within` narrows the facet counts further by a
    condition on SearchDocument (a filter the list applies itself, such as an
    event's kind). Counts are exact; a hidden record never changes one."""
    searched = check(request)
    where, params = conditions(request, searched)
    where = f"{DOCUMENTS}.{audience_flag(request.audience.key)}{where}"
    ids = (f"SELECT {DOCUMENTS}.object_id FROM {DOCUMENTS} WHERE {where}", params)
    if within is not None:
        extra, extra_params = where_sql(within)
        where, params = f"{where} AND {extra}", [*params, *extra_params]
    facets, _approximate = facets_for(
        request, (f"FROM {DOCUMENTS} WHERE {where}", params), exact=True
    )
    return Listing(ids, facets)


def search(request: SearchRequest) -> SearchResult:
    """Ranked hits, their total and the facets, for one page.

    One statement finds the page and the total. Its cost is bounded whatever the
    number of matches: it counts at most `COUNT_LIMIT` + 1 of them, and ranks at
    most two tiers of `RANK_WINDOW` candidates (every match when there are no more
    than `RANK_WINDOW`; see the module's docstring)."""
    searched = check(request)
    query = parse(request.q)
    if not query:
        return SearchResult(0, [], [], request.page, request.page_size)
    match = backend().match(
        query, request.audience.key, limit=COUNT_LIMIT + 1, titled_limit=RANK_WINDOW
    )
    filters, where_params = conditions(request, searched)
    titled_where = f"{match.titled_condition}{filters}"
    tested = f"{match.tested}{filters}"
    where = f"{match.condition}{filters}"
    parts = Parts(
        match=match,
        where=where,
        tested=tested,
        where_params=[*match.condition_params, *where_params],
        # The matches' ids (completed by a LIMIT, or a condition and a LIMIT).
        found=f"SELECT {DOCUMENTS}.id FROM {match.unranked} WHERE {where}",
        found_params=[*match.tables_params, *match.condition_params, *where_params],
        titled_where=titled_where,
        titled_params=[*match.titled_params, *where_params],
        filters=(filters, where_params),
        first=first_matches(
            match, filters=(filters, where_params), limit=COUNT_LIMIT + 1
        ),
        request=request,
    )
    offset = (request.page - 1) * request.page_size
    shape = _ranked_in_scan if match.ranks_in_scan else _ranked_by_lookup
    statement = shape(parts)
    # The candidates' (id, rank) pairs are sorted, then the page's rows alone are
    # read in full.
    sql = (
        f"WITH {statement.ctes} "
        "SELECT d.kind, d.object_id, d.uuid, d.slug, d.title, d.texts, "
        f"page.search_rank, page.ranked, {statement.total}, CASE WHEN ROW_NUMBER() "
        "OVER (ORDER BY page.search_rank DESC, page.id) = 1 THEN "
        f"{statement.facets} END FROM ("
        "SELECT ranked.id, ranked.search_rank, COUNT(*) OVER () AS ranked "
        f"FROM ({statement.ranked}) AS ranked "
        "ORDER BY ranked.search_rank DESC, ranked.id LIMIT %s OFFSET %s) AS page "
        f"JOIN {DOCUMENTS} AS d ON d.id = page.id "
        "ORDER BY page.search_rank DESC, page.id"
    )
    params = [
        *statement.ctes_params,
        *statement.facets_params,
        *statement.ranked_params,
        request.page_size,
        offset,
    ]
    rows = run_statement(sql, params)
    first, first_params = parts.first
    if rows:
        matches, ranked = int(rows[0][8]), int(rows[0][7])
    else:
        matches = count(parts.first) if offset else 0
        ranked = min(matches, RANK_WINDOW)
    lang = request.lang or kinds.language_codes()[0]
    words = query.positive_words()
    hits = [hit(row, lang, words) for row in rows]
    facets, approximate = [], False
    if request.facets and matches:
        # Counted among the matches the total counts (all of them, up to the
        # limit), so the facets describe the same matches as `total`; beyond the
        # limit they are of the first matches only, so not exact either. The
        # search statement may have counted them already (`Statement.facets`).
        if rows and rows[0][9] is not None:
            step = sample_step(min(matches, COUNT_LIMIT))
            facets = facets_from_rows(request, _json(rows[0][9]), step)
            approximate = step > 1
        else:
            body = (
                f"FROM (SELECT id FROM ({first}) AS first LIMIT {COUNT_LIMIT}) "
                f"AS {DOCUMENTS} WHERE 1 = 1",
                first_params,
            )
            facets, approximate = facets_for(
                request, body, total=min(matches, COUNT_LIMIT)
            )
        approximate = approximate or matches > COUNT_LIMIT
    return SearchResult(
        total=min(matches, COUNT_LIMIT),
        hits=hits,
        facets=facets,
        page=request.page,
        page_size=request.page_size,
        facets_approximate=approximate,
        total_exact=matches <= COUNT_LIMIT,
        ranking_exact=matches <= RANK_WINDOW,
        ranked=ranked,
    )


@dataclass(frozen=True)
class Parts:
    """What both statement shapes are made of: the backend's match, the request's
    conditions on the documents (`where`), the statement of the matches' ids
    (`found`) and the names-and-titles tier's conditions, with their parameters."""

    match: Match
    where: str
    #: `where` testing a document already found, without reading an index.
    tested: str
    where_params: list
    found: str
    found_params: list
    titled_where: str
    titled_params: list
    #: The request's conditions on the documents (`AND ...`) and their parameters.
    filters: tuple[str, list]
    #: The first COUNT_LIMIT + 1 matches' ids, and their parameters.
    first: tuple[str, list]
    #: The request (its audience and whether the answer has facets).
    request: SearchRequest


@dataclass(frozen=True)
class Statement:
    """A statement shape's parts (`_ranked_by_lookup`, `_ranked_in_scan`), each
    with its parameters, in the order the search statement holds them."""

    ctes: str
    ctes_params: list
    #: The facet counts of the matches (JSON, in the first row), or NULL.
    facets: str
    facets_params: list
    #: The (id, search_rank) rows of the candidates ranked.
    ranked: str
    ranked_params: list
    #: The number of matches counted.
    total: str


def _ranked_by_lookup(parts: Parts) -> Statement:
    """PostgreSQL's statement parts: each index is read at most once, since
    reading one costs in proportion to its matches (a GIN index gives a whole
    bitmap), and a candidate is ranked by looking its document up by key; the
    facets are counted in the same statement.

    `matched`: the first matches, enough to count up to the limit. Candidates:
    the first RANK_WINDOW matches whose names or titles match, read only when
    the matches overflow the window (a condition evaluated once), and the first
    RANK_WINDOW matches. Each candidate is ranked in a fenced subquery, so the
    sort handles (id, rank) pairs, not the documents' vectors (each tested by
    `parts.tested`, which reads no index)."""
    match, where_params = parts.match, parts.where_params
    first, first_params = parts.first
    window_full = f" AND (SELECT n FROM matched_count) > {RANK_WINDOW}"
    titled, titled_params = _titled_tier(parts, window_full)
    ctes = (
        f"matched AS MATERIALIZED ({first}), "
        # Counted once: each `(SELECT COUNT(*) FROM matched)` was a subplan of
        # its own, reading the 10,001 ids again (up to seven of them for a
        # common word at 100,000 recognitions).
        "matched_count AS MATERIALIZED (SELECT COUNT(*) AS n FROM matched), "
        "candidates AS MATERIALIZED ("
        f"SELECT id FROM ({titled}) AS titled "
        "UNION "
        f"SELECT id FROM (SELECT id FROM matched LIMIT {RANK_WINDOW}) AS first)"
    )
    ranked = (
        f"SELECT {DOCUMENTS}.id, {match.rank} AS search_rank "
        f"FROM {match.tables} WHERE {parts.tested} AND "
        f"{match.among.format(candidates='candidates')}{match.fence}"
    )
    facets, facets_params = "NULL", []
    if parts.request.facets:
        # The facets counted in the same statement, as `facets.facets_for`
        # counts them (every counted match up to FACET_EXACT, beyond an even
        # sample of them), from the matches already found: no index is read
        # again, and no second statement makes a round trip (a third of the
        # server's time of a search for a family name at 5,000 recognitions).
        step = sample_step_sql(f"LEAST((SELECT n FROM matched_count), {COUNT_LIMIT})")
        counts, facets_params = counts_statement(
            parts.request,
            (
                f"FROM (SELECT id FROM matched LIMIT {COUNT_LIMIT}) AS {DOCUMENTS} "
                f"WHERE {sampled(step)}",
                [],
            ),
        )
        columns = ", ".join(f"c{n}" for n in range(3 + record_columns()))
        facets = (
            f"(SELECT json_agg(json_build_array({columns})) FROM ({counts}) "
            f"AS counted({columns}))"
        )
    return Statement(
        ctes=ctes,
        ctes_params=[*first_params, *titled_params],
        facets=facets,
        facets_params=facets_params,
        ranked=ranked,
        ranked_params=[*match.tables_params, *where_params],
        total="(SELECT n FROM matched_count)",
    )


def _titled_tier(parts: Parts, window_full: str) -> tuple[str, list]:
    """The ids of the names-and-titles tier (gated by `window_full`): the first
    RANK_WINDOW matches whose names and titles match, looked for among the
    first matches first when the match says so (`Match.titled_among`; exact: see
    `estimates.among_matches`), and otherwise read as `first_matches` reads."""
    match = parts.match
    if not match.titled_among:
        return first_matches(
            match,
            titled=True,
            filters=parts.filters,
            gate=window_full,
            limit=RANK_WINDOW,
        )
    extra, extra_params = parts.filters
    enough = "(SELECT enough FROM among_count)"
    rest, rest_params = first_matches(
        match,
        titled=True,
        filters=parts.filters,
        gate=f"{window_full} AND NOT {enough}",
        limit=RANK_WINDOW,
    )
    # In table order, as every other way reads them.
    among = (
        f"SELECT {DOCUMENTS}.id FROM {match.titled} WHERE {DOCUMENTS}.id IN "
        f"(SELECT id FROM matched LIMIT {int(match.titled_among)}) "
        f"AND {match.titled_test}{extra}{window_full} "
        f"ORDER BY {DOCUMENTS}.ctid LIMIT {RANK_WINDOW}"
    )
    return (
        f"WITH among AS MATERIALIZED ({among}), among_count AS MATERIALIZED "
        f"(SELECT COUNT(*) >= {RANK_WINDOW} AS enough FROM among) "
        f"SELECT id FROM among WHERE {enough} UNION ALL "
        f"SELECT id FROM ({rest}) AS rest",
        [*match.titled_params, *extra_params, *rest_params],
    )


def first_matches(
    match: Match,
    *,
    titled: bool = False,
    filters: tuple[str, list] = ("", []),
    gate: str = "",
    limit: int,
) -> tuple[str, list]:
    """The statement of the ids of the first `limit` matches (of the names and
    titles when `titled`) having the request's `filters` (`AND ...` and their
    parameters), and its parameters. `gate` (`AND ...`, no parameters) is a
    condition PostgreSQL tests once, before reading anything.

    With the match's probe (`Match.probe`: the same condition on the table's first
    pages alone, read in table order), the probe runs first, and the index only
    when the probe found fewer than `limit` (a condition tested once too). Both
    keep the table's order, so the first matches are the same either way
    (`archive.search.estimates`)."""
    if titled:
        tables, params = match.titled, match.titled_params
        condition, probe = match.titled_condition, match.titled_probe
        condition_params = []
    else:
        tables, params = match.unranked, match.tables_params
        condition, probe = match.condition, match.probe
        condition_params = match.condition_params
    extra, extra_params = filters
    where_params = [*params, *condition_params, *extra_params]
    ids = f"SELECT {DOCUMENTS}.id FROM {tables} WHERE"
    if not probe:
        return f"{ids} {condition}{extra}{gate} LIMIT {limit}", where_params
    # Whether the probe found enough, counted once for both branches.
    enough = "(SELECT enough FROM probe_count)"
    return (
        f"WITH probe AS MATERIALIZED ({ids} {probe}{extra}{gate} LIMIT {limit}), "
        "probe_count AS MATERIALIZED "
        f"(SELECT COUNT(*) >= {limit} AS enough FROM probe) "
        f"SELECT id FROM probe WHERE {enough} UNION ALL "
        f"SELECT id FROM ({ids} NOT {enough} AND {condition}{extra}{gate} "
        f"LIMIT {limit}) AS indexed",
        [*where_params, *where_params],
    )


def _ranked_in_scan(parts: Parts) -> Statement:
    """SQLite's statement parts (see `_ranked_by_lookup`; the facets are
    counted by a statement of their own): bm25 can only be
    computed in the scan that matches, and each scan of a prefix costs its
    setup (about 12 ms for a word in 380,000 documents), so an answer of up to
    RANK_WINDOW matches is one scan that ranks them all (`head`). Only when it
    is full do the other scans run (a LIMIT evaluated once): the count up to
    the limit, the names-and-titles tier, and, when some title matches are not
    in `head`, the scan that ranks them."""
    match, where, where_params = parts.match, parts.where, parts.where_params
    found, found_params = parts.found, parts.found_params
    titled_where, titled_params = parts.titled_where, parts.titled_params
    window_full = f"(SELECT COUNT(*) FROM head) >= {RANK_WINDOW}"

    def when_full(limit: int) -> str:
        # A LIMIT of 0 ends a scan before it starts (a WHERE condition would
        # still start it, and starting is what costs).
        return f"LIMIT CASE WHEN {window_full} THEN {limit} ELSE 0 END"

    ctes = (
        f"head AS MATERIALIZED (SELECT {DOCUMENTS}.id AS id, {match.rank} AS "
        f"search_rank FROM {match.tables} WHERE {where} LIMIT {RANK_WINDOW}), "
        f"matched AS MATERIALIZED ({found} {when_full(COUNT_LIMIT + 1)}), "
        f"titled AS MATERIALIZED (SELECT {DOCUMENTS}.id FROM {match.titled} "
        f"WHERE {titled_where} {when_full(RANK_WINDOW)}), "
        f"extra AS MATERIALIZED (SELECT {DOCUMENTS}.id AS id, {match.rank} AS "
        f"search_rank FROM {match.tables} WHERE {where} AND "
        f"{match.among.format(candidates='titled')} "
        f"AND {DOCUMENTS}.id NOT IN (SELECT id FROM head) LIMIT CASE WHEN EXISTS "
        "(SELECT 1 FROM titled WHERE id NOT IN (SELECT id FROM head)) "
        f"THEN {RANK_WINDOW} ELSE 0 END)"
    )
    ranked = (
        "SELECT id, search_rank FROM head UNION ALL SELECT id, search_rank FROM extra"
    )
    total = (
        f"CASE WHEN {window_full} THEN (SELECT COUNT(*) FROM matched) "
        "ELSE (SELECT COUNT(*) FROM head) END"
    )
    params = [
        *match.tables_params,
        *where_params,
        *found_params,
        *titled_params,
        *match.tables_params,
        *where_params,
    ]
    return Statement(
        ctes=ctes,
        ctes_params=params,
        facets="NULL",
        facets_params=[],
        ranked=ranked,
        ranked_params=[],
        total=total,
    )


def count(found: tuple[str, list]) -> int:
    """How many rows the statement `found` selects."""
    return int(
        run_statement(f"SELECT COUNT(*) FROM ({found[0]}) AS found", found[1])[0][0]
    )


def _json(value: Any) -> Any:
    """A JSON column read by a raw cursor (text on SQLite, decoded on PostgreSQL)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def hit(row: tuple, lang: str, words: list[str]) -> Hit:
    kind, object_id, uuid, slug, title, texts, rank, _ranked, _total, _sample = row
    titles = _json(title) or {}
    default = kinds.language_codes()[0]
    title_lang = lang if titles.get(lang) else default
    return Hit(
        kind=kind,
        pk=object_id,
        uuid=uuid if isinstance(uuid, UUID) else UUID(str(uuid)),
        slug=slug,
        title=titles.get(title_lang) or "",
        title_lang=title_lang,
        titles=titles,
        snippet=snippet(_json(texts) or [], words, lang, titles.get(title_lang) or ""),
        rank=round(float(rank), 6),
    )


def matching_ids(kind: str, q: str, audience: Audience) -> tuple[str, list] | None:
    """SQL selecting the ids of records of `kind` whose words match `q` among the
    documents the audience may find (for the `q=` filter of a list, which applies
    visibility itself too), or None when `q` holds nothing searchable."""
    query = parse(q)
    if not query:
        return None
    match = backend().match(query, audience.key)
    return (
        f"SELECT {DOCUMENTS}.object_id FROM {match.unranked} WHERE {match.condition} "
        f"AND {DOCUMENTS}.kind = %s",
        [*match.tables_params, *match.condition_params, kind],
    )
