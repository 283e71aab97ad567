"""HTTP caching for the API: validators, Cache-Control and a response cache.

Every answer is keyed by the full URL, the audience (public or exhibition tier), the
day (embargoes end and people pass the 110-year presumption at midnight) and the
archive version, a counter bumped in the same transaction as every content change
(signal handlers below). A cached answer therefore never outlives the content it
was made from, and a repeated request costs one small query and a cache lookup:
no serialization at all.

ETags are a hash of the body, so two clients always agree on them;
Last-Modified is the last content change (or midnight, whichever is later).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from archive.api.context import Audience
from archive.models import ArchiveVersion

JSON = "application/json"


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str
    content_type: str = JSON


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def last_modified(changed_at: datetime.datetime, today: datetime.date) -> float:
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return max(changed_at, midnight).timestamp()


def cached_response(
    request: HttpRequest,
    audience: Audience,
    today: datetime.date,
    render: Callable[[int], Rendered],
    *,
    status: int = 200,
) -> HttpResponse:
    """Answer from the response cache, or render, store and answer.

    Handles If-None-Match / If-Modified-Since (304) and sets the caching headers.
    A request marked `skip_response_cache` (bench_api's cold runs) is always rendered.
    """
    version, changed_at = ArchiveVersion.current()
    seconds = settings.API_RESPONSE_CACHE_SECONDS
    use_cache = seconds > 0 and not getattr(request, "skip_response_cache", False)
    key = None
    rendered = None
    if use_cache:
        raw_key = (
            f"{version}|{today.isoformat()}|{audience.key}|{request.get_full_path()}"
        )
        key = "r:" + hashlib.blake2b(raw_key.encode(), digest_size=20).hexdigest()
        rendered = caches["api"].get(key)
    if rendered is None:
        rendered = render(version)
        if key is not None:
            caches["api"].set(key, rendered, seconds)
    response = HttpResponse(
        rendered.body, status=status, content_type=rendered.content_type
    )
    return finish(request, response, audience, rendered.etag, changed_at, today)


def finish(
    request: HttpRequest,
    response: HttpResponse,
    audience: Audience,
    etag: str,
    changed_at: datetime.datetime,
    today: datetime.date,
) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified(changed_at, today))
    set_cache_control(response, audience, request)
    conditional = get_conditional_response(
        request,
        etag=etag,
        last_modified=int(last_modified(changed_at, today)),
        response=response,
    )
    return conditional if conditional is not None else response


def set_cache_control(
    response: HttpResponse, audience: Audience, request: HttpRequest
) -> None:
    """Public answers may be cached anywhere for a short while; keyed answers only by
    the client itself, and always revalidated (they may include exhibition-only
    records)."""
    if request.META.get("HTTP_AUTHORIZATION"):
        response["Cache-Control"] = "private, no-cache"
    else:
        response["Cache-Control"] = f"public, max-age={settings.API_CACHE_MAX_AGE}"
    patch_vary_headers(response, ["Authorization"])


# Invalidation ------------------------------------------------------------------

#: Archive models whose changes never show in API answers.
IGNORED_MODELS = {"apiclient", "archiveversion", "searchtoken"}


def content_models() -> list[type]:
    """Archive models whose rows appear in answers (history tables excluded)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_app_config("archive").get_models()
        if model._meta.model_name not in IGNORED_MODELS
        and not model._meta.model_name.startswith("historical")
    ]


def bump_on_change(sender: Any, **kwargs: Any) -> None:
    ArchiveVersion.bump()


def bump_on_m2m(sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        ArchiveVersion.bump()


def connect() -> None:
    """Connect the bumps per model (called once, from the app's ready()).

    Per sender rather than for every model: a receiver for all senders would make
    Django fetch and signal every row of every bulk delete, search words included.
    """
    for model in content_models():
        uid = model._meta.label_lower
        post_save.connect(bump_on_change, sender=model, dispatch_uid=f"api-save-{uid}")
        post_delete.connect(
            bump_on_change, sender=model, dispatch_uid=f"api-delete-{uid}"
        )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                bump_on_m2m,
                sender=through,
                dispatch_uid=f"api-m2m-{through._meta.label_lower}",
            )
