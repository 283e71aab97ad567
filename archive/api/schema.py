"""OpenAPI generation: what every operation shares (the `lang` parameter, the API
key, the problem+json errors) is added here once instead of on every view."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from archive.api.context import LANGUAGES
from archive.api.problems import PROBLEM_CONTENT_TYPE
from archive.api.serializers import ProblemSerializer

ERRORS = {
    "400": "A query parameter is unknown, repeated or not valid.",
    "401": "The API key is wrong or revoked.",
    "404": "No such record, or not visible to you.",
    "406": "The Accept header asks for a format the API does not give.",
    "429": "Too many requests; wait as long as Retry-After says.",
}

LANG = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=list(LANGUAGES),
    description=(
        "Collapse translated fields to strings in this language, falling back to "
        "English where a record has no text in it. The answer says which: "
        "`Content-Language` lists the languages given (the one asked for, then "
        "`en` if anything fell back) and `Language-Fallbacks` names the fields "
        "given in English for at least one record (e.g. `title, caption`). "
        "Without it, translated fields are maps of every language."
    ),
)

#: Response headers of answers with translated fields (see LANG).
LANGUAGE_HEADERS = {
    "Content-Language": {
        "description": "With `lang`: the languages of the collapsed fields, the "
        "one asked for first, then `en` if any field fell back to English.",
        "schema": {"type": "string", "example": "fr, en"},
    },
    "Language-Fallbacks": {
        "description": "With `lang`, when some record had no text in that "
        "language: the fields given in English instead, comma-separated.",
        "schema": {"type": "string", "example": "title, caption"},
    },
}


class ArchiveAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = super().get_override_parameters()
        if self.is_translated():
            parameters = [LANG, *parameters]
        return parameters

    def is_translated(self) -> bool:
        action = getattr(self.view, "action", None)
        return getattr(self.view, "translated", True) and action not in getattr(
            self.view, "untranslated_actions", ()
        )

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        if self.is_translated() and "200" in responses:
            responses["200"].setdefault("headers", {}).update(LANGUAGE_HEADERS)
        errors = dict(ERRORS)
        errors.update(getattr(self.view, "extra_errors", {}))
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM_CONTENT_TYPE]
                )
                response["description"] = description
                responses[code] = response
        responses.setdefault(
            "304", {"description": "Not modified: your copy (ETag) is current."}
        )
        return responses
