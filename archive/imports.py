"""Spreadsheet import and export (CSV, Excel): the columns of each kind, and the rules.

django-import-export reads the file, runs every row in a transaction that a dry run
rolls back, reports each row (new, updated, unchanged, refused and why) and, on
confirmation, imports the same file again in one transaction that any refused row
rolls back whole. This module says what a row may do:

- a record is found by its public identifier (`uuid`; a part of a record, such as a
  rescuer or a citation, by its `id`); an empty cell makes a new one, which starts
  as a draft created by the importing curator;
- a row that changes an existing record is refused unless the curator may edit that
  record as it is now (`archive.workflow.may_change`): a Contributor their own
  drafts, an Editor drafts and records in review, a Publisher published records too,
  exactly as in the change form. The workflow state itself is no column: an import
  never submits, publishes or withdraws anything, and a published record a
  Publisher updates stays published with the new text (as a save of its form does);
- a part of a record (rescuer, rescued person, citation) may be written only when
  the record it belongs to may be edited;
- linked records (places, people, events, sources) are named by slug or public
  identifier; an unknown one refuses the row;
- a text cell that a spreadsheet would run as a formula (starting with =, +, - or @)
  is refused; written with an apostrophe first ('=...) it is stored as text without
  the apostrophe. Exports put the apostrophe back before such cells, so the stored
  text is never a live formula in anyone's spreadsheet, and a round trip changes
  nothing.

Every saved row's history names the import: `history_user` is who imported, the
change reason holds the file's SHA-256 checksum and name (`change_reason`). Side
effects (search index, API caches) follow each save through `archive.effects`, and
run only once the whole import has committed.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from archive import effects, kinds, workflow
from archive.models import (
    Citation,
    Event,
    Organisation,
    Person,
    Place,
    Publishable,
    Recognition,
    RescuedPerson,
    Rescuer,
    Source,
)

#: Characters that make a spreadsheet cell a formula (OWASP's CSV injection list;
#: tab and carriage return only matter on export).
FORMULA_STARTS = ("=", "+", "-", "@")
EXPORT_ESCAPES = (*FORMULA_STARTS, "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
#: simple-history's change reason holds at most 100 characters.
REASON_LENGTH = 100


def is_formula(value: object) -> bool:
    """A text cell a spreadsheet would evaluate (a plain number such as -4.5 is
    not: it is a value, not a formula)."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _NUMBER.match(value)
    )


def escape_formula(value: object) -> object:
    """An exported cell, made inert: an apostrophe before a formula character."""
    if (
        isinstance(value, str)
        and value.startswith(EXPORT_ESCAPES)
        and not _NUMBER.match(value)
    ):
        return "'" + value
    return value


def import_reason(*, file_name: str, sha256: str) -> str:
    """The history's change reason for a row of this import: checksum first (it is
    what identifies the file), then as much of the file name as fits."""
    head = f"import sha256:{sha256} "
    name = file_name or "?"
    room = REASON_LENGTH - len(head)
    if len(name) > room:
        name = name[: room - 1] + "…"
    return head + name


