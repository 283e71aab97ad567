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
        "Collapse translated fields to strings in this language (falling back to "
        "English). Without it, translated fields are maps of every language."
    ),
)


class ArchiveAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = super().get_override_parameters()
        action = getattr(self.view, "action", None)
        if getattr(self.view, "translated", True) and action not in getattr(
            self.view, "untranslated_actions", ()
        ):
            parameters = [LANG, *parameters]
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
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
