"""Finding, ranking and counting hits: one query for a page of hits (with their
total) and one for the facets, each reading only the requester's documents.

Every search document says which audiences may find its record (`public`,
`exhibition`: the one rule, `visible_to()`, applied when it was indexed; see
`archive.search.index`), and the engine's index is per audience (an FTS5 table, a
partial GIN index). The statement that finds and ranks hits therefore reads only
what the requester may find: a hidden record never changes a hit list, a rank, a
count, a facet, or much of the time an answer takes (tests/search/test_visibility.py).

Costs: the match and its rank are computed for every matching document (to find
the best ones), then the page's rows alone are read in full; snippets are made for
the page only. Facets are counted exactly up to `FACET_EXACT` matches; beyond,
from an even sample of the matches, scaled, and the answer says they are
approximate (`SearchResult.facets_approximate`).
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
from archive.api.prepared import run_statement
from archive.search.backends import DOCUMENTS, audience_flag, backend
from archive.search.facets import Facet, facets_for, filter_condition
from archive.search.query import SearchError, SearchRequest, parse
from archive.search.snippets import snippet

#: The deepest a visitor may page (offsets beyond cost more than they are worth).
MAX_OFFSET = 10_000
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

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < min(self.total, MAX_OFFSET)


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
    """Ranked hits, their total and the facets, for one page."""
    searched = check(request)
    query = parse(request.q)
    if not query:
        return SearchResult(0, [], [], request.page, request.page_size)
    match = backend().match(query, request.audience.key)
    where, where_params = conditions(request, searched)
    where = f"{match.condition}{where}"
    params = [*match.tables_params, *match.condition_params, *where_params]
    offset = (request.page - 1) * request.page_size
    # The best ids first (narrow rows through the sort), then those rows in full.
    # Each match is ranked in the innermost query (fenced, so the count and the
    # sort handle (id, rank) pairs, not the documents' vectors).
    sql = (
        f"SELECT d.kind, d.object_id, d.uuid, d.slug, d.title, d.texts, "
        f"page.search_rank, page.total FROM ("
        f"SELECT ranked.id, ranked.search_rank, COUNT(*) OVER () AS total FROM ("
        f"SELECT {DOCUMENTS}.id, {match.rank} AS search_rank "
        f"FROM {match.tables} WHERE {where}{match.fence}) AS ranked "
        f"ORDER BY ranked.search_rank DESC, ranked.id LIMIT %s OFFSET %s) AS page "
        f"JOIN {DOCUMENTS} AS d ON d.id = page.id "
        f"ORDER BY page.search_rank DESC, page.id"
    )
    rows = run_statement(sql, [*params, request.page_size, offset])
    unranked = (f"FROM {match.unranked} WHERE {where}", params)
    total = rows[0][7] if rows else 0
    if not rows and offset:
        total = count(unranked)
    lang = request.lang or kinds.language_codes()[0]
    words = query.positive_words()
    hits = [hit(row, lang, words) for row in rows]
    facets, approximate = [], False
    if request.facets and total:
        facets, approximate = facets_for(request, unranked, total=total)
    return SearchResult(
        total, hits, facets, request.page, request.page_size, approximate
    )


def count(body: tuple[str, list]) -> int:
    return int(run_statement(f"SELECT COUNT(*) {body[0]}", body[1])[0][0])


def _json(value: Any) -> Any:
    """A JSON column read by a raw cursor (text on SQLite, decoded on PostgreSQL)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def hit(row: tuple, lang: str, words: list[str]) -> Hit:
    kind, object_id, uuid, slug, title, texts, rank, _total = row
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
        snippet=snippet(_json(texts) or [], words, lang),
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
