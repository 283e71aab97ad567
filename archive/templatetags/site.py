"""Template helpers of the public pages: translated content with its fallback
marked, dates in words, numbers per language, images with every size, the
language switcher's addresses."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django import template
from django.conf import settings
from django.template.base import FilterExpression, Node, NodeList, TextNode, Variable
from django.template.defaulttags import URLNode
from django.templatetags.i18n import TranslateNode
from django.urls import (
    NoReverseMatch,
    get_script_prefix,
    get_urlconf,
    reverse,
    translate_url,
)
from django.utils import formats, translation
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info

from archive import kinds
from archive.kinds import language_codes
from archive.site import labels
from archive.site.dates import date_in_words

register = template.Library()


def pick(value: Any, page: str | None = None) -> tuple[str, str | None]:
    """(text, language) of a translated value for the page's language (`page`,
    the active one by default): the page's own text, else the first other
    language that has one (English first). A plain string (a name, a quotation)
    has no language of its own: (text, None)."""
    if not isinstance(value, dict):
        return ("" if value is None else str(value)), None
    page = page or get_language() or language_codes()[0]
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
def single_language(value: Any) -> Any:
    """A note kept in one language only (a membership's role, a name variant's or
    a citation's note) is taken to be in the archive's first language
    (docs/translations.md), so `tr` marks it on other languages' pages as it marks
    any fallback."""
    if isinstance(value, str) and value.strip():
        return {language_codes()[0]: value}
    return value


@register.filter
def has_text(value: Any) -> bool:
    return bool(pick(value)[0])


@register.simple_tag
def tr(value: Any, block: bool = False) -> SafeString:
    """Translated content for the page; when it falls back to another language it
    carries that language's `lang` attribute and a visible note."""
    page = get_language()
    content, lang = pick(value, page)
    if not content:
        return mark_safe("")
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


@register.simple_tag
def ref(value: dict | None) -> SafeString:
    """A link to a referenced record (a presenter's reference: `web_url`,
    `title`), its title as `tr` shows it. A tag rather than an included
    template: pages show dozens, and each include cost more than the link."""
    if not value:
        return mark_safe("")
    return format_html(
        '<a href="{}">{}</a>', value.get("web_url", ""), tr(value.get("title"))
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
    """The same page in every language, for the switcher and hreflang links
    (`url` a path, `href` the absolute address).

    The page's own route is reversed in each language from the request's resolver
    match, as `translate_url` would, without resolving the path again (that walk
    over every route cost more than the rest of the page's header).

    An error page links to the home page in each language instead: its body must
    not depend on the address asked for, so that an unpublished record's 404 is
    byte for byte the 404 of an address that never existed."""
    request = context["request"]
    error_page = "request_path" in context or context.get("error_page")
    match = None if error_page else request.resolver_match
    query = "" if error_page else request.META.get("QUERY_STRING", "")
    origin = f"{request.scheme}://{request.get_host()}"
    current = get_language()
    links = []
    for code in language_codes():
        with translation.override(code):
            if match is None or not match.view_name:
                url = (
                    reverse("archive:home")
                    if error_page
                    else translate_url(request.path, code)
                )
            else:
                try:
                    url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
                except NoReverseMatch:
                    url = translate_url(request.path, code)
        if query:
            url = f"{url}?{query}"
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "href": origin + url,
                "current": code == current,
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


def _constant(expression: FilterExpression) -> bool:
    """A quoted string or number with no filter: the same in every context."""
    value = expression.var
    literal = not isinstance(value, Variable) or value.lookups is None
    return literal and not expression.filters


def _language_only(node: Node) -> bool:
    """Text, or a `translate` or `url` tag of constants (without `as`)."""
    if isinstance(node, TextNode):
        return True
    if isinstance(node, TranslateNode):
        return (
            not node.asvar
            and node.message_context is None
            and _constant(node.filter_expression)
        )
    if isinstance(node, URLNode):
        return (
            not node.asvar
            and _constant(node.view_name)
            and all(_constant(arg) for arg in node.args)
            and all(_constant(arg) for arg in node.kwargs.values())
        )
    return False


class PerLanguageNode(Node):
    """Renders its content once per language (and URL configuration) in the
    process, then repeats it."""

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple, str] = {}

    def render(self, context: template.Context) -> str:
        key = (
            get_language(),
            get_script_prefix(),
            get_urlconf() or settings.ROOT_URLCONF,
        )
        found = self.rendered.get(key)
        if found is None:
            found = self.rendered[key] = self.nodelist.render(context)
        return found


@register.tag
def per_language(parser: template.base.Parser, token: template.base.Token) -> Node:
    """`{% per_language %}...{% endper_language %}`: a fragment that depends on the
    page's language alone (the site's navigation and footer), rendered once per
    language and process instead of on every page (its `translate` and `url` tags
    were a third of a record page's template time).

    Only text and `translate` or `url` tags of constants may be inside: anything
    that reads the context would be frozen at its first rendering, so it is
    refused when the template is parsed."""
    nodelist = parser.parse(("endper_language",))
    parser.delete_first_token()
    for node in nodelist:
        if not _language_only(node):
            raise template.TemplateSyntaxError(
                "per_language holds only text and translate or url tags of "
                f"constants, not {node.token.contents if node.token else node!r}"
            )
    return PerLanguageNode(nodelist)
