"""HTTP caching for the API: validators, Cache-Control and a response cache.

Every answer is keyed by the full URL, the audience (public or exhibition tier), the
day (embargoes end and people pass the 110-year presumption at midnight) and the
archive version, a counter bumped in the same transaction as every content change
(signal handlers below). A cached answer therefore never outlives the content it
was made from, and a repeated request costs one small query and a cache lookup:
no serialization at all.

ETags are a hash of the body, so two clients always agree on them.

Last-Modified is the last change the requester's audience could see (or midnight,
whichever is later). Each save, delete or change of links asks
`exposure.audiences_seeing` whether the public, or exhibition apps, could see the
row before or after it, and only their stamps on `ArchiveVersion` move. Work on a
draft, an embargoed or a staff-only record leaves public answers alone: same body,
same ETag, same Last-Modified, and If-Modified-Since still answers 304, so polling
a public list tells nothing about what curators are doing.

Why stamps in the database rather than remembering, per audience and URL, each
ETag and when it was first served: that memory would live in the `api` cache,
which is per process (LocMem) unless Redis is configured, and may evict at any
time. Per-process memories disagree, so one worker could give a client an older
Last-Modified than the copy another worker served it, and a 304 for a changed
answer; an eviction restarts the clock. The stamps are one row, written in the
change's own transaction, shared by every process and never evicted. Their costs:
any change an audience can see moves Last-Modified on all of its answers (as every
change did before), and a save runs one or two small queries to decide who saw it.

The response cache is still keyed by the overall version (a cached answer must
never outlive any change), so after a hidden change the next public request is
rendered afresh: the same answer, only slower.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from archive.api.context import Audience
from archive.api.exposure import audiences_seeing
from archive.models import ArchiveVersion
from archive.models.versions import AUDIENCES

JSON = "application/json"


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str
    content_type: str = JSON
    #: Headers that belong to the body (e.g. its Content-Language), cached with it.
    headers: tuple[tuple[str, str], ...] = ()


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
    stamp = ArchiveVersion.current()
    version = stamp.version
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
    for name, value in rendered.headers:
        response[name] = value
    changed_at = stamp.changed_for(audience.key)
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


# Invalidation and the audiences' stamps ----------------------------------------

#: Archive models whose changes never show in API answers.
IGNORED_MODELS = {
    "apiclient",
    "archiveversion",
    "recordvisit",  # visit counts: never in an answer, flushed every few minutes
    "searchdocument",
    "searchfacet",
    "securitykey",  # staff members' second factors
    "taskreport",
}


def content_models() -> list[type]:
    """Archive models whose rows appear in answers (history tables excluded)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_app_config("archive").get_models()
        if model._meta.model_name not in IGNORED_MODELS
        and not model._meta.model_name.startswith("historical")
    ]


def note_seen_before_save(
    sender: Any, instance: Any, raw: bool = False, **kwargs: Any
) -> None:
    """Who could see the row as stored, before this save changes it."""
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._api_seen = audiences_seeing(sender, [instance.pk])


def bump_on_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Count the change, for the audiences that could see the row before or after.

    Fixtures (raw saves) may arrive before the rows they point at: counted for all.
    """
    before = instance.__dict__.pop("_api_seen", set())
    seen = set(AUDIENCES) if raw else before | audiences_seeing(sender, [instance.pk])
    ArchiveVersion.bump(seen)


def note_seen_before_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._api_seen = audiences_seeing(sender, [instance.pk])


def bump_on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    ArchiveVersion.bump(instance.__dict__.pop("_api_seen", set(AUDIENCES)))


#: Link table -> (its key to the model declaring the field, its key to the other).
LINK_KEYS: dict[type[Model], tuple[str, str]] = {}


def _seen_links(sender: Any, instance: Any, reverse: bool, pk_set: Any) -> set[str]:
    """Who can see the link rows an add, remove or clear touches."""
    own, far = LINK_KEYS[sender]
    if reverse:
        own, far = far, own
    rows = sender._default_manager.filter(**{own: instance.pk})
    if pk_set is not None:
        rows = rows.filter(**{f"{far}__in": pk_set})
    return audiences_seeing(sender, rows.values_list("pk", flat=True))


def bump_on_m2m(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: Any,
    **kwargs: Any,
) -> None:
    """Links count for the audiences that see them: after they are added, or before
    they are removed or cleared (then they are gone)."""
    pending = instance.__dict__.setdefault("_api_seen_links", {})
    if action in ("pre_remove", "pre_clear"):
        pending[sender] = _seen_links(sender, instance, reverse, pk_set)
    elif action == "post_add":
        ArchiveVersion.bump(_seen_links(sender, instance, reverse, pk_set))
    elif action in ("post_remove", "post_clear"):
        ArchiveVersion.bump(pending.pop(sender, set(AUDIENCES)))


def link_keys(through: type[Model], field: Any) -> None:
    """Remember a link table's two keys (called when its receiver is connected)."""
    LINK_KEYS[through] = (field.m2m_field_name(), field.m2m_reverse_field_name())
