"""`/api/v1/search/`: the API's reading of `archive.search`.

Parameters are checked here (problem+json 400s); finding, ranking, snippets and
facets are `archive.search.search`, shared with the public pages. Each hit is
`{type, id, slug, title, title_lang, snippet, rank, web_url, api_url}`, best first:
`title` is a language map for every kind (a person's or a source's name is the same
in every language), or with `?lang=` one string, `title_lang` then naming the
language it is in (the requested one, or English where it has no translation).

`rank` is the engine's score (higher is better; comparable within one answer only).
It is computed from the requester's documents alone (on SQLite, bm25's statistics
come from the audience's own FTS table), so a hidden record never moves it
(tests/search/test_visibility.py). `facets_approximate` is true when the facet
counts are estimates (very many matches; see `archive.search.facets`);
`count_exact` is false when `count` is a lower bound (more than
`engine.COUNT_LIMIT` matches), `ranking_exact` when the hits are the best of a
bounded set of candidates (more than `engine.RANK_WINDOW` matches; see
`archive.search.engine`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from archive import kinds
from archive.api import cursors
from archive.api.context import ApiContext
from archive.api.problems import InvalidParameter
from archive.search import SearchError, SearchRequest, SearchResult, search
from archive.search.documents import FACETS
from archive.search.engine import MAX_OFFSET
from archive.search.facets import FILTERS

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200

#: Record kinds, in the registry's order (the `type` parameter's values).
KIND_ORDER = [kind.name for kind in kinds.KINDS]


def parse_query(value: str | None) -> str:
    """The text as given (the schema states the same rule, so generated clients
    and this check agree on every string)."""
    text = value or ""
    if not MIN_QUERY_LENGTH <= len(text) <= MAX_QUERY_LENGTH or "\x00" in text:
        raise InvalidParameter(
            {
                "q": [
                    _("Give %(min)s to %(max)s characters to search for.")
                    % {"min": MIN_QUERY_LENGTH, "max": MAX_QUERY_LENGTH}
                ]
            }
        )
    return text


def parse_kinds(value: str | None) -> list[str]:
    if not value:
        return KIND_ORDER
    names = [kind.strip() for kind in value.split(",") if kind.strip()]
    unknown = [kind for kind in names if kind not in kinds.BY_NAME]
    if unknown or not names:
        raise InvalidParameter(
            {
                "type": [
                    _("Use types from: %(kinds)s.") % {"kinds": ", ".join(KIND_ORDER)}
                ]
            }
        )
    return [kind for kind in KIND_ORDER if kind in names]


def _cursor(page: int) -> str:
    return cursors.encode("search", [page])


#: The shortest cursor a search accepts (the schema's lower bound).
SHORTEST_CURSOR = _cursor(2)


def parse_cursor(cursor: str | None, page_size: int) -> int:
    """The page a cursor points at (1 without one), or a 400."""
    if cursor is None:
        return 1
    payload = cursors.decode(cursor, "search")
    if (
        not isinstance(payload, list)
        or len(payload) != 1
        or isinstance(payload[0], bool)
        or not isinstance(payload[0], int)
        or not 2 <= payload[0] <= MAX_OFFSET
        or (payload[0] - 1) * page_size >= MAX_OFFSET
    ):
        raise cursors.invalid()
    return payload[0]


@dataclass
class SearchPage:
    count: int
    count_exact: bool
    ranking_exact: bool
    results: list[dict]
    facets: dict[str, list[dict]]
    facets_approximate: bool
    next_cursor: str | None


def run(
    ctx: ApiContext,
    text: str,
    searched: list[str],
    filters: dict[str, str],
    page_size: int,
    cursor: str | None,
) -> SearchPage:
    """One page of ranked hits, the total and the facets."""
    page = parse_cursor(cursor, page_size)
    request = SearchRequest(
        q=text,
        audience=ctx.audience,
        lang=ctx.lang,
        kinds=tuple(searched),
        filters=filters,
        page=page,
        page_size=page_size,
    )
    try:
        result = search(request)
    except SearchError as error:
        raise InvalidParameter({error.field: [str(error)]}) from error
    return SearchPage(
        count=result.total,
        count_exact=result.total_exact,
        ranking_exact=result.ranking_exact,
        results=[present_hit(ctx, hit) for hit in result.hits],
        facets=present_facets(result),
        facets_approximate=result.facets_approximate,
        next_cursor=_cursor(page + 1) if result.has_next else None,
    )


def present_hit(ctx: ApiContext, hit: Any) -> dict:
    _before, _after, api = ctx.addresses(hit.kind)
    collapsed = ctx.lang is not None
    return {
        "type": hit.kind,
        "id": str(hit.uuid),
        "slug": hit.slug,
        "title": (hit.title or None)
        if collapsed
        else {lang: value or None for lang, value in hit.titles.items()},
        "title_lang": hit.title_lang if collapsed else None,
        "snippet": str(hit.snippet),
        "rank": hit.rank,
        "web_url": ctx.web_url(hit.kind, hit.slug),
        "api_url": f"{api}{hit.uuid}/",
    }


def present_facets(result: SearchResult) -> dict[str, list[dict]]:
    """Every facet, empty when nothing matched."""
    return {name: [] for name in FACETS} | {
        facet.name: [
            {"value": value.value, "label": value.label, "count": value.count}
            for value in facet.values
        ]
        for facet in result.facets
    }


#: The facets that may filter a search (query parameters of the same name).
FILTER_NAMES: tuple[str, ...] = FILTERS
