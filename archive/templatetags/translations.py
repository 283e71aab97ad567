"""Template tags for translated texts on public pages: the text in the visitor's
language with a note saying it is a translation, and from which language.

    {% load translations %}
    {% translated_text record "story" %}     the text (as paragraphs) and its note
    {% translation_note record "story" %}    only the note, beside text shown otherwise

Both render their own template (`archive/includes/translated_text.html`,
`archive/includes/translation_note.html`), so the public pages can restyle them.
An empty text is missing: `translated_text` then shows the original, marked with
its language, and says the translation is missing; it never renders an empty
paragraph. Statuses come from `archive.provenance.statuses`, as in the API.
See docs/translations.md.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive import provenance
from archive.kinds import language_codes

register = template.Library()


def _current(language: str | None) -> str:
    code = (language or get_language() or "").split("-")[0]
    return code if code in language_codes() else provenance.default_language()


def translation_context(
    record: Any, field: str, language: str | None = None
) -> dict[str, Any]:
    """What a page shows for `record.field` in `language` (the active one by
    default): the text, its language, and the note to put beside it."""
    code = _current(language)
    texts = {c: getattr(record, f"{field}_{c}", None) for c in language_codes()}
    notes = getattr(record, "translation_provenance", None) or {}
    states = provenance.statuses(notes, field, texts)
    original = provenance.original_language(notes, field)
    state = states[code]
    context: dict[str, Any] = {"text": "", "text_language": code, "note": ""}
    if state["status"] == provenance.TranslationStatus.MISSING:
        if not provenance.is_filled(texts.get(original)) or code == original:
            return context
        context.update(text=texts[original].strip(), text_language=original)
        context["note"] = _(
            "Not yet translated into %(language)s: the %(original)s original."
        ) % {
            "language": provenance.language_name(code),
            "original": provenance.language_name(original),
        }
        context["missing"] = True
        return context
    context["text"] = texts[code].strip()
    if state["status"] == provenance.TranslationStatus.ORIGINAL:
        return context
    context["note"] = _note(state)
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


@register.inclusion_tag("archive/includes/translated_text.html")
def translated_text(record: Any, field: str, language: str | None = None):
    return translation_context(record, field, language)


@register.inclusion_tag("archive/includes/translation_note.html")
def translation_note(record: Any, field: str, language: str | None = None):
    return translation_context(record, field, language)
