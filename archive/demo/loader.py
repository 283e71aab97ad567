"""The demo loader: terms and records matched by slug, written where they differ.

`load_demo_archive` runs one import in one transaction (the package docstring says
what it guarantees); the per-kind steps for child rows are in `steps.py`, the format
in `schema.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction

from archive import models as m
from archive.demo.schema import (
    CHANGE_REASON,
    CITATION_KEYS,
    PUBLISHABLE_KEYS,
    RECORD_TYPES,
    DemoArchiveError,
    RecordType,
    default_path,
    read_archive,
    validation_messages,
)
from archive.demo.steps import ChildSteps
from archive.demo.translations import merge_translations, read_translations
from archive.kinds import language_codes
from archive.translation import TRANSLATED_FIELDS


def load_demo_archive(
    *, path: Path | str | None = None, acting_user: AbstractBaseUser | None = None
) -> dict[str, int]:
    """Load (or bring up to date) the demo archive; return counts per record type.

    Raises DemoArchiveError, with nothing written, when the fixture is inconsistent.
    """
    folder = Path(path) if path is not None else default_path()
    document = read_archive(folder)
    translated = merge_translations(document, read_translations(folder))
    loader = Loader(
        document, folder=folder, acting_user=acting_user, provenance=translated
    )
    with transaction.atomic():
        return loader.run()


class Loader(ChildSteps):
    """One import: terms, then each list in order, then the wanted statuses."""

    def __init__(
        self,
        document: dict[str, Any],
        *,
        folder: Path,
        acting_user: AbstractBaseUser | None,
        provenance: dict[tuple[str, str], dict[str, Any]] | None = None,
    ) -> None:
        self.document = document
        #: Translation provenance per (list key, slug), from translations/*.json.
        self.provenance = provenance or {}
        self.folder = folder
        self.acting_user = acting_user
        self.languages = list(language_codes())
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
            raise self.fail(where, validation_messages(error)) from error
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
        values["translation_provenance"] = self.provenance.get(
            (record_type.key, slug), {}
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
