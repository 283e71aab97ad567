"""The API's views. Each chooses what is visible and asks its presenter to present it.

Answers go through `caching.cached_response`: a repeated request is answered from
the response cache without touching the records, and every answer carries ETag,
Last-Modified and Cache-Control. Parameters are checked strictly (filters.py), and
every error is problem+json (problems.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, NoReturn
from uuid import UUID

import orjson
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.viewsets import GenericViewSet

from archive import kinds
from archive import models as m
from archive.api import filters, iiif, prepared
from archive.api.caching import Rendered, cached_response, etag_for
from archive.api.changes import gone_for
from archive.api.context import ApiContext, Audience
from archive.api.filters import check_params, parse_lang, parse_page_size
from archive.api.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    KeysetPagination,
    KeysetPaginator,
    orderings,
    page_link,
)
from archive.api.presenters import PRESENTERS, RecordPresenter
from archive.api.presenters.sources import CslItem
from archive.api.problems import Gone, InvalidParameter

UUID_PATTERN = (
    "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
JSON = "application/json"
CSL_JSON = "application/vnd.citationstyles.csl+json"


def render_json(
    data: Any, content_type: str = JSON, ctx: ApiContext | None = None
) -> Rendered:
    """Compact UTF-8 JSON. orjson: the standard library's encoder took a seventh of
    a 50-record page's time; the answers hold only JSON types already. With the
    context that made it, the answer says in which languages it was given."""
    body = orjson.dumps(data)
    headers = ctx.language_headers() if ctx is not None else ()
    return Rendered(
        body=body, etag=etag_for(body), content_type=content_type, headers=headers
    )


class LdJsonRenderer(JSONRenderer):
    media_type = "application/ld+json"


class CslJsonRenderer(JSONRenderer):
    media_type = CSL_JSON


class ApiMixin:
    """Shared by every API view: audience, language, cached answers."""

    translated = True

    def answer(self, request: Request, render: Callable[[int], Rendered]) -> Any:
        audience = Audience(getattr(request, "auth", None))
        return cached_response(request, audience, timezone.localdate(), render)

    def context(self, request: Request) -> ApiContext:
        return ApiContext.for_request(request, parse_lang(request.query_params))


#: Record kind -> its viewset, as viewsets are declared.
VIEWSETS: dict[str, type[RecordViewSet]] = {}


def _uuid_or_404(uuid: str) -> UUID:
    """A record's id from its address; 404 when it is not a UUID at all."""
    try:
        return UUID(uuid)
    except ValueError as error:
        raise exceptions.NotFound() from error


