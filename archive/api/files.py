"""Rendition files for API clients.

Renditions of public images are public files, served directly (or by a CDN). An
image released for exhibitions only is not public, so its renditions live in
private storage; exhibition clients reach them through signed addresses the API
hands out with the image (`/api/v1/renditions/<token>/`). A token names one
rendition and the last day it is valid (the end of tomorrow, so answers can be
cached for the day), and the view checks on every request that the image is still
visible to exhibition clients.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from django.core import signing
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils import timezone

from archive import models as m
from archive.api.context import ApiContext, Audience
from archive.renditions import MIME_TYPES
from archive.storage import PRIVATE_RENDITIONS, rendition_storage

SALT = "archive.api.rendition"


def _exhibition_audience() -> Audience:
    return Audience(m.ApiClient(tier=m.Tier.EXHIBITION, is_active=True))


@lru_cache(maxsize=100_000)
def _public_url(backend: Any, name: str) -> str:
    # A public file's URL depends only on its name and the storage (a new storage
    # object, e.g. after settings change, is a new key).
    return backend.url(name)


def rendition_url(ctx: ApiContext, rendition_id: int, name: str) -> str:
    """Where this client fetches a rendition file."""
    if not name.startswith(PRIVATE_RENDITIONS):
        return ctx.absolute(_public_url(storages["default"], name))
    if ctx.audience.is_public:
        # Only during the moment an image turns public and its files move: the
        # media view redirects to the public file then (and 404s otherwise).
        return ctx.absolute(rendition_storage.url(name))
    expires = ctx.today + datetime.timedelta(days=1)
    token = signing.dumps([rendition_id, expires.isoformat()], salt=SALT)
    return f"{ctx.base}/api/v1/renditions/{token}/"


def read_token(token: str) -> int:
    """The rendition id a token grants, or Http404 (bad, expired or too long)."""
    if len(token) > 200:
        raise Http404
    try:
        rendition_id, expires = signing.loads(token, salt=SALT)
        valid_until = datetime.date.fromisoformat(expires)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise Http404 from error
    if not isinstance(rendition_id, int) or valid_until < timezone.localdate():
        raise Http404
    return rendition_id


def serve(token: str) -> Any:
    """The file of a signed rendition while its image is visible to exhibition
    clients; public files by redirect."""
    rendition_id = read_token(token)
    visible = m.Image.objects.filter(_exhibition_audience().visible_q(m.Image))
    rendition = (
        m.Rendition.objects.filter(pk=rendition_id, image__in=visible)
        .only("file", "format")
        .first()
    )
    if rendition is None:
        raise Http404
    if not rendition.file.name.startswith(PRIVATE_RENDITIONS):
        return HttpResponseRedirect(storages["default"].url(rendition.file.name))
    try:
        handle = rendition_storage.open(rendition.file.name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=MIME_TYPES.get(rendition.format, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def ensure_named_renditions(image_ids: list[int]) -> None:
    """Make every named rendition (thumbnail to large, JPEG and WebP) of these
    images that is missing. Slow the first time; used for manifests, exhibition
    publishing and export bundles, never while answering a list."""
    from archive.renditions import FORMATS, NAMED_SPECS

    wanted = [(spec, fmt) for spec in NAMED_SPECS.values() for fmt in FORMATS]
    existing = set(
        m.Rendition.objects.filter(image_id__in=image_ids).values_list(
            "image_id", "spec", "format"
        )
    )
    missing = {
        image_id
        for image_id in image_ids
        for spec, fmt in wanted
        if (image_id, spec, fmt) not in existing
    }
    for image in m.Image.objects.filter(pk__in=missing):
        for spec, fmt in wanted:
            if (image.pk, spec, fmt) not in existing:
                image.try_rendition(spec, fmt)


def exhibition_image_ids(exhibition_id: int) -> list[int]:
    image_type = "image"
    ids = list(
        m.ExhibitionItem.objects.filter(
            section__exhibition_id=exhibition_id,
            content_type__app_label="archive",
            content_type__model=image_type,
        ).values_list("object_id", flat=True)
    )
    hero = (
        m.Exhibition.objects.filter(pk=exhibition_id)
        .values_list("hero_image_id", flat=True)
        .first()
    )
    if hero:
        ids.append(hero)
    return list(dict.fromkeys(ids))
