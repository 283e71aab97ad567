"""The API's endpoints that are not a record kind: the root, search, changes, the
documentation page and signed rendition files. Record kinds are in views.py.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.api import files, filters
from archive.api import serializers as shapes
from archive.api.caching import Rendered
from archive.api.changes import SHORTEST_CURSOR as SHORTEST_CHANGES_CURSOR
from archive.api.changes import changes
from archive.api.context import KINDS, LANGUAGES, ApiContext
from archive.api.filters import check_params, parse_page_size
from archive.api.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    cursor_schema,
    page_link,
)
from archive.api.problems import InvalidParameter
from archive.api.search import (
    FILTER_NAMES,
    KIND_ORDER,
    parse_kinds,
    parse_query,
    run,
)
from archive.api.search import SHORTEST_CURSOR as SHORTEST_SEARCH_CURSOR
from archive.api.views import (
    ApiMixin,
    render_json,
)


@require_safe
def rendition_file(request: HttpRequest, token: str):
    """A rendition of an exhibition-only image, by the signed link the API gave."""
    return files.serve(token)


# Search, changes, root ---------------------------------------------------------


def cursor_parameter(shortest: str) -> OpenApiParameter:
    """`cursor`, at least as long as the endpoint's `shortest` acceptable one."""
    return OpenApiParameter(
        "cursor",
        cursor_schema(shortest),
        description="Where the page starts; take it from `next` of the page before.",
    )


PAGE_SIZE = OpenApiParameter(
    "page_size",
    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    description=f"Entries per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
)


_KIND = "(" + "|".join(KIND_ORDER) + ")"
TYPES_PATTERN = f"^{_KIND}(,{_KIND})*$"


#: The facet filters of a search, as documented parameters.
SEARCH_FILTERS = [
    OpenApiParameter(
        "place",
        OpenApiTypes.UUID,
        description="Only records tied to this place (its id; see the `place` facet).",
    ),
    OpenApiParameter(
        "organisation",
        OpenApiTypes.UUID,
        description="Only records tied to this organisation (its id).",
    ),
    OpenApiParameter(
        "decade",
        {"type": "string", "pattern": "^[0-9]{3}0$"},
        description="Only records dated in this decade, given by its first year: "
        "`1940`.",
    ),
    OpenApiParameter(
        "language",
        {"type": "string", "enum": list(LANGUAGES)},
        description="Only records with text in this language.",
    ),
]


class SearchView(ApiMixin, APIView):
    """Full-text search across record types: ranked hits with a highlighted
    snippet, and facets (type, place, organisation, decade, language) counted
    over what you may see."""

    @extend_schema(
        tags=["search"],
        parameters=[
            OpenApiParameter(
                "q",
                {
                    "type": "string",
                    "minLength": 2,
                    "maxLength": 200,
                    "pattern": r"^[^\x00]*$",
                },
                required=True,
                description="What to find (2 to 200 characters), in every text of a "
                'record: words (each may begin a word), "a phrase", -excluded, '
                "a OR b. Accents and case are ignored.",
            ),
            OpenApiParameter(
                "type",
                {"type": "string", "pattern": TYPES_PATTERN},
                description="Comma-separated record types to search, e.g. "
                "`recognition,person`. Default: all.",
            ),
            *SEARCH_FILTERS,
            cursor_parameter(SHORTEST_SEARCH_CURSOR),
            PAGE_SIZE,
        ],
        responses={200: shapes.SearchPageSerializer},
    )
    def get(self, request: Request):
        def render(version: int) -> Rendered:
            params = request.query_params
            check_params(
                params, {"q", "type", "cursor", "page_size", "lang", *FILTER_NAMES}
            )
            ctx = self.context(request)
            text = parse_query(params.get("q"))
            kinds = parse_kinds(params.get("type"))
            page_size = parse_page_size(params, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
            filters = {name: params[name] for name in FILTER_NAMES if name in params}
            page = run(ctx, text, kinds, filters, page_size, params.get("cursor"))
            return render_json(
                {
                    "count": page.count,
                    "count_exact": page.count_exact,
                    "ranking_exact": page.ranking_exact,
                    "next": page_link(request, page.next_cursor),
                    "previous": None,
                    "results": page.results,
                    "facets": page.facets,
                    "facets_approximate": page.facets_approximate,
                }
            )

        return self.answer(request, render)


class ChangesView(ApiMixin, APIView):
    """What changed since a moment: records to fetch again, and tombstones."""

    translated = False

    @extend_schema(
        tags=["changes"],
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="Changes at or after this moment (ISO 8601 with a time "
                "zone, e.g. 2025-05-08T00:00:00Z). Omit it for everything.",
            ),
            cursor_parameter(SHORTEST_CHANGES_CURSOR),
            PAGE_SIZE,
        ],
        responses={200: shapes.ChangesPageSerializer},
    )
    def get(self, request: Request):
        def render(version: int) -> Rendered:
            check_params(request.query_params, {"since", "cursor", "page_size"})
            ctx = ApiContext.for_request(request)
            since = parse_since(request.query_params.get("since"))
            page_size = parse_page_size(
                request.query_params, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
            )
            page = changes(ctx, since, page_size, request.query_params.get("cursor"))
            return render_json(
                {
                    "count": page.count,
                    "next": page_link(request, page.next_cursor),
                    "previous": None,
                    "results": page.results,
                }
            )

        return self.answer(request, render)


def parse_since(value: str | None):
    if value is None:
        return None
    moment = filters.parse_moment(value)
    if moment is None:
        raise InvalidParameter(
            {
                "since": [
                    _(
                        "Give a moment in ISO 8601 with a time zone, e.g. "
                        "2025-05-08T00:00:00Z."
                    )
                ]
            }
        )
    return moment


class ApiRootView(ApiMixin, APIView):
    """Where everything is."""

    translated = False

    @extend_schema(tags=["root"], responses={200: shapes.ApiRootSerializer})
    def get(self, request: Request):
        def render(version: int) -> Rendered:
            check_params(request.query_params, set())
            links = {
                route: request.build_absolute_uri(reverse(f"api:{model}-list"))
                for model, route in KINDS.values()
            }
            links["search"] = request.build_absolute_uri(reverse("api:search"))
            links["changes"] = request.build_absolute_uri(reverse("api:changes"))
            links["schema"] = request.build_absolute_uri(reverse("api:schema"))
            links["docs"] = request.build_absolute_uri(reverse("api:docs"))
            return render_json(links)

        return self.answer(request, render)


class DocsView(SpectacularSwaggerSplitView):
    """Interactive documentation of the API (Swagger UI)."""

    # (The docstring above is what OPTIONS shows.) Only the page and its script
    # are HTML: drf-spectacular renders every answer with the page's template, which
    # needs context only the page has, so OPTIONS answered 500 and errors came as
    # plain text labelled problem+json. Here they are JSON, as on every endpoint.

    def get_renderers(self) -> list[Any]:
        if self.request.method == "OPTIONS":
            return [JSONRenderer()]
        return super().get_renderers()

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Any:
        if isinstance(response, Response) and response.exception:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
