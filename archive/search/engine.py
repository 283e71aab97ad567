"""Finding, ranking and counting hits: one query per page of hits and one for the
facets, each with the requester's visibility inside it.

The documents a requester may find are those whose record is visible to them: per
kind, `Exists(<model> visible_to(audience) with the document's id)`, compiled by
the ORM from the one rule in `archive/models/base.py` and placed in the same
statement as the engine's match and rank. A hidden record therefore never changes a
hit list, a count or a facet (tests/search/test_visibility.py).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.safestring import SafeString

from archive import kinds
from archive import models as m
from archive.api.context import Audience
from archive.search.backends import DOCUMENTS, backend
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


def visible_documents(audience: Audience, searched: tuple[str, ...]) -> Q:
    """Documents of these kinds whose record the audience may see."""
    condition = Q(pk__in=[])
    for name in searched:
        model = kinds.BY_NAME[name].model
        condition |= Q(kind=name) & Exists(
            model._default_manager.filter(
                audience.visible_q(model), pk=OuterRef("object_id")
            )
        )
    return condition


def where_sql(condition: Q) -> tuple[str, list]:
    """An ORM condition on SearchDocument as SQL naming the table in full."""
    queryset = m.SearchDocument.objects.filter(condition)
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.compile(queryset.query.where)
    return sql, list(params)


@lru_cache(maxsize=256)
def _visible_sql(
    audience_key: str, day: datetime.date, searched: tuple[str, ...], vendor: str
) -> tuple[str, tuple]:
    sql, params = where_sql(visible_documents(Audience.named(audience_key), searched))
    return sql, tuple(params)


def visible_sql(audience: Audience, searched: tuple[str, ...]) -> tuple[str, list]:
    """`visible_documents` as SQL, compiled once per audience, day and kinds:
    building its ten correlated conditions cost more than running the search."""
    sql, params = _visible_sql(
        audience.key, timezone.localdate(), searched, connection.vendor
    )
    return sql, list(params)


def _where(request: SearchRequest, searched: tuple[str, ...]) -> tuple[str, list]:
    """The documents the audience may see, having every filter's value."""
    where, where_params = visible_sql(request.audience, searched)
    if request.filters:
        filters, filter_params = where_sql(
            filter_condition(request.audience, request.filters)
        )
        where, where_params = f"{where} AND {filters}", where_params + filter_params
    return where, where_params


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

    `within` narrows the facet counts further by a condition on SearchDocument
    (a filter the list applies itself, such as an event's kind). Two queries,
    plus one per record filter; a hidden record never changes a count."""
    searched = check(request)
    where, params = _where(request, searched)
    ids = (f"SELECT {DOCUMENTS}.object_id FROM {DOCUMENTS} WHERE {where}", params)
    if within is not None:
        extra, extra_params = where_sql(within)
        where, params = f"{where} AND {extra}", [*params, *extra_params]
    facets = facets_for(request, (f"FROM {DOCUMENTS} WHERE {where}", params))
    return Listing(ids, facets)


def search(request: SearchRequest) -> SearchResult:
    """Ranked hits, their total and the facets, for one page."""
    searched = check(request)
    query = parse(request.q)
    if not query:
        return SearchResult(0, [], [], request.page, request.page_size)
    where, where_params = _where(request, searched)
    match = backend().match(query)
    body = (
        f"FROM {match.tables} WHERE {match.condition} AND {where}",
        [*match.tables_params, *match.condition_params, *where_params],
    )
    offset = (request.page - 1) * request.page_size
    sql = (
        f"SELECT {DOCUMENTS}.kind, {DOCUMENTS}.object_id, {DOCUMENTS}.uuid, "
        f"{DOCUMENTS}.slug, {DOCUMENTS}.title, {DOCUMENTS}.texts, "
        f"{match.rank} AS search_rank, COUNT(*) OVER () {body[0]} "
        f"ORDER BY search_rank DESC, {DOCUMENTS}.id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*body[1], request.page_size, offset])
        rows = cursor.fetchall()
    total = rows[0][7] if rows else 0
    if not rows and offset:
        total = count(body)
    lang = request.lang or kinds.language_codes()[0]
    words = query.positive_words()
    hits = [hit(row, lang, words) for row in rows]
    facets = facets_for(request, body) if request.facets and total else []
    return SearchResult(total, hits, facets, request.page, request.page_size)


def count(body: tuple[str, list]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {body[0]}", body[1])
        return int(cursor.fetchone()[0])


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


def matching_ids(kind: str, q: str) -> tuple[str, list] | None:
    """SQL selecting the ids of records of `kind` whose words match `q` (for the
    `q=` filter of a list, which applies visibility itself), or None when `q` holds
    nothing searchable."""
    query = parse(q)
    if not query:
        return None
    match = backend().match(query)
    return (
        f"SELECT {DOCUMENTS}.object_id FROM {match.tables} WHERE {match.condition} "
        f"AND {DOCUMENTS}.kind = %s",
        [*match.tables_params, *match.condition_params, kind],
    )
