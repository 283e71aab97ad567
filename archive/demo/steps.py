"""The demo loader's per-kind steps: each record's own rows, image file and items.

`RecordType.children` names a kind's child lists; `Loader.load_record` calls
`sync_<list>_<child>` for each (a person's name variants, a recognition's rescuers,
an exhibition's sections and items, an image's file). The steps are a mixin of the
loader and use its helpers (`lookup`, `field_values`, `fail`, `counts`); the helpers
for child rows (`sync_rows`, `create_child`, ...) are here, beside them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models

from archive import models as m
from archive.demo.schema import (
    CHANGE_REASON,
    RECORD_TYPES,
    TRANSCRIPT_KEYS,
    validation_messages,
)
from archive.media import ingest_image


class ChildSteps:
    """Sync a record's child rows with the fixture, only where they differ."""

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
            raise self.fail(where, validation_messages(error)) from error
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
                row,
                {"person", "name_as_listed", "listed_in", "relation", "posthumous"},
                where,
            )
            listed_in = row.get("listed_in")
            wanted.append(
                {
                    "person_id": self.lookup("people", row.get("person"), where).pk,
                    "name_as_listed": row.get("name_as_listed", ""),
                    "listed_in_id": (
                        self.lookup("sources", listed_in, where).pk
                        if listed_in
                        else None
                    ),
                    **self.field_values(
                        m.Rescuer, "relation", row.get("relation", ""), where
                    ),
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
                "listed_in_id": r.listed_in_id,
                **{
                    f"relation_{code}": getattr(r, f"relation_{code}")
                    for code in self.languages
                },
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
            raise self.fail(
                where, f"'{filename}': {validation_messages(error)}"
            ) from error
