"""The demo's translations: `fixtures/demo/translations/<lang>.json`, one per language.

Each file holds one language's texts of the demo's long texts, written from another
language (English) by a named translator on a date:

    {"language": "fr", "from": "en", "translator": "the archive",
     "translated_on": "2026-12-03", "status": "translated",
     "records": {"people": {"<slug>": {"biography": "..."}}, ...}}

Group keys are the demo's list keys (file names), slugs the records' slugs, fields
the records' translated fields. `merge_translations` writes each text into the
record's language map, as if the main file had it, and returns the provenance the
loader stores with each record. An empty text is skipped (it is missing, never an
empty paragraph). A translation of a record, field or language the demo does not
have, or of a field whose original is empty, fails the load and names it.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive import facts, provenance
from archive.demo.schema import RECORD_TYPES, DemoArchiveError
from archive.kinds import language_codes

FOLDER = "translations"
FILE_KEYS = {"language", "from", "translator", "translated_on", "status", "records"}
STATUSES = (
    provenance.TranslationStatus.TRANSLATED.value,
    provenance.TranslationStatus.REVIEWED.value,
)

#: (list key, slug) -> the provenance JSON to store on that record.
Provenance = dict[tuple[str, str], dict[str, Any]]


@dataclass(frozen=True)
class TranslationFile:
    name: str
    language: str
    source_language: str
    translator: str
    translated_on: datetime.date
    status: str
    records: dict[str, dict[str, dict[str, Any]]]


def read_translations(folder: Path) -> list[TranslationFile]:
    """Every `<lang>.json` in the demo's translations folder (none is fine)."""
    found = []
    for path in sorted((folder / FOLDER).glob("*.json")):
        name = f"{FOLDER}/{path.name}"
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DemoArchiveError(f"{name}: cannot be read: {error}") from error
        found.append(_parse(name, document))
    return found


def _parse(name: str, document: Any) -> TranslationFile:
    if not isinstance(document, dict):
        raise DemoArchiveError(f"{name}: the top level must be an object.")
    keys = {key for key in document if not key.startswith("_")}
    if keys != FILE_KEYS:
        wrong = sorted(keys ^ FILE_KEYS)
        raise DemoArchiveError(f"{name}: missing or unknown key '{wrong[0]}'.")
    language, source = document["language"], document["from"]
    codes = language_codes()
    if language not in codes or source not in codes or language == source:
        raise DemoArchiveError(
            f"{name}: 'language' and 'from' must be two of {', '.join(codes)}."
        )
    if not Path(name).stem == language:
        raise DemoArchiveError(f"{name}: holds '{language}'; name it {language}.json.")
    if document["status"] not in STATUSES:
        raise DemoArchiveError(f"{name}: 'status' must be one of {STATUSES}.")
    translator = document["translator"]
    if not isinstance(translator, str) or not translator.strip():
        raise DemoArchiveError(f"{name}: 'translator' must name who translated.")
    try:
        translated_on = datetime.date.fromisoformat(document["translated_on"])
    except (TypeError, ValueError) as error:
        raise DemoArchiveError(f"{name}: 'translated_on' is not a date.") from error
    if not isinstance(document["records"], dict):
        raise DemoArchiveError(f"{name}: 'records' must be an object.")
    return TranslationFile(
        name,
        language,
        source,
        translator.strip(),
        translated_on,
        document["status"],
        document["records"],
    )


def merge_translations(
    document: dict[str, Any], files: list[TranslationFile]
) -> Provenance:
    """Write every translation into `document`'s records; return their provenance."""
    types = {record_type.key: record_type for record_type in RECORD_TYPES}
    notes: Provenance = {}
    for file in files:
        for key, by_slug in file.records.items():
            record_type = types.get(key)
            if record_type is None or not isinstance(by_slug, dict):
                raise DemoArchiveError(f"{file.name}: unknown group '{key}'.")
            records = {r.get("slug"): r for r in document.get(key, [])}
            for slug, fields in by_slug.items():
                where = f"{file.name}: {key} '{slug}'"
                record = records.get(slug)
                if record is None:
                    raise DemoArchiveError(f"{where}: no such record in {key}.")
                if not isinstance(fields, dict):
                    raise DemoArchiveError(f"{where}: must be an object of fields.")
                for field, text in fields.items():
                    _merge_one(record_type, record, field, text, file, where)
                    if provenance.is_filled(text):
                        entry = notes.setdefault((key, slug), {}).setdefault(
                            field, {"original": file.source_language}
                        )
                        entry[file.language] = {
                            "status": file.status,
                            "by": file.translator,
                            "on": file.translated_on.isoformat(),
                        }
    return notes


def _merge_one(record_type, record, field, text, file, where) -> None:
    if field.startswith("_"):
        return
    if field not in provenance.tracked_fields(record_type.model):
        raise DemoArchiveError(f"{where}: '{field}' is not a translated field.")
    if not isinstance(text, str):
        raise DemoArchiveError(f"{where}: '{field}' must be text.")
    if not provenance.is_filled(text):
        return
    json_key = next((k for k, v in record_type.renames.items() if v == field), field)
    value = record.get(json_key)
    texts = dict(value) if isinstance(value, dict) else {file.source_language: value}
    if not provenance.is_filled(texts.get(file.source_language)):
        raise DemoArchiveError(
            f"{where}: '{field}' has no {file.source_language} original to translate."
        )
    given = texts.get(file.language)
    if provenance.is_filled(given) and given.strip() != text.strip():
        raise DemoArchiveError(
            f"{where}: '{field}' ({file.language}) is also given, differently, "
            f"in {record.get('_file', 'the record')}."
        )
    texts[file.language] = text.strip()
    record[json_key] = texts


def fact_problems(document: dict[str, Any], files: list[TranslationFile]) -> list[str]:
    """Every translation in `files` whose numbers or people's names differ from its
    original in `document` (the demo as read, before `merge_translations`), one
    line each naming the file, record, field and difference."""
    types = {record_type.key: record_type for record_type in RECORD_TYPES}
    names = demo_person_names(document)
    problems = []
    for file in files:
        for key, by_slug in file.records.items():
            record_type = types.get(key)
            records = {r.get("slug"): r for r in document.get(key, [])}
            for slug, fields in by_slug.items():
                record = records.get(slug) or {}
                for field, text in fields.items():
                    if field.startswith("_") or record_type is None:
                        continue
                    json_key = next(
                        (k for k, v in record_type.renames.items() if v == field),
                        field,
                    )
                    value = record.get(json_key)
                    original = (
                        value.get(file.source_language)
                        if isinstance(value, dict)
                        else value
                    )
                    found = facts.differences(original or "", text or "", names=names)
                    problems += [
                        f"{file.name}: {key} '{slug}' {field}: "
                        + d.describe(
                            provenance.language_name(file.source_language),
                            provenance.language_name(file.language),
                        )
                        for d in found
                    ]
    return problems


def demo_person_names(document: dict[str, Any]) -> list[str]:
    """The demo's people's names, as `provenance.person_names` reads them from
    the database: family names (or given names alone) and name variants."""
    names = set()
    for person in document.get("people", []):
        names.add(person.get("family_name") or person.get("given_names") or "")
        for variant in person.get("name_variants", []) or []:
            names.add(variant.get("name") or "")
    return sorted(name for name in names if len(name.strip()) > 2)
