"""The search page, behind one small adapter (`run`) so the engine can be swapped:
today it asks the API's search (`archive/api/search.py`: every word begins a word
of a title or name, accent- and case-blind, public records only) and counts results
per kind as the facet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from rest_framework.exceptions import ValidationError

from archive import kinds
from archive.api import search as engine
from archive.api.search_index import query_words
from archive.site.pages import site_context
from archive.templatetags.site import text as text_of

PAGE_SIZE = 20


@dataclass
class Results:
    query: str
    kinds: list[str]
    count: int = 0
    results: list[dict] = field(default_factory=list)
    facets: list[tuple[str, int]] = field(default_factory=list)
    next_cursor: str | None = None
    error: str = ""


def run(request: HttpRequest, query: str, chosen: list[str], cursor: str | None):
    """One page of results for the public, with a count per kind."""
    ctx = site_context(request)
    outcome = Results(query=query, kinds=chosen)
    try:
        text = engine.parse_query(query)
    except ValidationError as error:
        outcome.error = (
            str(error.detail.get("q", [""])[0])
            if isinstance(error.detail, dict)
            else ""
        )
        return outcome
    words = query_words(text)
    if words:
        for kind in engine.kinds_with_candidates(
            ctx, words[0], list(engine.KIND_ORDER)
        ):
            found = engine.matching(ctx, kind, words).count()
            if found:
                outcome.facets.append((kind, found))
    page = engine.search(
        ctx, text, chosen or list(engine.KIND_ORDER), PAGE_SIZE, cursor
    )
    outcome.count = page.count
    outcome.results = [
        {**result, "highlight": highlight(text_of(result["title"]), words)}
        for result in page.results
    ]
    outcome.next_cursor = page.next_cursor
    return outcome


def _fold(word: str) -> str:
    """Lower case without accents, as the index compares words."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def highlight(title: str, words: list[str]) -> SafeString:
    """The title with each word that begins with a searched word in <mark>."""
    folded = [_fold(word) for word in words]
    parts = []
    for piece in re.split(r"(\w+)", title):
        if piece and any(_fold(piece).startswith(word) for word in folded):
            parts.append(format_html("<mark>{}</mark>", piece))
        else:
            parts.append(conditional_escape(piece))
    return mark_safe("".join(parts))


def search_page(request: HttpRequest) -> HttpResponse:
    """The search form and, when a query is given, its results and facets."""
    query = request.GET.get("q", "").strip()
    chosen = [k for k in request.GET.getlist("type") if k in kinds.BY_NAME]
    if len(chosen) != len(request.GET.getlist("type")):
        raise Http404
    cursor = request.GET.get("after") or None
    outcome = None
    if query:
        try:
            outcome = run(request, query, chosen, cursor)
        except ValidationError as error:  # a bad cursor
            raise Http404 from error
    return TemplateResponse(
        request,
        "archive/search.html",
        {
            "query": query,
            "outcome": outcome,
            "chosen": chosen,
        },
    )
