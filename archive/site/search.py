"""The public search page: the archive's full-text engine (`archive.search`, the
same one the API answers from) for the public audience, in the page's language,
with highlighted snippets, facets counted over public records only, and the facets
as filters."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import get_language

from archive import kinds
from archive.api.context import ApiContext, Audience
from archive.search import Facet, SearchError, SearchRequest, SearchResult, search
from archive.search.facets import FILTERS  # the kind facet chooses `kinds`
from archive.search.query import parse
from archive.site.pages import site_context

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200


@dataclass
class Outcome:
    """One page of results as the template shows it."""

    result: SearchResult | None = None
    hits: list[dict] = field(default_factory=list)
    facets: list[dict] = field(default_factory=list)
    error: str = ""
    #: The query only leaves words out (`-word`): nothing to look for.
    only_left_out: bool = False
    previous_url: str = ""
    next_url: str = ""


def _query_string(
    query: str, chosen: list[str], filters: dict[str, str], **more
) -> str:
    pairs = [("q", query), *[("type", kind) for kind in chosen], *filters.items()]
    pairs += [(key, value) for key, value in more.items() if value]
    return "?" + urlencode(pairs)


def _facets(
    facets: list[Facet], query: str, chosen: list[str], filters: dict[str, str]
) -> list[dict]:
    """Each facet's values with the address that applies (or removes) it."""
    shown = []
    for facet in facets:
        values = []
        for value in facet.values:
            if facet.name == "kind":
                active = value.value in chosen
                kinds_after = [] if active else [value.value]
                url = _query_string(query, kinds_after, filters)
            else:
                active = filters.get(facet.name) == value.value
                after = dict(filters)
                if active:
                    after.pop(facet.name)
                else:
                    after[facet.name] = value.value
                url = _query_string(query, chosen, after)
            values.append(
                {
                    "label": value.label,
                    "count": value.count,
                    "url": url,
                    "active": active,
                }
            )
        if values:
            shown.append({"name": facet.name, "label": facet.label, "values": values})
    return shown


def run(
    ctx: ApiContext, query: str, chosen: list[str], filters: dict[str, str], page: int
) -> Outcome:
    """One page of public results; a query the engine cannot take is a message.
    Hits link to the address the presenters give every record (`ctx.web_url`)."""
    outcome = Outcome()
    if len(query) > MAX_QUERY_LENGTH:
        query = query[:MAX_QUERY_LENGTH]
    try:
        result = search(
            SearchRequest(
                query,
                audience=Audience(),
                lang=get_language(),
                kinds=tuple(chosen),
                filters=filters,
                page=page,
                page_size=PAGE_SIZE,
            )
        )
    except SearchError as error:
        if error.field == "q":
            outcome.error = str(error)
            return outcome
        raise Http404 from error
    if page > 1 and not result.hits:
        # Past the last page (the ranked candidates end before the total when
        # very many records match): a page that does not exist.
        raise Http404
    outcome.result = result
    if not result.hits:
        parsed = parse(query)
        outcome.only_left_out = bool(parsed.excluded) and not parsed.groups
    outcome.hits = [
        {
            "kind": hit.kind,
            "title": hit.title,
            "title_lang": hit.title_lang,
            "snippet": hit.snippet,
            "url": ctx.web_url(hit.kind, hit.slug),
        }
        for hit in result.hits
    ]
    outcome.facets = _facets(result.facets, query, chosen, filters)
    if page > 1:
        outcome.previous_url = _query_string(query, chosen, filters, page=page - 1)
    if result.has_next:
        outcome.next_url = _query_string(query, chosen, filters, page=page + 1)
    return outcome


def search_page(request: HttpRequest) -> HttpResponse:
    """The search form and, when a query is given, its results and facets.

    Unknown kinds, filters or pages answer the site's 404 (as a wrong address
    would); a query the engine cannot take is explained on the page."""
    query = request.GET.get("q", "").strip()
    chosen = request.GET.getlist("type")
    if any(kind not in kinds.BY_NAME for kind in chosen):
        raise Http404
    filters = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError as error:
        raise Http404 from error
    outcome = (
        run(site_context(request), query, chosen, filters, page) if query else None
    )
    return TemplateResponse(
        request,
        "archive/search.html",
        {"query": query, "outcome": outcome, "chosen": chosen, "filters": filters},
    )
