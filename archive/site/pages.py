"""A record's page, and the error pages in the site's design and language.

A page loads its record through the kind's API presenter (one query for the row,
one per relation), so the page shows exactly what the API shows the public and its
query count does not grow with the number of rescuers, segments or sources. A
record the public may not see answers the same 404 as an address that never
existed; a record the public once saw and that was withdrawn answers 410.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from archive import kinds, visits
from archive.api.context import ApiContext, Audience
from archive.api.presenters import PRESENTERS
from archive.site import jsonld, labels
from archive.site.related import EXTRAS


def site_context(request: HttpRequest) -> ApiContext:
    """The public audience; translated fields as language maps (the templates pick
    the page's language and mark fallbacks); links to pages in the page's language."""
    return ApiContext(
        audience=Audience(),
        lang=None,
        base=request.build_absolute_uri("/").rstrip("/"),
        url_lang=get_language(),
    )


def gone(request: HttpRequest, kind: kinds.RecordKind) -> HttpResponse:
    return TemplateResponse(
        request,
        "410.html",
        {"kind_name": labels.singular(kind.name), "error_page": True},
        status=410,
    )


def record_page(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """The public page of one record of `kind`."""
    entry = kinds.BY_NAME[kind]
    manager = entry.model._default_manager
    ctx = site_context(request)
    # One statement finds the public record and reads it, compiled once per day:
    # building the visibility filter cost more than running the query.
    found = PRESENTERS[kind].load_unique(ctx, "slug", slug, detail=True)
    if found is None:
        if manager.gone().filter(slug=slug).exists():
            return gone(request, entry)
        raise Http404
    pk, record = found
    context: dict[str, Any] = {
        "record": record,
        "kind": kind,
        "kind_name": labels.singular(kind),
        "kind_plural": labels.plural(kind),
        "browse_url_name": f"archive:browse-{entry.plural}",
    }
    extra = EXTRAS.get(kind)
    if extra is not None:
        context.update(extra(ctx, pk, record))
    context["jsonld"] = jsonld.for_record(record, context)
    visits.count(request, kind, pk)
    return TemplateResponse(request, f"archive/records/{kind}.html", context)


def page_not_found(request: HttpRequest, exception: Exception | None = None):
    return TemplateResponse(request, "404.html", {}, status=404).render()


def bad_request(request: HttpRequest, exception: Exception | None = None):
    return TemplateResponse(request, "400.html", {}, status=400).render()
