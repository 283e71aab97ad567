"""Full-text search over the archive, on the database's own engine.

The interface the API and the public pages share (no DRF here)::

    from archive.search import SearchRequest, search
    from archive.api.context import Audience

    result = search(SearchRequest("Malines", audience=Audience(), lang="fr"))
    result.total                      # matching records the audience may see
    for hit in result.hits:           # best first
        hit.kind, hit.pk, hit.uuid, hit.slug
        hit.title, hit.title_lang     # the title in French (or its fallback)
        hit.snippet                   # safe HTML, matched words in <mark>
        hit.rank
    for facet in result.facets:       # kind, place, organisation, decade, language
        facet.name, facet.label
        for value in facet.values:
            value.value, value.label, value.count  # pass value back in `filters`

`listing(SearchRequest("", audience, lang, kinds=(kind,), filters))` gives a browse
list the same filters and facets without words: SQL for the ids, and the facets.

`SearchRequest(q, audience, lang, kinds, filters, page, page_size)`; a request out
of bounds (an unknown kind, filter or language, a page too far) raises
`SearchError` (its `field` names the parameter). What a visitor types is never an
engine's syntax (see `query.py`): any text gives an answer.

Modules: `query` (reading what was typed), `documents` (what is indexed of a
record), `index` (keeping the index current: the one write path), `backends`
(PostgreSQL and SQLite), `engine` (ranked hits), `facets`, `snippets`.
"""

from archive.search.engine import (
    Hit,
    Listing,
    SearchError,
    SearchRequest,
    SearchResult,
    listing,
    matching_ids,
    search,
)
from archive.search.facets import Facet, FacetValue

__all__ = [
    "Facet",
    "FacetValue",
    "Hit",
    "Listing",
    "SearchError",
    "SearchRequest",
    "SearchResult",
    "listing",
    "matching_ids",
    "search",
]
