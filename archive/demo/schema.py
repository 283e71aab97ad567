"""The demo archive's format: its lists, how each maps onto a model, and its files.

fixtures/demo/README.md describes the format for the people who write it. Each list
is named after its record kind's plural in the registry (archive/kinds.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from archive import models as m
from archive.kinds import BY_MODEL

#: The reason recorded in each history entry the loader writes.
CHANGE_REASON = "demo archive import"


class DemoArchiveError(Exception):
    """The fixture cannot be loaded; the message names the file, record and problem."""


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "demo"


@dataclass(frozen=True)
class RecordType:
    """How one list of the JSON maps onto a model.

    The list is named after the model's record kind (`key`). `fields` are copied as
    they are (after `renames`), `refs` name one record of another list by slug, `many`
    name several, and `children` are the record's own rows, each synced by a step
    (`steps.ChildSteps.sync_<list>_<child>`).
    """

    model: type[m.Publishable]
    fields: tuple[str, ...] = ()
    refs: dict[str, str] = field(default_factory=dict)
    many: dict[str, str] = field(default_factory=dict)
    children: tuple[str, ...] = ()
    renames: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The list's name in the JSON files: the kind's plural (archive/kinds.py)."""
        return BY_MODEL[self.model].plural


DATED = ("date", "date_display")
DATE_RENAMES = {"date": "date_edtf"}
COMMON = ("content_warning",)

#: In loading order: every list refers only to lists loaded before it.
RECORD_TYPES = (
    RecordType(
        m.Source,
        fields=(
            "title",
            "kind",
            "creators",
            "container_title",
            "publisher",
            "holding_institution",
            "reference_code",
            "url",
            "accessed",
            "language",
            "description",
            "transcription",
            *DATED,
            *COMMON,
        ),
        renames=DATE_RENAMES,
    ),
    RecordType(
        m.Place,
        fields=(
            "name",
            "kind",
            "latitude",
            "longitude",
            "country_code",
            "description",
            "geonames_id",
            "wikidata_id",
            *COMMON,
        ),
        refs={"parent": "places"},
    ),
    RecordType(
        m.Organisation,
        fields=(
            "name",
            "acronym",
            "kind",
            "description",
            "wikidata_id",
            *DATED,
            *COMMON,
        ),
        many={"places": "places"},
        renames=DATE_RENAMES,
    ),
    RecordType(
        m.Person,
        fields=(
            "family_name",
            "given_names",
            "name_prefix",
            "gender",
            "birth",
            "death",
            "is_living",
            "consent_to_publish",
            "biography",
            "wikidata_id",
            *COMMON,
        ),
        refs={"birth_place": "places", "death_place": "places"},
        many={"roles": "terms:role"},
        children=("name_variants", "memberships"),
        renames={"birth": "birth_edtf", "death": "death_edtf"},
    ),
    RecordType(
        m.Event,
        fields=("title", "kind", "description", *DATED, *COMMON),
        many={"places": "places"},
        children=("participants",),
        renames=DATE_RENAMES,
    ),
    RecordType(
        m.Recognition,
        fields=("title", "file_number", "country_code", "story", *DATED, *COMMON),
        refs={"ceremony": "events"},
        many={"places": "places"},
        children=("rescuers", "rescued"),
        renames=DATE_RENAMES,
    ),
    RecordType(
        m.Figure,
        fields=(
            "measure",
            "label",
            "unit",
            "value",
            "value_high",
            "qualifier",
            "scope_period",
            "note",
            *DATED,
            *COMMON,
        ),
        refs={"scope_place": "places"},
        renames=DATE_RENAMES,
    ),
    RecordType(
        m.Testimony,
        fields=(
            "title",
            "summary",
            "kind",
            "languages",
            "duration_seconds",
            "media_url",
            "holding_institution",
            "external_id",
            "consent_basis",
            "consent_scope",
            *DATED,
            *COMMON,
        ),
        refs={"witness": "people", "place": "places"},
        children=("participants", "segments", "transcripts"),
        renames=DATE_RENAMES,
    ),
    RecordType(
        m.Image,
        fields=(
            "title",
            "caption",
            "alt_text",
            "credit_line",
            "creator",
            "source_institution",
            "source_url",
            "rights_uri",
            "rights_holder",
            "permission_status",
            "focal_x",
            "focal_y",
            *DATED,
            *COMMON,
        ),
        many={
            "depicted_people": "people",
            "depicted_places": "places",
            "depicted_events": "events",
        },
        children=("file",),
        renames=DATE_RENAMES,
    ),
    RecordType(
        m.Exhibition,
        fields=(
            "title",
            "subtitle",
            "summary",
            "curators",
            "opens_on",
            "closes_on",
            *COMMON,
        ),
        refs={"hero_image": "images"},
        children=("sections",),
    ),
)

#: JSON keys every publishable record may carry besides its type's own.
PUBLISHABLE_KEYS = {"slug", "status", "access", "citations"}
CITATION_KEYS = {"source", "locator", "quotation", "note", "field"}
TRANSCRIPT_KEYS = ("language", "is_translation", "is_redacted", "is_public", "text")


def read_archive(path: Path) -> dict[str, Any]:
    """Merge every *.json file in `path` into one document of lists (and measures).

    A list may be split over several files; a slug may appear only once.
    """
    if not path.is_dir():
        raise DemoArchiveError(f"{path}: no such folder.")
    merged: dict[str, Any] = {"measures": {}}
    files = sorted(path.glob("*.json"))
    if not files:
        raise DemoArchiveError(f"{path}: no .json files.")
    allowed = {"terms", "measures", *(rt.key for rt in RECORD_TYPES)}
    for file in files:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DemoArchiveError(f"{file.name}: cannot be read: {error}") from error
        if not isinstance(document, dict):
            raise DemoArchiveError(f"{file.name}: the top level must be an object.")
        for key, value in document.items():
            if key.startswith("_"):
                continue  # "_comment" and the like, for the people editing the file
            if key not in allowed:
                raise DemoArchiveError(f"{file.name}: unknown list '{key}'.")
            if key == "measures":
                if not isinstance(value, dict):
                    raise DemoArchiveError(f"{file.name}: 'measures' is an object.")
                duplicate = set(value) & set(merged["measures"])
                if duplicate:
                    raise DemoArchiveError(
                        f"{file.name}: measure {sorted(duplicate)[0]!r} defined twice."
                    )
                merged["measures"].update(value)
                continue
            if not isinstance(value, list):
                raise DemoArchiveError(f"{file.name}: '{key}' must be a list.")
            for record in value:
                if not isinstance(record, dict):
                    raise DemoArchiveError(f"{file.name}: '{key}' holds a non-object.")
                record.setdefault("_file", file.name)
            merged.setdefault(key, []).extend(value)
    return merged


def validation_messages(error: ValidationError) -> str:
    """A validation error as one line: `field: message; ...`."""
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
    return "; ".join(error.messages)
