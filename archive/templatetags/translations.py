"""Template tags for translated texts on public pages: the text in the visitor's
language with a note saying it is a translation, and from which language.

    {% load translations %}
    {% translated_text record "story" %}     the text (as paragraphs) and its note
    {% translation_note record "story" %}    only the note, beside text shown otherwise

`record` is a model instance (columns `story_fr`...) or a record as the API and the
public pages present it (`{"story": {"en": ..., "fr": ...}, "translations": {...}}`);
a nested part without provenance of its own (an exhibition's chapter, an item's
caption) counts as translated from English by no one named.

Both build their HTML here rather than through an included template: an
exhibition page shows dozens of captions, and each include cost more than the
caption (the classes `translated-text` and `translation-note` are the hooks for
styling).
An empty text is missing: `translated_text` then shows the original, marked with
its language, and says the translation is missing; it never renders an empty
paragraph. Statuses come from `archive.provenance.statuses`, as in the API.
See docs/translations.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive import provenance
from archive.kinds import language_codes
from archive.site import labels

register = template.Library()


def _current(language: str | None) -> str:
    code = (language or get_language() or "").split("-")[0]
    return code if code in language_codes() else provenance.default_language()


def _texts(record: Any, field: str) -> dict[str, Any]:
    if isinstance(record, Mapping):
        value = record.get(field)
        if not isinstance(value, Mapping):
            value = {provenance.default_language(): value}
        return {code: value.get(code) for code in language_codes()}
    return {code: getattr(record, f"{field}_{code}", None) for code in language_codes()}


def _states(record: Any, field: str, texts: Mapping[str, Any]) -> dict[str, Any]:
    """Each language's status: the API's `translations` member of a presented
    record, else `provenance.statuses` over the instance's stored provenance."""
    if isinstance(record, Mapping):
        given = (record.get("translations") or {}).get(field)
        if given:
            return given
        return provenance.statuses({}, field, texts)
    notes = getattr(record, "translation_provenance", None) or {}
    return provenance.statuses(notes, field, texts)


def _original(states: Mapping[str, Any]) -> str:
    for code, state in states.items():
        if state.get("status") == provenance.TranslationStatus.ORIGINAL:
            return code
    for state in states.values():
        if state.get("from"):
            return state["from"]
    return provenance.default_language()


def translation_context(
    record: Any, field: str, language: str | None = None, inline: bool = False
) -> dict[str, Any]:
    """What a page shows for `record.field` in `language` (the active one by
    default): the text, its language, and the note to put beside it."""
    code = _current(language)
    texts = _texts(record, field)
    states = _states(record, field, texts)
    original = _original(states)
    state = states.get(code) or {"status": provenance.TranslationStatus.MISSING}
    context: dict[str, Any] = {
        "text": "",
        "text_language": code,
        "note": "",
        "inline": inline,
    }
    if not provenance.is_filled(texts.get(code)):
        state = {"status": provenance.TranslationStatus.MISSING}
    if state["status"] == provenance.TranslationStatus.MISSING:
        if not provenance.is_filled(texts.get(original)) or code == original:
            return context
        context.update(text=texts[original].strip(), text_language=original)
        context["note"] = labels.fallback_note(original)
        context["missing"] = True
        return context
    context["text"] = texts[code].strip()
    if state["status"] == provenance.TranslationStatus.ORIGINAL:
        return context
    context["note"] = _note({"from": original, **state})
    return context


def _note(state: dict[str, Any]) -> str:
    by = state.get("by")
    values = {"language": provenance.language_name(state["from"])}
    if by == provenance.ARCHIVE_TRANSLATOR:
        note = _("Translated from %(language)s by the archive.") % values
    elif by:
        note = _("Translated from %(language)s by %(translator)s.") % {
            **values,
            "translator": by,
        }
    else:
        note = _("Translated from %(language)s.") % values
    if state["status"] == provenance.TranslationStatus.REVIEWED:
        note = f"{note} {_('Reviewed.')}"
    return note


def _note_html(note: str) -> str:
    return (
        format_html('<p class="translation-note" role="note">{}</p>', note)
        if note
        else ""
    )


@register.simple_tag
def translated_text(
    record: Any, field: str, language: str | None = None, inline: bool = False
) -> SafeString:
    """The text with its note; `inline=True` for a caption inside a sentence or
    a figure caption (a span, the note in brackets)."""
    shown = translation_context(record, field, language, inline)
    text, code, note = shown["text"], shown["text_language"], shown["note"]
    if not text:
        return mark_safe("")
    if inline:
        html = format_html(
            '<span class="translated-text" lang="{}">{}</span>', code, text
        )
        if note:
            html += format_html(' <span class="translation-note">({})</span>', note)
        return html
    return format_html(
        '<div class="translated-text" lang="{}">{}</div>{}',
        code,
        mark_safe(linebreaks(text, autoescape=True)),  # escaped by linebreaks
        _note_html(note),
    )


@register.simple_tag
def translation_note(record: Any, field: str, language: str | None = None) -> str:
    return _note_html(translation_context(record, field, language)["note"])
