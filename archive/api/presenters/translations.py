"""The `translations` member every record has: each translated field's status per
language (original, translated by whom and when, reviewed, missing), declared once
for the answer and the OpenAPI schema. The statuses come from
`archive.provenance.statuses`, the same function the admin and public pages use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers as s

from archive import provenance
from archive.api.context import LANGUAGES
from archive.api.presenters.shapes import Compiler, Member, Row

_LANGUAGE_STATUS = {
    "type": "object",
    "description": "How this language's text came to be.",
    "properties": {
        "status": {
            "type": "string",
            "enum": [choice.value for choice in provenance.TranslationStatus],
            "description": "`original`: written in this language. `translated`: a "
            "translation not yet reviewed. `reviewed`: a translation someone "
            "checked. `missing`: no text in this language.",
        },
        "from": {"type": "string", "description": "The original's language."},
        "by": {
            "type": "string",
            "nullable": True,
            "description": "Who translated it (null when not recorded).",
        },
        "on": {"type": "string", "format": "date", "nullable": True},
        "reviewed_by": {"type": "string", "nullable": True},
        "reviewed_on": {"type": "string", "format": "date", "nullable": True},
    },
    "required": ["status"],
}


@extend_schema_field(
    {
        "type": "object",
        "description": "Per translated field that has text in some language "
        "(e.g. `story`, `description`), each language's status. Names of people, "
        "quotations and source titles are never translated and are not listed.",
        "additionalProperties": {
            "type": "object",
            "properties": {code: _LANGUAGE_STATUS for code in LANGUAGES},
            "required": list(LANGUAGES),
        },
    }
)
class TranslationsField(s.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value


class Translations(Member):
    """`{field: {language: status}}` from the row's text columns and provenance."""

    def __init__(self, model) -> None:
        super().__init__("translations")
        self.fields = provenance.tracked_fields(model)

    def columns(self, prefix: str) -> list[str]:
        texts = [f"{prefix}{f}_{code}" for f in self.fields for code in LANGUAGES]
        return [f"{prefix}translation_provenance", *texts]

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        return f"{c.use(present_translations)}({row}, {self.fields!r}, {prefix!r})"

    def field(self) -> s.Field:
        return TranslationsField()


@lru_cache(maxsize=256)
def _columns(
    fields: tuple[str, ...], prefix: str
) -> tuple[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]]:
    """The provenance column, and per field its (language, column) pairs: made
    once, not for every record of every page."""
    return f"{prefix}translation_provenance", tuple(
        (field, tuple((code, f"{prefix}{field}_{code}") for code in LANGUAGES))
        for field in fields
    )


def present_translations(
    row: Row, fields: tuple[str, ...], prefix: str
) -> dict[str, dict[str, dict[str, Any]]]:
    notes_column, columns = _columns(fields, prefix)
    notes = row[notes_column] or {}
    answer = {}
    for field, pairs in columns:
        texts = {code: row[column] for code, column in pairs}
        if any(provenance.is_filled(text) for text in texts.values()):
            answer[field] = provenance.statuses(notes, field, texts)
    return answer
