"""What every API answer depends on: who asks, in which language, at which address.

`ApiContext` is made once per request and passed to the loaders and presenters in
`presenters/`; it also builds record URLs from per-request templates so that
hundreds of nested references do not each pay for `reverse()`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation

from archive import kinds
from archive.models import ApiClient, Publishable, Tier

SAFE_SLUG = re.compile(r"[-a-zA-Z0-9_]+")

#: Content languages, in the order language maps list them (from settings).
LANGUAGES: tuple[str, ...] = kinds.language_codes()
DEFAULT_LANGUAGE = LANGUAGES[0]

#: Record kind -> (model name, API route), from the registry.
KINDS: dict[str, tuple[str, str]] = {
    kind.name: (kind.model._meta.model_name, kind.plural) for kind in kinds.KINDS
}

#: The `type` of records, and of exhibition items (which may also be segments).
RECORD_TYPES: list[str] = list(KINDS)
ITEM_TYPES: list[str] = [*KINDS, "segment"]
CHANGE_ACTIONS: list[str] = ["updated", "removed"]


@dataclass(frozen=True)
class Audience:
    """Who is asking: the public, or an exhibition-tier client (all of whom see the
    same records, so answers are shared between them)."""

    client: ApiClient | None = None

    @classmethod
    def named(cls, key: str) -> Audience:
        """The audience with this key, for rules that hold for everyone in it."""
        if key == "exhibition":
            return cls(ApiClient(tier=Tier.EXHIBITION, is_active=True))
        return cls()

    @property
    def key(self) -> str:
        if self.client is not None and self.client.sees_exhibition_records:
            return "exhibition"
        return "public"

    @property
    def is_public(self) -> bool:
        return self.key == "public"

    def visible_q(self, model: type[Publishable], prefix: str = "") -> Q:
        """`model.objects.visible_to(client)` as a Q, optionally across a relation.

        Cached for the day (the rules depend on today's date, and on the client only
        through its audience); Q objects are never modified once built."""
        return _visible_q(model, prefix, self.key, timezone.localdate())


@lru_cache(maxsize=2048)
def _columns(prefix: str, name: str) -> tuple[tuple[str, str], ...]:
    """(language, column) pairs of a translated field, made once per field."""
    columns = kinds.translated_columns(name, prefix=prefix)
    return tuple(zip(LANGUAGES, columns, strict=True))


@lru_cache(maxsize=1024)
def _visible_q(model: type[Publishable], prefix: str, audience: str, day: Any) -> Q:
    client = (
        ApiClient(tier=Tier.EXHIBITION, is_active=True)
        if audience == "exhibition"
        else None
    )
    q = model._default_manager.all().visible_q(client)
    return prefixed(q, prefix) if prefix else q


@lru_cache(maxsize=1024)
def _address_templates(
    kind: str, lang: str, base: str, script_prefix: str, urlconf: Any
) -> tuple[str, str, str]:
    """`ApiContext.addresses`, kept between requests: `reverse()` cost a tenth of
    a recognition's answer. Its key is everything the addresses depend on besides
    the URL patterns themselves (the script prefix and the URL configuration
    `reverse()` reads, the language and the host); `script_prefix` and `urlconf`
    are only part of the key, `reverse()` reads them itself."""
    placeholder = "slug-placeholder-0"
    with translation.override(lang):
        path = reverse(f"archive:{KINDS[kind][0]}-detail", kwargs={"slug": placeholder})
    if not path.startswith(("http://", "https://")):
        path = f"{base}{path}"
    before, _sep, after = path.partition(placeholder)
    return before, after, f"{base}/api/v1/{KINDS[kind][1]}/"


def prefixed(q: Q, prefix: str) -> Q:
    """The same condition on a related model: `Q(status=...)` -> `Q(person__status=...)`."""
    clone = Q()
    clone.connector = q.connector
    clone.negated = q.negated
    clone.children = [
        prefixed(child, prefix)
        if isinstance(child, Q)
        else (f"{prefix}{child[0]}", child[1])
        for child in q.children
    ]
    return clone


@dataclass
class ApiContext:
    audience: Audience
    #: None: translated fields are language maps; a code: collapsed to strings.
    lang: str | None
    #: Scheme and host, e.g. "https://archive.example.org"; no trailing slash.
    base: str
    today: datetime.date = field(default_factory=timezone.localdate)
    #: Translated fields collapsed to English because a record had no text in
    #: `lang` (names, e.g. "title").
    fallbacks: set[str] = field(default_factory=set)
    _web_templates: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: The language of the public pages that `web_url` points at (the public
    #: site's own pages set it; the API uses `lang`, else English).
    url_lang: str | None = None

    @classmethod
    def for_request(cls, request: Any, lang: str | None = None) -> ApiContext:
        audience = Audience(getattr(request, "auth", None))
        base = request.build_absolute_uri("/").rstrip("/")
        return cls(audience=audience, lang=lang, base=base)

    @classmethod
    def offline(cls, audience: Audience, lang: str | None = None) -> ApiContext:
        """For exports and commands: absolute URLs from ARCHIVE_PUBLIC_BASE_URL."""
        return cls(
            audience=audience,
            lang=lang,
            base=settings.ARCHIVE_PUBLIC_BASE_URL.rstrip("/"),
        )

    # Translated values -------------------------------------------------------
    def tr(self, row: dict[str, Any], name: str, prefix: str = "") -> Any:
        """A translated column as a language map, or one string with `?lang=`.

        Empty translations are null; a collapsed value falls back to English.
        """
        columns = _columns(prefix, name)
        if self.lang is None:
            return {code: row[column] or None for code, column in columns}
        value = row[f"{prefix}{name}_{self.lang}"]
        if value:
            return value
        fallback = row[columns[0][1]]
        if fallback:
            # Said in the answer's headers (`language_headers`).
            self.fallbacks.add(name)
        return fallback or None

    def language_headers(self) -> tuple[tuple[str, str], ...]:
        """With `?lang=`: the languages the collapsed fields were given in
        (`Content-Language`: the one asked for, then English if any field fell back
        to it) and which fields fell back (`Language-Fallbacks`)."""
        if self.lang is None:
            return ()
        fallback = LANGUAGES[0]
        if not self.fallbacks or self.lang == fallback:
            return (("Content-Language", self.lang),)
        return (
            ("Content-Language", f"{self.lang}, {fallback}"),
            ("Language-Fallbacks", ", ".join(sorted(self.fallbacks))),
        )

    # Addresses ---------------------------------------------------------------
    def absolute(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return f"{self.base}{path_or_url}"

    def addresses(self, kind: str) -> tuple[str, str, str]:
        """(web prefix, web suffix, API prefix) of a record kind, made once per
        request: a page of 50 records holds hundreds of references."""
        found = self._web_templates.get(kind)
        if found is None:
            # The page in the answer's language (English for language maps), never
            # the one the request's Accept-Language happens to activate: answers
            # are cached and shared between requesters.
            found = self._web_templates[kind] = _address_templates(
                kind,
                self.url_lang or self.lang or DEFAULT_LANGUAGE,
                self.base,
                get_script_prefix(),
                get_urlconf(settings.ROOT_URLCONF),
            )
        return found

    def web_url(self, kind: str, slug: str) -> str:
        """The record's public page; equal to get_absolute_url(), made absolute.

        Slugs are URL-safe by construction; anything else is quoted."""
        before, after, _api = self.addresses(kind)
        if not SAFE_SLUG.fullmatch(slug):
            slug = quote(slug, safe="")
        return before + slug + after

    def api_url(self, kind: str, uuid: Any, suffix: str = "") -> str:
        return f"{self.addresses(kind)[2]}{uuid}/{suffix}"