class RecordWidget(widgets.ForeignKeyWidget):
    """A linked record named by its slug (as exported) or its public identifier."""

    def __init__(self, model: type[models.Model], **kwargs: Any) -> None:
        super().__init__(model, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        value = str(value).strip() if value is not None else ""
        if not value:
            return None
        query = models.Q(slug=value)
        with contextlib.suppress(ValueError):
            query |= models.Q(uuid=uuid.UUID(value))
        found = self.model._default_manager.filter(query).first()
        if found is None:
            raise ValueError(
                _(
                    "no %(kind)s has the slug or identifier '%(value)s'. Copy the "
                    "slug from the %(kind)s's page in the admin, or import the "
                    "%(kind)s first."
                )
                % {"kind": self.model._meta.verbose_name, "value": value}
            )
        return found


class ArchiveResource(resources.ModelResource):
    """Columns and rules shared by every kind (see the module docstring)."""

    def __init__(self, *, sha256: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sha256 = sha256
        for name in self.get_import_id_fields():
            # The identifier finds the record (`get_instance`); it is never written.
            self.fields[name].readonly = True

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        skip_html_diff = True
        use_transactions = True
        store_instance = True
        import_id_fields = ("uuid",)  # parts of records use their "id"

    @classmethod
    def columns(cls) -> list[str]:
        return list(cls._meta.fields)

    # -- the file as a whole -------------------------------------------------------

    def import_data(self, dataset, dry_run=False, **kwargs):
        """Search words are rebuilt once for the whole import, after its commit
        (`archive.effects.bulk_changes`), not row by row."""
        with effects.bulk_changes() as changes:
            self._bulk_changes, self._dry_run = changes, dry_run
            return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        if not (self._dry_run or result.has_errors() or result.has_validation_errors()):
            self._bulk_changes.commit()

    def before_import(self, dataset, **kwargs):
        """Every column must be one of this kind's (a misspelt header would
        otherwise be ignored silently); the identifier column must be there."""
        # Excel's "CSV UTF-8" starts the file with a byte-order mark.
        headers = [
            str(header or "").lstrip("\ufeff").strip()
            for header in dataset.headers or []
        ]
        dataset.headers = headers
        known = set(self.columns())
        unknown = [header for header in headers if header not in known]
        missing = [name for name in self.get_import_id_fields() if name not in headers]
        problems = []
        if unknown:
            problems.append(
                _("column %(columns)s is not a column of this import")
                % {"columns": ", ".join(f"'{name}'" for name in unknown)}
            )
        if missing:
            problems.append(
                _(
                    "column %(columns)s is missing (leave its cells empty for new records)"
                )
                % {"columns": ", ".join(f"'{name}'" for name in missing)}
            )
        if problems:
            raise ValidationError(
                _("Row 1 (the header): %(problems)s. The columns are: %(columns)s.")
                % {
                    "problems": "; ".join(problems),
                    "columns": ", ".join(self.columns()),
                }
            )

    # -- one row ---------------------------------------------------------------------

    def before_import_row(self, row, **kwargs):
        """Formula cells: refused (reported with the row's other problems by
        `import_instance`), or, written with an apostrophe, kept as text."""
        self._cell_errors = {}
        for column, value in row.items():
            if (
                isinstance(value, str)
                and value.startswith("'")
                and is_formula(value[1:])
            ):
                row[column] = value[1:]  # written inert on purpose, or our export
            elif is_formula(value):
                self._cell_errors[column] = [
                    _(
                        "starts with '%(char)s', which a spreadsheet runs as a "
                        "formula. If the text really begins so, put an apostrophe "
                        "before it."
                    )
                    % {"char": value[0]}
                ]

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        """The model's own validation, of the columns this import writes: fields
        it never sets (the generated identifier and slug) are not checked again
        row by row, which would cost two queries a row."""
        written = {field.attribute for field in self.get_import_fields()}
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[
                    field.name
                    for field in instance._meta.fields
                    if field.name not in written or field.name in errors
                ],
                validate_unique=validate_unique,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def get_instance(self, instance_loader, row):
        """An empty identifier cell is a new record; an identifier that names no
        record is refused rather than creating one under it."""
        name = self.get_import_id_fields()[0]
        value = str(row.get(name) or "").strip()
        if not value:
            return None
        try:
            found = self._meta.model._default_manager.filter(**{name: value}).first()
        except (ValueError, ValidationError):
            found = None
        if found is None:
            raise ValidationError(
                {
                    name: _(
                        "no %(kind)s has the identifier '%(value)s'. Leave the cell "
                        "empty to create a new one."
                    )
                    % {"kind": self._meta.model._meta.verbose_name, "value": value}
                }
            )
        return found

    def after_init_instance(self, instance, new, row, **kwargs):
        user = kwargs["user"]
        action = "add" if new else "change"
        meta = self._meta.model._meta
        if not user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
            message = (
                _("you do not have permission to add %(kinds)s.")
                if new
                else _("you do not have permission to change %(kinds)s.")
            )
            raise ValidationError(message % {"kinds": meta.verbose_name_plural})
        if not new:
            self.check_may_edit(instance, user)

    def import_instance(self, instance, row, **kwargs):
        errors = {column: list(found) for column, found in self._cell_errors.items()}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # An empty cell is an empty value: None where the column allows it, so an
        # untouched round trip compares equal to what is stored.
        for field in self.get_import_fields():
            model_field = self._model_field(field.attribute)
            if (
                model_field is not None
                and model_field.null
                and getattr(instance, field.attribute, None) == ""
            ):
                setattr(instance, field.attribute, None)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs["user"]
        self.check_may_edit(instance, user)
        if isinstance(instance, Publishable) and instance.pk is None:
            instance.created_by = user
        instance._history_user = user
        instance._change_reason = import_reason(
            file_name=kwargs.get("file_name") or "", sha256=self.sha256
        )

    def check_may_edit(self, instance, user) -> None:
        """Refuse the row unless `user` may edit the record (or the record the
        part belongs to) as it is now."""
        for record in self.governing_records(instance):
            if record.pk is not None and not workflow.may_change(user, record):
                raise ValidationError(
                    _(
                        "%(record)s is %(status)s: you may not change it by import "
                        "(the workflow allows it to %(who)s)."
                    )
                    % {
                        "record": record.record_label(),
                        "status": record.get_status_display().lower(),
                        "who": _who_may_edit(record),
                    }
                )

    def governing_records(self, instance) -> list[Publishable]:
        """The records whose workflow state decides whether `instance` may be
        written: the record itself, or the record a part belongs to."""
        return [instance] if isinstance(instance, Publishable) else []

    def after_import_row(self, row, row_result, **kwargs):
        """What an updated row changes, column by column, for the report."""
        if row_result.import_type != row_result.IMPORT_TYPE_UPDATE:
            return
        before, after = row_result.original, row_result.instance
        row_result.changes = [
            _("%(column)s: '%(before)s' becomes '%(after)s'")
            % {
                "column": field.column_name,
                "before": _shorten(field.export(before)),
                "after": _shorten(field.export(after)),
            }
            for field in self.get_import_fields()
            if field.attribute and field.export(before) != field.export(after)
        ]

    # -- export ------------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def _model_field(self, name: str | None) -> models.Field | None:
        try:
            return self._meta.model._meta.get_field(name)
        except Exception:
            return None


def _shorten(value: object, length: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


def _who_may_edit(record: Publishable) -> str:
    if record.status in workflow.SHOWN_STATES:
        return str(_("a Publisher"))
    return str(_("its author, an Editor or a Publisher"))


def _translated(*names: str) -> tuple[str, ...]:
    return tuple(kinds.translated_columns(*names))


class PersonResource(ArchiveResource):
    birth_place = fields.Field("birth_place", "birth_place", RecordWidget(Place))
    death_place = fields.Field("death_place", "death_place", RecordWidget(Place))

    class Meta(ArchiveResource.Meta):
        model = Person
        name = gettext_lazy("People")
        fields = (
            "uuid",
            "family_name",
            "given_names",
            "name_prefix",
            "gender",
            "birth_edtf",
            "birth_place",
            "death_edtf",
            "death_place",
            "is_living",
            "consent_to_publish",
            *_translated("biography"),
            "wikidata_id",
        )


class PlaceResource(ArchiveResource):
    parent = fields.Field("parent", "parent", RecordWidget(Place))

    class Meta(ArchiveResource.Meta):
        model = Place
        name = gettext_lazy("Places")
        fields = (
            "uuid",
            *_translated("name"),
            "kind",
            "parent",
            "latitude",
            "longitude",
            "country_code",
            *_translated("description"),
            "geonames_id",
            "wikidata_id",
        )


DATED = ("date_edtf", *_translated("date_display"))


class OrganisationResource(ArchiveResource):
    class Meta(ArchiveResource.Meta):
        model = Organisation
        name = gettext_lazy("Organisations")
        fields = (
            "uuid",
            *_translated("name"),
            "acronym",
            "kind",
            *DATED,
            *_translated("description"),
            "wikidata_id",
        )


class EventResource(ArchiveResource):
    class Meta(ArchiveResource.Meta):
        model = Event
        name = gettext_lazy("Events")
        fields = (
            "uuid",
            *_translated("title"),
            "kind",
            *DATED,
            *_translated("description"),
        )


class SourceResource(ArchiveResource):
    class Meta(ArchiveResource.Meta):
        model = Source
        name = gettext_lazy("Sources")
        fields = (
            "uuid",
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
            *DATED,
            *_translated("description"),
            "transcription",
        )


class RecognitionResource(ArchiveResource):
    ceremony = fields.Field("ceremony", "ceremony", RecordWidget(Event))

    class Meta(ArchiveResource.Meta):
        model = Recognition
        name = gettext_lazy("Recognitions")
        fields = (
            "uuid",
            *_translated("title"),
            "file_number",
            "country_code",
            *DATED,
            *_translated("story"),
            "ceremony",
        )


class PartResource(ArchiveResource):
    """A part of a record (found by `id`), written only when its record may be."""

    @classmethod
    def parts_of(cls, records: models.QuerySet) -> models.QuerySet:
        """The parts belonging to `records` (what an export of them lists)."""
        model = cls._meta.model
        link = next(
            field
            for field in model._meta.fields
            if field.many_to_one and field.related_model is records.model
        )
        return model._default_manager.filter(**{f"{link.name}__in": records}).order_by(
            link.name, "position", "pk"
        )

    def governing_records(self, instance) -> list[Publishable]:
        records = []
        record = self.record_of(instance)
        if record is not None:
            records.append(record)
        if instance.pk is not None:
            stored = type(instance)._default_manager.filter(pk=instance.pk).first()
            before = self.record_of(stored) if stored is not None else None
            if before is not None and before != record:
                records.append(before)  # moved from another record
        return records

    def record_of(self, instance) -> Publishable | None:
        return getattr(instance, "recognition", None)


class RescuerResource(PartResource):
    recognition = fields.Field("recognition", "recognition", RecordWidget(Recognition))
    person = fields.Field("person", "person", RecordWidget(Person))

    class Meta(ArchiveResource.Meta):
        model = Rescuer
        name = gettext_lazy("Rescuers of recognitions")
        import_id_fields = ("id",)
        fields = (
            "id",
            "recognition",
            "person",
            "name_as_listed",
            *_translated("relation"),
            "posthumous",
            "position",
        )


class RescuedPersonResource(PartResource):
    recognition = fields.Field("recognition", "recognition", RecordWidget(Recognition))
    person = fields.Field("person", "person", RecordWidget(Person))
    place = fields.Field("place", "place", RecordWidget(Place))

    class Meta(ArchiveResource.Meta):
        model = RescuedPerson
        name = gettext_lazy("Rescued people of recognitions")
        import_id_fields = ("id",)
        fields = (
            "id",
            "recognition",
            "person",
            "name_as_listed",
            "place",
            "period_edtf",
            "position",
        )


class CitationResource(PartResource):
    """A citation names its record by kind (`person`, `recognition`...) and slug."""

    record_kind = fields.Field(column_name="record_kind", readonly=True)
    record = fields.Field(column_name="record", readonly=True)
    source = fields.Field("source", "source", RecordWidget(Source))

    class Meta(ArchiveResource.Meta):
        model = Citation
        name = gettext_lazy("Citations")
        import_id_fields = ("id",)
        fields = (
            "id",
            "record_kind",
            "record",
            "field_name",
            "source",
            "locator",
            "quotation",
            "note",
            "position",
        )

    def dehydrate_record_kind(self, citation: Citation) -> str:
        return citation.content_type.model

    def dehydrate_record(self, citation: Citation) -> str:
        record = citation.record
        return getattr(record, "slug", "") if record is not None else ""

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        kind = kinds.BY_NAME.get(str(row.get("record_kind") or "").strip())
        if kind is None:
            errors["record_kind"] = [
                _("write one of: %(kinds)s.")
                % {"kinds": ", ".join(k.name for k in kinds.KINDS)}
            ]
        else:
            try:
                record = RecordWidget(kind.model).clean(row.get("record"))
            except ValueError as error:
                errors["record"] = [str(error)]
            else:
                if record is None:
                    errors["record"] = [_("name the record this source supports.")]
                else:
                    instance.content_type = ContentType.objects.get_for_model(
                        kind.model
                    )
                    instance.object_id = record.pk
        if errors:
            raise ValidationError(errors)

    def record_of(self, instance) -> Publishable | None:
        if instance is None or not instance.content_type_id:
            return None
        record = instance.record
        return record if isinstance(record, Publishable) else None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is not None and (
            original.content_type_id != instance.content_type_id
            or original.object_id != instance.object_id
        ):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)