class RecordViewSet(ApiMixin, GenericViewSet):
    """List and fetch the records of one kind.

    A subclass names its `kind` (an entry of `archive.kinds`), its filters and its
    orderings; its answers and schema come from the kind's presenter, its schema tag
    is the kind's address and its description is the presenter's."""

    kind: ClassVar[str]
    orderings: ClassVar[dict]
    lookup_field = "uuid"
    lookup_url_kwarg = "uuid"
    lookup_value_regex = UUID_PATTERN
    pagination_class = KeysetPagination
    filter_backends = [filters.StrictFilterBackend]
    extra_errors = {"410": "The record was withdrawn."}
    #: Answers that are not translated records (IIIF has its own language maps).
    untranslated_actions = ("manifest", "csl")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        presenter = PRESENTERS[cls.kind]
        cls.__doc__ = presenter.doc
        extend_schema(tags=[kinds.BY_NAME[cls.kind].plural])(cls)
        VIEWSETS[cls.kind] = cls

    @property
    def presenter(self) -> RecordPresenter:
        return PRESENTERS[self.kind]

    @property
    def model(self) -> type[m.Publishable]:
        return self.presenter.model

    def get_queryset(self):
        # For the schema and django-filter's introspection only: answers always start
        # from visible_q() (see visible_queryset).
        return self.model._default_manager.none()

    def visible_queryset(self, ctx: ApiContext):
        return self.model._default_manager.filter(ctx.audience.visible_q(self.model))

    def get_serializer_class(self):
        return self.presenter.serializer(detail=self.action != "list")

    def allowed_params(self) -> set[str]:
        return {
            "cursor",
            "page_size",
            "ordering",
            "lang",
            *self.filterset_class.base_filters,
        }

    # List --------------------------------------------------------------------------
    def list(self, request: Request, *args: Any, **kwargs: Any):
        return self.answer(request, lambda version: self.render_list(request, version))

    def render_list(self, request: Request, version: int) -> Rendered:
        check_params(request.query_params, self.allowed_params())
        ctx = self.context(request)
        queryset = self.filter_queryset(self.visible_queryset(ctx))
        name = request.query_params.get("ordering", next(iter(self.orderings)))
        if name not in self.orderings:
            raise InvalidParameter(
                {
                    "ordering": [
                        _("Use one of: %(names)s.")
                        % {"names": ", ".join(self.orderings)}
                    ]
                }
            )
        page_size = parse_page_size(
            request.query_params, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
        )
        paginator = KeysetPaginator(queryset, self.orderings[name])
        filtered = any(
            key in request.query_params for key in self.filterset_class.base_filters
        )
        # Unfiltered pages (paging through a list) reuse their compiled query.
        shape_key = None if filtered else (self.kind, ctx.audience.key, ctx.today)
        page = paginator.page(request.query_params.get("cursor"), page_size, shape_key)
        count = self.count(request, ctx, queryset, version)
        records = self.presenter.load(ctx, page.pks)
        return render_json(
            {
                "count": count,
                "next": page_link(request, page.next_cursor),
                "previous": page_link(request, page.previous_cursor),
                "results": [records[pk] for pk in page.pks if pk in records],
            },
            ctx=ctx,
        )

    def count(self, request: Request, ctx: ApiContext, queryset, version: int) -> int:
        """The total for these filters, cached until content changes: paging through
        a long list should not count it again on every page."""
        names = self.filterset_class.base_filters
        params = filters.count_key_params(request.query_params, names)
        key = f"c:{self.kind}:{ctx.audience.key}:{ctx.today}:{version}:{params}"
        total = caches["api"].get(key)
        if total is None:
            total = queryset.count()
            caches["api"].set(key, total, 600)
        return total

    # Detail --------------------------------------------------------------------------
    def retrieve(self, request: Request, *args: Any, **kwargs: Any):
        uuid = kwargs["uuid"]
        return self.answer(request, lambda version: self.render_detail(request, uuid))

    def visible_pk(self, ctx: ApiContext, uuid: str) -> int:
        """The record's id if the client may see it; 410 if it was withdrawn after the
        client could see it; otherwise 404, exactly as for an id that never existed."""
        value = _uuid_or_404(uuid)
        # Compiled once per audience and day: planning this lookup on PostgreSQL
        # cost more than running it (docs/performance.md).
        pk = prepared.lookup_pk(
            self.model,
            lambda: self.visible_queryset(ctx),
            "uuid",
            value,
            (ctx.audience.key, ctx.today),
        )
        if pk is None:
            self.not_visible(ctx, value)
        return pk

    def visible_record(self, ctx: ApiContext, uuid: str, detail: bool) -> dict:
        """The record, presented, if the client may see it; otherwise 410 or 404,
        as `visible_pk` answers. One statement finds and reads it."""
        value = _uuid_or_404(uuid)
        found = self.presenter.load_unique(ctx, "uuid", value, detail=detail)
        if found is None:
            self.not_visible(ctx, value)
        return found[1]

    def not_visible(self, ctx: ApiContext, value: UUID) -> NoReturn:
        """410 for a record withdrawn after the client could see it, else 404."""
        if gone_for(self.model, ctx.audience, ctx.today, value):
            raise Gone()
        raise exceptions.NotFound()

    def render_detail(self, request: Request, uuid: str) -> Rendered:
        check_params(request.query_params, {"lang"})
        ctx = self.context(request)
        return render_json(self.visible_record(ctx, uuid, detail=True), ctx=ctx)


