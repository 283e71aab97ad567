"""Template helpers of the public pages: translated content with its fallback
marked, dates in words, numbers per language, images with every size, the
language switcher's addresses."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django import template
from django.urls import reverse, translate_url
from django.utils import formats, translation
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info

from archive import kinds
from archive.kinds import language_codes
from archive.site import labels
from archive.site.dates import date_in_words

register = template.Library()


def pick(value: Any) -> tuple[str, str | None]:
    """(text, language) of a translated value for the page's language: the page's
    own text, else the first other language that has one (English first). A plain
    string (a name, a quotation) has no language of its own: (text, None)."""
    if not isinstance(value, dict):
        return ("" if value is None else str(value)), None
    page = get_language() or language_codes()[0]
    if value.get(page):
        return value[page], page
    for code in language_codes():
        if value.get(code):
            return value[code], code
    return "", None


@register.filter
def text(value: Any) -> str:
    """The text alone, for attributes (alt, title) and JSON-LD."""
    return pick(value)[0]


@register.filter
def has_text(value: Any) -> bool:
    return bool(pick(value)[0])


@register.filter
def untranslated(value: str | None) -> dict[str, str]:
    """A content field kept in the archive's default language only (a rescuer's
    relation in the file), as a language map, so `tr` marks it on other pages."""
    return {language_codes()[0]: value or ""}


@register.simple_tag
def tr(value: Any, block: bool = False) -> SafeString:
    """Translated content for the page; when it falls back to another language it
    carries that language's `lang` attribute and a visible note."""
    content, lang = pick(value)
    if not content:
        return mark_safe("")
    page = get_language()
    body = (
        linebreaks(content, autoescape=True) if block else conditional_escape(content)
    )
    if lang is None or lang == page:
        return mark_safe(body)
    note = labels.fallback_note(lang)
    if block:
        return format_html(
            '<div lang="{}">{}</div><p class="fallback-note">{}</p>',
            lang,
            mark_safe(body),
            note,
        )
    return format_html(
        '<span lang="{}">{}</span> <span class="fallback-mark" title="{}">({})</span>',
        lang,
        mark_safe(body),
        note,
        lang.upper(),
    )


@register.filter
def date_words(date: dict | None) -> str:
    """A date answer ({edtf, display, ...}) in words: the curator's label in the
    page's language if there is one, else the EDTF in words."""
    if not date:
        return ""
    label, lang = pick(date.get("display"))
    if label and lang == get_language():
        return label
    return date_in_words(date.get("edtf"))


@register.filter
def edtf_words(value: str | None) -> str:
    return date_in_words(value)


@register.filter
def num(value: Any) -> str:
    """A number with the page language's separators (10 000, 10.000, 10,000)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float | decimal.Decimal) and value == int(value):
        value = int(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as a time code, h:mm:ss or m:ss."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


@register.filter
def srcset(renditions: list[dict] | None, fmt: str = "jpeg") -> str:
    """`srcset` of an image's renditions of one format, widest last; crops
    (fill-...) are left to thumbnails and cards."""
    chosen = sorted(
        (r for r in renditions or () if r["format"] == fmt and "width-" in r["spec"]),
        key=lambda r: r["width"],
    )
    return ", ".join(f"{r['url']} {r['width']}w" for r in chosen)


@register.filter
def rendition(renditions: list[dict] | None, name: str) -> dict | None:
    """The JPEG rendition of that name ("card", "medium"...), or the widest one."""
    jpegs = [r for r in renditions or () if r["format"] == "jpeg"]
    for found in jpegs:
        if found["name"] == name:
            return found
    return max(jpegs, key=lambda r: r["width"], default=None)


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, Any]]:
    """The same page in every language, for the switcher and hreflang links.

    An error page links to the home page in each language instead: its body must
    not depend on the address asked for, so that an unpublished record's 404 is
    byte for byte the 404 of an address that never existed."""
    request = context["request"]
    error_page = "request_path" in context or context.get("error_page")
    query = "" if error_page else request.META.get("QUERY_STRING", "")
    links = []
    for code in language_codes():
        if error_page:
            with translation.override(code):
                url = reverse("archive:home")
        else:
            url = translate_url(request.path, code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": f"{url}?{query}" if query else url,
                "current": code == get_language(),
            }
        )
    return links


@register.filter
def isodate(value: str | None) -> str:
    """An ISO date or timestamp ("2025-05-08T10:00:00+00:00") as a date in words."""
    if not value:
        return ""
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return formats.date_format(day, "DATE_FORMAT")


#: Choices a page shows by their translated label, by the name templates use.
CHOICES = {
    "event": "EventKind",
    "place": "PlaceKind",
    "organisation": "OrganisationKind",
    "testimony": "TestimonyKind",
    "source": "SourceKind",
    "gender": "Gender",
    "qualifier": "Qualifier",
    "variant": "NameVariant.Kind",
    "participant": "TestimonyParticipant.Role",
}


@register.filter
def choice(value: str | None, name: str) -> str:
    """A stored choice ("convoy") as its translated label ("Convoi")."""
    from archive import models

    if not value:
        return ""
    enum: Any = models
    for part in CHOICES[name].split("."):
        enum = getattr(enum, part)
    return str(dict(enum.choices).get(value, value))


@register.filter
def language_name(code: str | None) -> str:
    """A language code ("fr") as its name in the page's language."""
    return kinds.language_name(code)


@register.filter
def kind_label(kind: str) -> str:
    """A record kind as the site names it ("Testimony")."""
    return labels.singular(kind)
