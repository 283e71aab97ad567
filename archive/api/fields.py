"""Serializer fields for the shapes the API shares: language maps, constants.

They declare types for the OpenAPI schema; the values themselves are produced by
`presenters/` (see `presenters/shapes.py` for why).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from archive.api.context import LANGUAGES

LANGUAGE_MAP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The text in each language (null where not translated).",
    "properties": {code: {"type": "string", "nullable": True} for code in LANGUAGES},
    "required": list(LANGUAGES),
    "additionalProperties": False,
}


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "string",
                "nullable": True,
                "description": "With `?lang=`: the text in that language, falling "
                "back to English; null when there is none.",
            },
            LANGUAGE_MAP_SCHEMA,
        ]
    }
)
class TranslatedField(serializers.Field):
    """A translated text: a language map, or one string when `?lang=` is given."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value


class ConstField(serializers.Field):
    """A string that is always the same for a schema component, e.g. its `type`."""

    def __init__(self, value: str, **kwargs: Any) -> None:
        self.value = value
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return self.value


class ConstFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ConstField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict:
        # A pattern rather than a one-value enum: enums are hoisted into shared
        # components, and ten of them named "type" would collide.
        return {"type": "string", "pattern": f"^{self.target.value}$"}


@extend_schema_field({"type": "object", "additionalProperties": True})
class AnyValueField(serializers.Field):
    """A value whose shape the schema states elsewhere (e.g. a CSL-JSON item)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value
