"""Load the demo archive: real history from fixtures/demo/*.json, in one transaction.

The demo archive is written by people, in our own JSON schema (fixtures/demo/README.md):
records refer to each other by slug, translated fields are language maps, and every
statement is cited. This loader turns it into database rows:

- in ONE transaction: an import fully lands or leaves nothing (image files stored
  during a failed import are removed again by the media layer);
- idempotently: records are matched by slug (terms by vocabulary and code) and only
  written when something differs, so a second run changes nothing, adds no history
  and creates no duplicates;
- honestly: a record is published only when `publication_problems()` is empty. A record
  the fixture wants published that cannot be is an error naming the record, never a
  silent draft.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction

from archive import models as m
from archive.media import ingest_image
from archive.translation import TRANSLATED_FIELDS

#: The reason recorded in each history entry the loader writes.
CHANGE_REASON = "demo archive import"


class DemoArchiveError(Exception):
    """The fixture cannot be loaded; the message names the file, record and problem."""


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "demo"


@dataclass(frozen=True)
class RecordType:
    """How one list of the JSON maps onto a model.

    `fields` are copied as they are (after `renames`), `refs` name one record of
    another list by slug, `many` name several.
    """

    key: str
    model: type[models.Model]
    fields: tuple[str, ...] = ()
    refs: dict[str, str] = field(default_factory=dict)
    many: dict[str, str] = field(default_factory=dict)
    children: tuple[str, ...] = ()
    renames: dict[str, str] = field(default_factory=dict)

    @property
    def publishable(self) -> bool:
        return issubclass(self.model, m.Publishable)


DATED = ("date", "date_display")
DATE_RENAMES = {"date": "date_edtf"}
COMMON = ("content_warning",)

#: In loading order: every list refers only to lists loaded before it.
RECORD_TYPES = (
    RecordType(
        "sources",
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
        "places",
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
        "organisations",
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
        "people",
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
        "events",
        m.Event,
        fields=("title", "kind", "description", *DATED, *COMMON),
        many={"places": "places"},
        children=("participants",),
        renames=DATE_RENAMES,
    ),
    RecordType(
        "recognitions",
        m.Recognition,
        fields=("title", "file_number", "country_code", "story", *DATED, *COMMON),
        refs={"ceremony": "events"},
        many={"places": "places"},
        children=("rescuers", "rescued"),
        renames=DATE_RENAMES,
    ),
    RecordType(
        "figures",
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
        "testimonies",
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
        "images",
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
        "exhibitions",
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


def load_demo_archive(
    *, path: Path | str | None = None, acting_user: AbstractBaseUser | None = None
) -> dict[str, int]:
    """Load (or bring up to date) the demo archive; return counts per record type.

    Raises DemoArchiveError, with nothing written, when the fixture is inconsistent.
    """
    folder = Path(path) if path is not None else default_path()
    document = read_archive(folder)
    loader = _Loader(document, folder=folder, acting_user=acting_user)
    with transaction.atomic():
        return loader.run()


class _Loader:
    def __init__(
        self,
        document: dict[str, Any],
        *,
        folder: Path,
        acting_user: AbstractBaseUser | None,
    ) -> None:
        self.document = document
        self.folder = folder
        self.acting_user = acting_user
        self.languages = [code for code, _name in settings.LANGUAGES]
        self.index: dict[str, dict[str, models.Model]] = defaultdict(dict)
        self.wanted_status: list[tuple[RecordType, dict[str, Any], m.Publishable]] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.citations_by_type: dict[int, dict[int, list[tuple]]] = {}

    # ------------------------------------------------------------------ running

    def run(self) -> dict[str, int]:
        self.load_terms(self.document.get("terms", []))
        for record_type in RECORD_TYPES:
            records = self.document.get(record_type.key, [])
            self.prefetch_citations(record_type.model)
            for record in records:
                self.load_record(record_type, record)
        self.apply_statuses()
        return dict(self.counts)

    # ------------------------------------------------------------------ helpers

    def where(self, record_type: str, record: dict[str, Any]) -> str:
        slug = record.get("slug", "?")
        return f"{record.get('_file', '?')}: {record_type} '{slug}'"

    def fail(self, where: str, message: str) -> DemoArchiveError:
        return DemoArchiveError(f"{where}: {message}")

    def translated(self, model: type[models.Model]) -> set[str]:
        for registered, fields in TRANSLATED_FIELDS.items():
            if issubclass(model, registered) or model is registered:
                return set(fields)
        return set()

    def field_values(
        self,
        model: type[models.Model],
        key: str,
        value: Any,
        where: str,
        model_field: str | None = None,
    ) -> dict[str, Any]:
        """One JSON value as model field values; a translated field becomes columns."""
        name = model_field or key
        if name in self.translated(model):
            if isinstance(value, str):
                value = {settings.MODELTRANSLATION_DEFAULT_LANGUAGE: value}
            if not isinstance(value, dict):
                raise self.fail(where, f"'{key}' must be text or a language map.")
            unknown = set(value) - set(self.languages)
            if unknown:
                raise self.fail(
                    where, f"'{key}' has unknown language {sorted(unknown)}."
                )
            return {
                f"{name}_{code}": (value.get(code) or None) for code in self.languages
            }
        try:
            model_field_obj = model._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise self.fail(where, f"unknown field '{key}'.") from error
        if name == "creators" and isinstance(value, list):
            value = "\n".join(value)
        if name == "rights_uri" and value in m.Rights.names:
            value = m.Rights[value].value
        if value is None and not model_field_obj.null:
            value = ""
        if isinstance(value, float):
            value = str(value)  # JSON numbers as written, not as binary floats
        try:
            return {name: model_field_obj.to_python(value)}
        except ValidationError as error:
            raise self.fail(where, f"'{key}': {'; '.join(error.messages)}") from error

    def lookup(self, target: str, slug: Any, where: str) -> models.Model:
        if target.startswith("terms:"):
            vocabulary = target.split(":", 1)[1]
            found = self.index[f"terms:{vocabulary}"].get(slug)
            if found is None:
                raise self.fail(where, f"no {vocabulary} term '{slug}' in terms.")
            return found
        found = self.index[target].get(slug)
        if found is None:
            raise self.fail(where, f"refers to '{slug}', not found in {target}.")
        return found

    def save(self, instance: models.Model, where: str) -> None:
        instance._history_user = self.acting_user
        instance._change_reason = CHANGE_REASON
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError as error:
            # full_clean leaves constraints to the database; name the record here.
            raise self.fail(where, f"breaks a database rule: {error}") from error

    def upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        where: str,
        *,
        exclude_from_clean: Iterable[str] = (),
        new_defaults: dict[str, Any] | None = None,
    ) -> models.Model:
        """Create the row, or update only what differs; never save an unchanged row."""
        instance = model._default_manager.filter(**lookup).first()
        if instance is None:
            instance = model(**lookup, **values, **(new_defaults or {}))
        elif all(getattr(instance, name) == value for name, value in values.items()):
            return instance
        else:
            for name, value in values.items():
                setattr(instance, name, value)
        try:
            instance.full_clean(
                exclude=list(exclude_from_clean),
                validate_unique=False,
                validate_constraints=False,  # the database enforces them
            )
        except ValidationError as error:
            raise self.fail(where, _messages(error)) from error
        self.save(instance, where)
        return instance

    # ------------------------------------------------------------------ terms

    def load_terms(self, terms: list[dict[str, Any]]) -> None:
        allowed = {
            "vocabulary",
            "slug",
            "label",
            "definition",
            "broader",
            "external_uri",
        }
        for record in terms:
            where = self.where("terms", record)
            unknown = set(record) - allowed - {"_file"}
            if unknown:
                raise self.fail(where, f"unknown key '{sorted(unknown)[0]}'.")
            vocabulary = record.get("vocabulary")
            if vocabulary not in m.Vocabulary.values:
                raise self.fail(where, f"unknown vocabulary '{vocabulary}'.")
            values: dict[str, Any] = {}
            for key in ("label", "definition", "external_uri"):
                if key in record:
                    values |= self.field_values(m.Term, key, record[key], where)
            broader = record.get("broader")
            values["broader_id"] = (
                self.lookup(f"terms:{vocabulary}", broader, where).pk
                if broader
                else None
            )
            term = self.upsert(
                m.Term,
                {"vocabulary": vocabulary, "slug": record.get("slug")},
                values,
                where,
            )
            index = self.index[f"terms:{vocabulary}"]
            if term.slug in index:
                raise self.fail(where, "appears twice.")
            index[term.slug] = term
            self.counts["terms"] += 1

    # ------------------------------------------------------------------ records

    def load_record(self, record_type: RecordType, record: dict[str, Any]) -> None:
        where = self.where(record_type.key, record)
        slug = record.get("slug")
        if not slug or not isinstance(slug, str):
            raise self.fail(where, "has no slug.")
        if slug in self.index[record_type.key]:
            raise self.fail(where, "the slug appears twice.")
        allowed = (
            set(record_type.fields)
            | set(record_type.refs)
            | set(record_type.many)
            | set(record_type.children)
            | PUBLISHABLE_KEYS
            | {"_file"}
        )
        unknown = set(record) - allowed
        if unknown:
            raise self.fail(where, f"unknown key '{sorted(unknown)[0]}'.")
        model = record_type.model
        record = self.with_measure(record_type, record, where)
        existing = model._default_manager.filter(slug=slug).first()
        if existing is not None and self.changed_since_import(existing):
            # A curator changed this record after an import: keep their work.
            self.index[record_type.key][slug] = existing
            self.counts[record_type.key] += 1
            self.counts["kept_curator_changes"] += 1
            return

        values: dict[str, Any] = {}
        for key in record_type.fields:
            if key in record:
                name = record_type.renames.get(key, key)
                values |= self.field_values(model, key, record[key], where, name)
        for key, target in record_type.refs.items():
            slug_ref = record.get(key)
            values[f"{key}_id"] = (
                self.lookup(target, slug_ref, where).pk if slug_ref else None
            )
        access = record.get("access", m.Access.PUBLIC)
        if access not in m.Access.values:
            raise self.fail(where, f"unknown access '{access}'.")
        values["access"] = access
        status = record.get("status", m.Status.PUBLISHED)
        if status not in (m.Status.PUBLISHED, m.Status.DRAFT, m.Status.REVIEW):
            raise self.fail(where, "status must be published, review or draft.")

        exclude = ("file",) if model is m.Image else ()
        instance = self.upsert(
            model,
            {"slug": slug},
            values,
            where,
            exclude_from_clean=exclude,
            new_defaults={"status": m.Status.DRAFT, "created_by": self.acting_user},
        )
        self.index[record_type.key][slug] = instance
        self.counts[record_type.key] += 1

        for key, target in record_type.many.items():
            slugs = record.get(key, [])
            if not isinstance(slugs, list):
                raise self.fail(where, f"'{key}' must be a list of slugs.")
            wanted = {self.lookup(target, s, where).pk for s in slugs}
            manager = getattr(instance, key)
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
        for child in record_type.children:
            getattr(self, f"sync_{record_type.key}_{child}")(
                instance, record.get(child), where
            )
        self.sync_citations(instance, record.get("citations", []), where)
        self.wanted_status.append((record_type, record, instance))

    def changed_since_import(self, record: models.Model) -> bool:
        """Whether someone other than this loader changed the record or its citations.

        Every row the loader writes carries its change reason in the history; a later
        history entry without it is a curator's (or a workflow step's) work, which a
        re-import must not silently undo.
        """
        latest = record.history.order_by("-history_date", "-history_id").first()
        if latest is not None and latest.history_change_reason != CHANGE_REASON:
            return True
        content_type = ContentType.objects.get_for_model(record)
        return (
            m.Citation.history.filter(content_type=content_type, object_id=record.pk)
            .exclude(history_change_reason=CHANGE_REASON)
            .exists()
        )

    def with_measure(
        self, record_type: RecordType, record: dict[str, Any], where: str
    ) -> dict[str, Any]:
        """Figures take their label and unit from their measure unless they override."""
        if record_type.model is not m.Figure:
            return record
        measure = self.document["measures"].get(record.get("measure"))
        if measure is None:
            raise self.fail(where, f"measure '{record.get('measure')}' is not defined.")
        unknown = set(measure) - {"label", "unit", "_comment"}
        if unknown:
            raise self.fail(where, f"measure has unknown key '{sorted(unknown)[0]}'.")
        return {"label": measure["label"], "unit": measure["unit"], **record}

    def apply_statuses(self) -> None:
        """Publish what the fixture wants published, or fail naming the record."""
        for record_type, record, instance in self.wanted_status:
            wanted = record.get("status", m.Status.PUBLISHED)
            if wanted == m.Status.PUBLISHED:
                problems = instance.publication_problems()
                if problems:
                    raise self.fail(
                        self.where(record_type.key, record),
                        "cannot be published; missing: " + ", ".join(problems),
                    )
            if instance.status != wanted:
                instance.status = wanted
                self.save(instance, self.where(record_type.key, record))
            self.counts[f"{record_type.key}_{wanted}"] += 1

    # ------------------------------------------------------------------ children

    def sync_rows(
        self,
        queryset: models.QuerySet,
        wanted: list[dict[str, Any]],
        create: Callable[[dict[str, Any]], None],
        compare: Callable[[models.Model], dict[str, Any]],
    ) -> None:
        """Replace a record's child rows only when they differ from the fixture."""
        existing = [compare(row) for row in queryset]
        if existing == wanted:
            return
        for row in queryset:
            row._history_user = self.acting_user
            row.delete()
        for values in wanted:
            create(values)

    def child_list(self, value: Any, where: str, key: str) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(where, f"'{key}' must be a list of objects.")
        return value

    def check_keys(self, row: dict[str, Any], allowed: set[str], where: str) -> None:
        unknown = set(row) - allowed
        if unknown:
            raise self.fail(where, f"unknown key '{sorted(unknown)[0]}'.")

    def create_child(self, model: type[models.Model], values: dict, where: str):
        many = {k: v for k, v in values.items() if isinstance(v, set)}
        plain = {k: v for k, v in values.items() if k not in many}
        instance = model(**plain)
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise self.fail(where, _messages(error)) from error
        self.save(instance, where)
        for key, ids in many.items():
            getattr(instance, key).set(ids)
        return instance

    def sync_people_name_variants(self, person, rows, where) -> None:
        wanted = []
        for row in self.child_list(rows, where, "name_variants"):
            self.check_keys(row, {"name", "kind", "note"}, where)
            wanted.append(
                {
                    "name": row.get("name", ""),
                    "kind": row.get("kind", m.NameVariant.Kind.SPELLING),
                    "note": row.get("note", ""),
                }
            )
        self.counts["name_variants"] += len(wanted)
        self.sync_rows(
            person.name_variants.order_by("id"),
            wanted,
            lambda v: self.create_child(m.NameVariant, {"person": person, **v}, where),
            lambda r: {"name": r.name, "kind": r.kind, "note": r.note},
        )

    def sync_people_memberships(self, person, rows, where) -> None:
        wanted = []
        for row in self.child_list(rows, where, "memberships"):
            self.check_keys(row, {"organisation", "role", "period"}, where)
            wanted.append(
                {
                    "organisation_id": self.lookup(
                        "organisations", row.get("organisation"), where
                    ).pk,
                    "role": row.get("role", ""),
                    "period_edtf": row.get("period", ""),
                }
            )
        self.counts["memberships"] += len(wanted)
        self.sync_rows(
            person.memberships.order_by("id"),
            wanted,
            lambda v: self.create_child(m.Membership, {"person": person, **v}, where),
            lambda r: {
                "organisation_id": r.organisation_id,
                "role": r.role,
                "period_edtf": r.period_edtf,
            },
        )

    def sync_events_participants(self, event, rows, where) -> None:
        wanted = []
        for row in self.child_list(rows, where, "participants"):
            self.check_keys(row, {"person", "organisation", "role"}, where)
            person, organisation = row.get("person"), row.get("organisation")
            if bool(person) == bool(organisation):
                raise self.fail(where, "a participant is a person or an organisation.")
            wanted.append(
                {
                    "person_id": self.lookup("people", person, where).pk
                    if person
                    else None,
                    "organisation_id": self.lookup(
                        "organisations", organisation, where
                    ).pk
                    if organisation
                    else None,
                    "role": row.get("role", ""),
                }
            )
        self.counts["event_participants"] += len(wanted)
        self.sync_rows(
            event.participants.order_by("id"),
            wanted,
            lambda v: self.create_child(
                m.EventParticipant, {"event": event, **v}, where
            ),
            lambda r: {
                "person_id": r.person_id,
                "organisation_id": r.organisation_id,
                "role": r.role,
            },
        )

    def sync_recognitions_rescuers(self, recognition, rows, where) -> None:
        wanted = []
        for position, row in enumerate(self.child_list(rows, where, "rescuers")):
            self.check_keys(
                row, {"person", "name_as_listed", "relation", "posthumous"}, where
            )
            wanted.append(
                {
                    "person_id": self.lookup("people", row.get("person"), where).pk,
                    "name_as_listed": row.get("name_as_listed", ""),
                    "relation": row.get("relation", ""),
                    "posthumous": bool(row.get("posthumous", False)),
                    "position": position,
                }
            )
        self.counts["rescuers"] += len(wanted)
        self.sync_rows(
            recognition.rescuers.order_by("position", "id"),
            wanted,
            lambda v: self.create_child(
                m.Rescuer, {"recognition": recognition, **v}, where
            ),
            lambda r: {
                "person_id": r.person_id,
                "name_as_listed": r.name_as_listed,
                "relation": r.relation,
                "posthumous": r.posthumous,
                "position": r.position,
            },
        )

    def sync_recognitions_rescued(self, recognition, rows, where) -> None:
        wanted = []
        for position, row in enumerate(self.child_list(rows, where, "rescued")):
            self.check_keys(
                row, {"person", "name_as_listed", "place", "period", "help"}, where
            )
            person, place = row.get("person"), row.get("place")
            wanted.append(
                {
                    "person_id": self.lookup("people", person, where).pk
                    if person
                    else None,
                    "name_as_listed": row.get("name_as_listed", ""),
                    "place_id": self.lookup("places", place, where).pk
                    if place
                    else None,
                    "period_edtf": row.get("period", ""),
                    "position": position,
                    "help_kinds": {
                        self.lookup("terms:help_type", s, where).pk
                        for s in row.get("help", [])
                    },
                }
            )
        self.counts["rescued"] += len(wanted)
        self.sync_rows(
            recognition.rescued.order_by("position", "id").prefetch_related(
                "help_kinds"
            ),
            wanted,
            lambda v: self.create_child(
                m.RescuedPerson, {"recognition": recognition, **v}, where
            ),
            lambda r: {
                "person_id": r.person_id,
                "name_as_listed": r.name_as_listed,
                "place_id": r.place_id,
                "period_edtf": r.period_edtf,
                "position": r.position,
                "help_kinds": {t.pk for t in r.help_kinds.all()},
            },
        )

    def sync_testimonies_participants(self, testimony, rows, where) -> None:
        wanted = []
        for row in self.child_list(rows, where, "participants"):
            self.check_keys(row, {"person", "role"}, where)
            wanted.append(
                {
                    "person_id": self.lookup("people", row.get("person"), where).pk,
                    "role": row.get("role", ""),
                }
            )
        self.counts["testimony_participants"] += len(wanted)
        self.sync_rows(
            testimony.participants.order_by("id"),
            wanted,
            lambda v: self.create_child(
                m.TestimonyParticipant, {"testimony": testimony, **v}, where
            ),
            lambda r: {"person_id": r.person_id, "role": r.role},
        )

    def sync_testimonies_segments(self, testimony, rows, where) -> None:
        wanted = []
        for row in self.child_list(rows, where, "segments"):
            self.check_keys(
                row,
                {
                    "start_seconds",
                    "end_seconds",
                    "title",
                    "synopsis",
                    "keywords",
                    "people",
                    "places",
                    "events",
                    "is_closed",
                },
                where,
            )
            values: dict[str, Any] = {
                "start_seconds": row.get("start_seconds"),
                "end_seconds": row.get("end_seconds"),
                "is_closed": bool(row.get("is_closed", False)),
            }
            for key in ("title", "synopsis"):
                values |= self.field_values(
                    m.TestimonySegment, key, row.get(key, ""), where
                )
            for key, target in (
                ("keywords", "terms:keyword"),
                ("people", "people"),
                ("places", "places"),
                ("events", "events"),
            ):
                values[key] = {
                    self.lookup(target, s, where).pk for s in row.get(key, [])
                }
            wanted.append(values)
        self.counts["segments"] += len(wanted)

        def compare(segment):
            values = {
                "start_seconds": segment.start_seconds,
                "end_seconds": segment.end_seconds,
                "is_closed": segment.is_closed,
            }
            for key in ("title", "synopsis"):
                for code in self.languages:
                    values[f"{key}_{code}"] = getattr(segment, f"{key}_{code}")
            for key in ("keywords", "people", "places", "events"):
                values[key] = {o.pk for o in getattr(segment, key).all()}
            return values

        self.sync_rows(
            testimony.segments.order_by("start_seconds", "id").prefetch_related(
                "keywords", "people", "places", "events"
            ),
            wanted,
            lambda v: self.create_child(
                m.TestimonySegment, {"testimony": testimony, **v}, where
            ),
            compare,
        )

    def sync_testimonies_transcripts(self, testimony, rows, where) -> None:
        wanted = []
        for row in self.child_list(rows, where, "transcripts"):
            self.check_keys(row, set(TRANSCRIPT_KEYS), where)
            wanted.append(
                {
                    "language": row.get("language", ""),
                    "is_translation": bool(row.get("is_translation", False)),
                    "is_redacted": bool(row.get("is_redacted", False)),
                    "is_public": bool(row.get("is_public", False)),
                    "text": row.get("text", ""),
                }
            )
        self.counts["transcripts"] += len(wanted)
        self.sync_rows(
            testimony.transcripts.order_by("id"),
            wanted,
            lambda v: self.create_child(
                m.Transcript, {"testimony": testimony, **v}, where
            ),
            lambda r: {key: getattr(r, key) for key in TRANSCRIPT_KEYS},
        )

    def sync_exhibitions_sections(self, exhibition, rows, where) -> None:
        wanted = []
        for position, row in enumerate(self.child_list(rows, where, "sections")):
            self.check_keys(row, {"title", "body", "items"}, where)
            values: dict[str, Any] = {"position": position}
            for key in ("title", "body"):
                values |= self.field_values(
                    m.ExhibitionSection, key, row.get(key, ""), where
                )
            items = []
            for item_position, item in enumerate(
                self.child_list(row.get("items"), where, "items")
            ):
                self.check_keys(item, {"type", "slug", "caption"}, where)
                record = self.exhibited_record(item, where)
                items.append(
                    {
                        "position": item_position,
                        "content_type_id": ContentType.objects.get_for_model(record).pk,
                        "object_id": record.pk,
                        **self.field_values(
                            m.ExhibitionItem, "caption", item.get("caption", ""), where
                        ),
                    }
                )
            values["items"] = items
            wanted.append(values)
        self.counts["exhibition_sections"] += len(wanted)
        self.counts["exhibition_items"] += sum(len(v["items"]) for v in wanted)

        def compare(section):
            values = {"position": section.position}
            for key in ("title", "body"):
                for code in self.languages:
                    values[f"{key}_{code}"] = getattr(section, f"{key}_{code}")
            values["items"] = [
                {
                    "position": item.position,
                    "content_type_id": item.content_type_id,
                    "object_id": item.object_id,
                    **{
                        f"caption_{code}": getattr(item, f"caption_{code}")
                        for code in self.languages
                    },
                }
                for item in section.items.order_by("position", "id")
            ]
            return values

        def create(values):
            values = dict(values)
            items = values.pop("items")
            section = self.create_child(
                m.ExhibitionSection, {"exhibition": exhibition, **values}, where
            )
            for item in items:
                self.create_child(m.ExhibitionItem, {"section": section, **item}, where)

        self.sync_rows(
            exhibition.sections.order_by("position", "id"), wanted, create, compare
        )

    def exhibited_record(self, item: dict[str, Any], where: str) -> models.Model:
        kind = item.get("type")
        if kind not in m.exhibitable_model_names():
            raise self.fail(where, f"an item's type '{kind}' cannot be exhibited.")
        keys = {rt.model._meta.model_name: rt for rt in RECORD_TYPES}
        record_type = keys.get(kind)
        if record_type is None:
            raise self.fail(
                where, f"items of type '{kind}' are not in the demo format."
            )
        record = self.lookup(record_type.key, item.get("slug"), where)
        wanted = next(
            (
                r.get("status", m.Status.PUBLISHED)
                for r in self.document.get(record_type.key, [])
                if r.get("slug") == item.get("slug")
            ),
            None,
        )
        if wanted != m.Status.PUBLISHED:
            raise self.fail(
                where, f"shows {kind} '{item.get('slug')}', which is not published."
            )
        return record

    def sync_images_file(self, image: m.Image, filename: Any, where: str) -> None:
        """Ingest the fixture's image file unless the stored one has the same bytes.

        Goes through the media layer's `ingest_image`, like a curator's upload: the
        file is validated, hashed and kept byte-exact under a generated name, and it
        is removed again if this import's transaction rolls back.
        """
        if not isinstance(filename, str) or not filename:
            raise self.fail(where, "'file' must name a file in the demo folder.")
        path = (self.folder / filename).resolve()
        if self.folder.resolve() not in path.parents or not path.is_file():
            raise self.fail(where, f"image file '{filename}' not found.")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if (
            image.sha256 == digest
            and image.file
            and image.file.storage.exists(image.file.name)
        ):
            return
        image._history_user = self.acting_user
        image._change_reason = CHANGE_REASON
        try:
            with path.open("rb") as handle:
                ingest_image(
                    image=image, upload=File(handle, name=path.name), filename=path.name
                )
        except ValidationError as error:
            raise self.fail(where, f"'{filename}': {_messages(error)}") from error

    # ------------------------------------------------------------------ citations

    def prefetch_citations(self, model: type[models.Model]) -> None:
        """One query per type for the existing citations, so re-runs stay cheap."""
        content_type = ContentType.objects.get_for_model(model)
        grouped: dict[int, list[tuple]] = defaultdict(list)
        for row in m.Citation.objects.filter(content_type=content_type).order_by(
            "position", "id"
        ):
            grouped[row.object_id].append(self.citation_key(row.__dict__))
        self.citations_by_type[content_type.pk] = grouped

    @staticmethod
    def citation_key(values: dict[str, Any]) -> tuple:
        return (
            values["source_id"],
            values["locator"],
            values["quotation"],
            values["note"],
            values["field_name"],
            values["position"],
        )

    def sync_citations(self, record: models.Model, rows: Any, where: str) -> None:
        content_type = ContentType.objects.get_for_model(record)
        wanted = []
        for position, row in enumerate(self.child_list(rows, where, "citations")):
            self.check_keys(row, CITATION_KEYS, where)
            field_name = row.get("field", "")
            if field_name:
                self.check_cited_field(record, field_name, where)
            wanted.append(
                {
                    "source_id": self.lookup("sources", row.get("source"), where).pk,
                    "locator": row.get("locator", ""),
                    "quotation": row.get("quotation", ""),
                    "note": row.get("note", ""),
                    "field_name": field_name,
                    "position": position,
                }
            )
        self.counts["citations"] += len(wanted)
        existing = self.citations_by_type[content_type.pk].get(record.pk, [])
        if existing == [self.citation_key(v) for v in wanted]:
            return
        for citation in m.Citation.objects.filter(
            content_type=content_type, object_id=record.pk
        ):
            citation._history_user = self.acting_user
            citation.delete()
        for values in wanted:
            self.create_child(
                m.Citation,
                {"content_type": content_type, "object_id": record.pk, **values},
                where,
            )

    def check_cited_field(self, record: models.Model, name: str, where: str) -> None:
        """A citation's field is a field of the record or one of its child lists."""
        try:
            record._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise self.fail(
                where, f"a citation names unknown field '{name}'."
            ) from error


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
    return "; ".join(error.messages)
