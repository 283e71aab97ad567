"""Pages that list records: home, a browse list per kind, the timeline of events
and the map of places. Each starts from the public's visibility and loads a page of
records through the presenters: a fixed number of queries whatever the page size."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import get_language

from archive import kinds, search
from archive import models as m
from archive.api.context import Audience
from archive.api.files import rendition_url
from archive.api.presenters import PRESENTERS, load_refs
from archive.models import ArchiveVersion
from archive.renditions import NAMED_SPECS
from archive.search.facets import FILTERS as SEARCH_FILTERS
from archive.site import labels, maps
from archive.site.pages import site_context

PAGE_SIZE = 24
#: The filters of a browse list start open when they offer this many values or fewer.
FACETS_OPEN_UP_TO = 12
#: Sorting per kind for browse lists (others sort by title: see `title_column`).
ORDER: dict[str, tuple[Any, ...]] = {
    "event": (F("date_earliest").asc(nulls_last=True), "pk"),
    "figure": ("measure", F("date_earliest").asc(nulls_last=True), "pk"),
}

#: The field a kind's browse list can be narrowed by (its facet), by kind.
FACETS: dict[str, str] = {
    "event": "kind",
    "place": "kind",
    "organisation": "kind",
    "source": "kind",
    "testimony": "kind",
}


def title_column(entry: kinds.RecordKind) -> str:
    """The column a kind's title is sorted on: the first of its search fields'
    A weight (its title), in the default language when the field is translated."""
    first = entry.search.a[0]
    translated = f"{first}_{kinds.language_codes()[0]}"
    fields = {field.name for field in entry.model._meta.get_fields()}
    return translated if translated in fields else first


def _load(ctx, kind: str, ids: list[int], detail: bool = False) -> list[dict]:
    found = PRESENTERS[kind].load(ctx, ids, detail=detail)
    return [found[i] for i in ids if i in found]


def _page_number(request: HttpRequest) -> int:
    """The `page` parameter; anything but a small positive number is a 404 (a
    page that does not exist), never a 500."""
    value = request.GET.get("page", "1")
    if not value.isdigit() or len(value) > 6 or int(value) < 1:
        raise Http404
    return int(value)


def exhibition_cards(ctx, ids: list[int]) -> list[dict]:
    """What the home page shows of each exhibition: its title, subtitle, address
    and its hero image's card rendition. Three queries (references, subtitles,
    the cards of public hero images) instead of the whole exhibition presenter,
    which would load each hero image in full (renditions, depictions, sources)."""
    refs = load_refs(ctx, "exhibition", ids)
    rows = {
        row["pk"]: row
        for row in m.Exhibition.objects.filter(pk__in=list(refs)).values(
            "pk", "hero_image_id", *kinds.translated_columns("subtitle")
        )
    }
    heroes = {row["hero_image_id"] for row in rows.values() if row["hero_image_id"]}
    cards = {
        card["image_id"]: {
            "url": rendition_url(ctx, card["id"], card["file"]),
            "width": card["width"],
            "height": card["height"],
        }
        for card in m.Rendition.objects.filter(
            image_id__in=heroes,
            image__in=m.Image.objects.public(),
            spec=NAMED_SPECS["card"],
            format="jpeg",
        ).values("id", "image_id", "file", "width", "height")
    }
    return [
        {
            **refs[pk],
            "subtitle": ctx.tr(rows[pk], "subtitle", ""),
            "card": cards.get(rows[pk]["hero_image_id"]),
        }
        for pk in ids
        if pk in refs
    ]


def home(request: HttpRequest) -> HttpResponse:
    """Exhibitions first, then figures where sources disagree, then what was
    published most recently.

    What it shows changes only when the archive changes, so its content is kept in
    the API's response cache under the same key parts as an API answer (archive
    version, day, language): a repeated visit costs one small query and a cache
    lookup. A benchmark's cold request (`skip_response_cache`) is always built."""
    ctx = site_context(request)
    seconds = settings.API_RESPONSE_CACHE_SECONDS
    key = None
    content = None
    if seconds > 0 and not getattr(request, "skip_response_cache", False):
        version = ArchiveVersion.current().version
        key = f"site-home:{version}:{ctx.today.isoformat()}:{get_language()}:{ctx.base}"
        content = caches["api"].get(key)
    if content is None:
        content = _home_content(ctx)
        if key is not None:
            caches["api"].set(key, content, seconds)
    return TemplateResponse(request, "archive/home.html", content)