class ManifestMixin:
    """A IIIF Presentation 3 manifest of the record (iiif.py) at `<record>/manifest/`.

    A viewset using it says how the manifest is made from the presented record,
    whether that record is the detail answer, and what to say when it has no image."""

    manifest_summary: ClassVar[str]
    manifest_from_detail: ClassVar[bool] = False
    manifest_empty: ClassVar[Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        extend_schema_view(
            manifest=extend_schema(
                summary=cls.manifest_summary,
                responses={(200, iiif.CONTENT_TYPE.split(";")[0]): OpenApiTypes.OBJECT},
            )
        )(cls)

    def make_manifest(self, record: dict, url: str) -> dict:
        raise NotImplementedError

    @action(
        detail=True,
        url_path="manifest",
        renderer_classes=[JSONRenderer, LdJsonRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def manifest(self, request: Request, uuid: str):
        def render(version: int) -> Rendered:
            check_params(request.query_params, set())
            ctx = ApiContext.for_request(request)
            # Nothing is rendered here: the renditions a manifest shows are made
            # in the background when the image or exhibition is published.
            record = self.visible_record(ctx, uuid, self.manifest_from_detail)
            url = request.build_absolute_uri().split("?")[0]
            manifest = self.make_manifest(record, url)
            if not manifest["items"]:
                raise exceptions.NotFound(self.manifest_empty)
            return render_json(manifest, iiif.CONTENT_TYPE)

        return self.answer(request, render)


DATE_ORDERINGS = (("date", "date_earliest", "By date (earliest possible day)."),)
UPDATED = (("updated", "updated_at", "By last change."),)


class RecognitionViewSet(RecordViewSet):
    kind = "recognition"
    filterset_class = filters.RecognitionFilter
    orderings = orderings(
        ("date", "date_earliest", "By year of recognition."),
        ("title", "title_en", "By English title."),
        *UPDATED,
    )


class PersonViewSet(RecordViewSet):
    kind = "person"
    filterset_class = filters.PersonFilter
    orderings = orderings(
        ("name", "family_name", "By family name."),
        ("birth", "birth_latest", "By date of birth."),
        *UPDATED,
    )


class TestimonyViewSet(RecordViewSet):
    kind = "testimony"
    filterset_class = filters.TestimonyFilter
    orderings = orderings(
        ("title", "title_en", "By English title."), *DATE_ORDERINGS, *UPDATED
    )


class ImageViewSet(ManifestMixin, RecordViewSet):
    kind = "image"
    filterset_class = filters.ImageFilter
    orderings = orderings(
        ("created", "created_at", "By upload."),
        ("title", "title_en", "By English title."),
        *UPDATED,
    )
    manifest_summary = "IIIF Presentation 3 manifest of the image"
    manifest_empty = gettext_lazy("This image has no rendition to show yet.")

    def make_manifest(self, record: dict, url: str) -> dict:
        return iiif.image_manifest(record, url)


class SourceViewSet(RecordViewSet):
    kind = "source"
    filterset_class = filters.SourceFilter
    orderings = orderings(("title", "title", "By title."), *DATE_ORDERINGS, *UPDATED)

    @extend_schema(
        summary="The source as CSL-JSON",
        description="An array with one CSL-JSON item, for Zotero, citeproc and "
        "other reference managers.",
        responses={(200, CSL_JSON): CslItem.serializer()(many=True)},
    )
    @action(
        detail=True,
        url_path="csl",
        renderer_classes=[JSONRenderer, CslJsonRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def csl(self, request: Request, uuid: str):
        def render(version: int) -> Rendered:
            check_params(request.query_params, set())
            ctx = ApiContext.for_request(request)
            item = self.presenter.csl(ctx, self.visible_pk(ctx, uuid))
            if item is None:
                raise exceptions.NotFound()
            return render_json([item], CSL_JSON)

        return self.answer(request, render)


class OrganisationViewSet(RecordViewSet):
    kind = "organisation"
    filterset_class = filters.OrganisationFilter
    orderings = orderings(
        ("name", "name_en", "By English name."), *DATE_ORDERINGS, *UPDATED
    )


class PlaceViewSet(RecordViewSet):
    kind = "place"
    filterset_class = filters.PlaceFilter
    orderings = orderings(("name", "name_en", "By English name."), *UPDATED)


class EventViewSet(RecordViewSet):
    kind = "event"
    filterset_class = filters.EventFilter
    orderings = orderings(
        *DATE_ORDERINGS, ("title", "title_en", "By English title."), *UPDATED
    )


class FigureViewSet(RecordViewSet):
    kind = "figure"
    filterset_class = filters.FigureFilter
    orderings = orderings(
        (
            "measure",
            "measure",
            "By measure, so figures that answer the same question sit together.",
        ),
        *DATE_ORDERINGS,
        *UPDATED,
    )


class ExhibitionViewSet(ManifestMixin, RecordViewSet):
    kind = "exhibition"
    filterset_class = filters.ExhibitionFilter
    orderings = orderings(
        ("opens", "opens_on", "By opening date."),
        ("title", "title_en", "By English title."),
        *UPDATED,
    )
    manifest_summary = "IIIF Presentation 3 manifest of the exhibition's images"
    manifest_from_detail = True
    manifest_empty = gettext_lazy("This exhibition shows no images.")

    def make_manifest(self, record: dict, url: str) -> dict:
        return iiif.exhibition_manifest(record, url)


def viewset_for(kind: str) -> type[RecordViewSet]:
    """The viewset of a record kind (each declares its `kind`)."""
    return VIEWSETS[kind]