def _home_content(ctx) -> dict[str, list]:
    """The home page's records, read for the public in the request's language."""
    exhibition_ids = list(
        m.Exhibition.objects.public()
        .order_by("-published_at", "pk")
        .values_list("pk", flat=True)[:6]
    )
    # Measures with more than one public value: the archive shows each side by side.
    measures = list(
        m.Figure.objects.public()
        .values("measure")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("-n", "measure")
        .values_list("measure", flat=True)[:3]
    )
    figure_ids = list(
        m.Figure.objects.public()
        .filter(measure__in=measures)
        .order_by("measure", F("date_earliest").asc(nulls_last=True), "pk")
        .values_list("pk", flat=True)
    )
    figures = _load(ctx, "figure", figure_ids, detail=True)
    grouped: dict[str, list[dict]] = {}
    for figure in figures:
        grouped.setdefault(figure["measure"], []).append(figure)
    # References only (title and address, one query a kind): the home page lists
    # them, and loading whole records would cost every one of their relations.
    recent = []
    for kind in ("recognition", "testimony", "person", "image", "event"):
        model = kinds.BY_NAME[kind].model
        rows = list(
            model._default_manager.public()
            .exclude(published_at=None)
            .order_by("-published_at", "pk")
            .values_list("pk", "published_at")[:4]
        )
        refs = load_refs(ctx, kind, [pk for pk, _at in rows])
        recent += [
            {**refs[pk], "published_at": at.isoformat()}
            for pk, at in rows
            if pk in refs
        ]
    recent.sort(key=lambda r: r["published_at"], reverse=True)
    return {
        "exhibitions": exhibition_cards(ctx, exhibition_ids),
        "figure_groups": list(grouped.values()),
        "recent": recent[:12],
    }


def _browse_filters(request: HttpRequest, kind: str) -> tuple[str | None, dict]:
    """The list's own facet value and the search engine's filters asked for; an
    unknown parameter is a 400, a repeated one a 404 (no such page)."""
    own = FACETS.get(kind)
    allowed = {"page", *SEARCH_FILTERS, *([own] if own else [])}
    if set(request.GET) - allowed:
        raise BadRequest
    if any(len(request.GET.getlist(name)) > 1 for name in request.GET):
        raise Http404
    filters = {
        name: request.GET[name] for name in SEARCH_FILTERS if request.GET.get(name)
    }
    return (request.GET.get(own) or None) if own else None, filters


def _query(chosen: dict[str, str], **change: str | None) -> str:
    """The list's address with these filters (`None` removes one); page 1."""
    after = {**chosen, **change}
    return "?" + urlencode([(k, v) for k, v in after.items() if v])


def browse(request: HttpRequest, kind: str) -> HttpResponse:
    """One page of the public records of a kind, in a stable order, narrowed by
    the search engine's facets (place, organisation, decade, language) and by the
    kind's own facet (an event's kind...), each value with its count over public
    records and a link that applies or removes it (no JavaScript needed)."""
    entry = kinds.BY_NAME[kind]
    model = entry.model
    try:
        chosen, filters = _browse_filters(request, kind)
    except BadRequest:
        return TemplateResponse(request, "400.html", {}, status=400)
    order = ORDER.get(kind, (F(title_column(entry)).asc(nulls_last=True), "pk"))
    public = model._default_manager.public()
    own = FACETS.get(kind)
    if chosen is not None and chosen not in dict(model._meta.get_field(own).choices):
        raise Http404
    narrowed = public.filter(**{own: chosen}) if chosen is not None else public
    try:
        found = search.listing(
            search.SearchRequest(
                "", Audience(), get_language(), kinds=(kind,), filters=filters
            ),
            within=(
                Q(object_id__in=narrowed.values("pk")) if chosen is not None else None
            ),
        )
    except search.SearchError as error:
        raise Http404 from error
    if filters:
        public = public.filter(pk__in=RawSQL(found.ids[0], found.ids[1]))
        narrowed = narrowed.filter(pk__in=RawSQL(found.ids[0], found.ids[1]))
    current = {**({own: chosen} if own else {}), **filters}
    groups = []
    if own:
        choices = dict(model._meta.get_field(own).choices)
        values = [
            {
                "label": choices.get(value, value),
                "count": n,
                "active": value == chosen,
                "url": _query(current, **{own: None if value == chosen else value}),
            }
            for value, n in public.values_list(own)
            .annotate(n=Count("pk"))
            .order_by(own)
        ]
        groups.append(
            {
                "name": own,
                "label": model._meta.get_field(own).verbose_name,
                "values": values,
            }
        )
    for facet in found.facets:
        if facet.name == "kind" or not facet.values:
            continue
        active = filters.get(facet.name)
        groups.append(
            {
                "name": facet.name,
                "label": facet.label,
                "values": [
                    {
                        "label": value.label,
                        "count": value.count,
                        "active": value.value == active,
                        "url": _query(
                            current,
                            **{
                                facet.name: None
                                if value.value == active
                                else value.value
                            },
                        ),
                    }
                    for value in facet.values
                ],
            }
        )
    queryset = narrowed.order_by(*order).values_list("pk", flat=True)
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(_page_number(request))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404 from error
    ctx = site_context(request)
    applied = [
        {"label": value["label"], "group": group["label"], "url": value["url"]}
        for group in groups
        for value in group["values"]
        if value["active"]
    ]
    return TemplateResponse(
        request,
        "archive/browse.html",
        {
            "kind": kind,
            "kind_plural": labels.plural(kind),
            "records": _load(ctx, kind, list(page.object_list)),
            "page": page,
            "facet_groups": groups,
            # Open unless it would push the list far down (a phone's screen).
            "facets_open": not applied
            and sum(len(group["values"]) for group in groups) <= FACETS_OPEN_UP_TO,
            "applied": applied,
            "page_query": _query(current)[1:],
        },
    )


def _span(earliest: str | None, latest: str | None, year: int) -> dict | None:
    """Where a date range falls within its first year, in per cent: uncertain and
    long dates are drawn as ranges, not points."""
    if not earliest:
        return None
    start = datetime.date.fromisoformat(earliest)
    end = datetime.date.fromisoformat(latest) if latest else start
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days = (last - first).days + 1
    left = (max(start, first) - first).days / days * 100
    right = ((min(end, last) - first).days + 1) / days * 100
    return {
        "left": round(left, 2),
        "width": round(max(right - left, 0.8), 2),
        "continues": end > last,
        "is_range": end > start,
    }


def timeline(request: HttpRequest) -> HttpResponse:
    """Every public event by date, grouped by year."""
    ctx = site_context(request)
    ids = list(
        m.Event.objects.public()
        .exclude(date_earliest=None)
        .order_by("date_earliest", "date_latest", "pk")
        .values_list("pk", flat=True)
    )
    years: dict[int, list[dict]] = {}
    for event in _load(ctx, "event", ids):
        date = event["date"]
        year = int(date["earliest"][:4])
        event["span"] = _span(date["earliest"], date["latest"], year)
        years.setdefault(year, []).append(event)
    return TemplateResponse(
        request, "archive/timeline.html", {"years": sorted(years.items())}
    )


def places_map(request: HttpRequest) -> HttpResponse:
    """Every public place with coordinates on a map, and as a list."""
    ctx = site_context(request)
    ids = list(
        m.Place.objects.public()
        .exclude(latitude=None)
        .order_by("name_en", "pk")
        .values_list("pk", flat=True)
    )
    places = _load(ctx, "place", ids)
    belgium = [
        p for p in places if maps.inside(maps.BELGIUM, p["longitude"], p["latitude"])
    ]
    return TemplateResponse(
        request,
        "archive/places_map.html",
        {
            "places": places,
            "belgium_map": maps.draw(belgium),
            # Europe only for places beyond Belgium (camps, Jerusalem...).
            "europe_map": (
                maps.draw(places, view=maps.EUROPE)
                if len(belgium) < len(places)
                else None
            ),
        },
    )
