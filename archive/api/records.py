"""Loading and presenting records for the API, a fixed number of queries per batch.

Each record type (`RecordType` below) loads a batch of records by primary key with
one query for the rows and one per nested relation, whatever the batch size, and
turns the rows into plain JSON-ready dicts. The shapes are declared for OpenAPI in
`serializers.py`; `tests/api/test_shapes.py` checks every presenter against them.

Why not DRF serializers over model instances: on the reference machine a page of 50
recognitions spent ~15 ms in model instantiation, prefetch bookkeeping and per-field
serializer calls; rows from `.values()` and direct dict building take ~2 ms.

Visibility is applied in every query, never afterwards in Python: main rows are
loaded through `visible_to()`'s condition, and every nested record (a rescuer's
person, a citation's source, a segment's places) is joined with the same condition
for its own model. A nested record the requester may not see is left out entirely,
together with the text that names it (a rescuer's "name as listed" is that person's
name); a reference in a single field (a testimony's witness) becomes null.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

from django.db.models import BooleanField, Case, Model, Q, Value, When
from django.utils.translation import get_language

from archive import kinds
from archive import models as m
from archive.api.context import SAFE_SLUG, ApiContext
from archive.api.files import rendition_url
from archive.api.prepared import PreparedQuery, group_by
from archive.renditions import MIME_TYPES

# Columns -----------------------------------------------------------------------


tcols = kinds.translated_columns


COMMON = [
    "id",
    "uuid",
    "slug",
    "updated_at",
    "published_at",
    "is_synthetic",
    *tcols("content_warning"),
]
DATED = ["date_edtf", "date_earliest", "date_latest", *tcols("date_display")]

#: The columns a reference to a record needs (its id, address and title).
REF_COLUMNS: dict[str, list[str]] = {
    "person": ["uuid", "slug", "family_name", "given_names", "name_prefix"],
    "place": ["uuid", "slug", *tcols("name")],
    "event": ["uuid", "slug", *tcols("title")],
    "organisation": ["uuid", "slug", *tcols("name")],
    "source": ["uuid", "slug", "title"],
    "image": ["uuid", "slug", *tcols("title")],
    "testimony": ["uuid", "slug", *tcols("title")],
    "recognition": ["uuid", "slug", *tcols("title")],
    "figure": ["uuid", "slug", *tcols("label")],
    "exhibition": ["uuid", "slug", *tcols("title")],
}
MODELS: dict[str, type[Model]] = {kind.name: kind.model for kind in kinds.KINDS}


def ref_columns(kind: str, prefix: str = "") -> list[str]:
    return [f"{prefix}{column}" for column in REF_COLUMNS[kind]]


# Small value helpers -------------------------------------------------------------


def text(value: str | None) -> str | None:
    """Optional text: empty is null, so clients test one thing."""
    return value or None


def iso(value: datetime.date | datetime.datetime | str | None) -> str | None:
    """ISO 8601 text of a date or a moment.

    On SQLite, prepared queries skip Django's converters (see prepared.py), so
    moments arrive naive (or as text) and are in UTC.
    """
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) > 10:
            return value.replace(" ", "T", 1) + "+00:00"
        return value
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.isoformat() + "+00:00"  # SQLite keeps moments in UTC
    return value.isoformat()


def as_date(value: datetime.date | str | None) -> datetime.date | None:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def uuid_text(value: Any) -> str:
    """A UUID as text with dashes (SQLite keeps 32 hex digits without them)."""
    if isinstance(value, str):
        if len(value) == 32:
            return (
                f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
            )
        return value
    return str(value)


def number(value: Decimal | float | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return float(value)


def person_name(row: dict[str, Any], prefix: str = "") -> str:
    parts = (
        row[f"{prefix}name_prefix"],
        row[f"{prefix}given_names"],
        row[f"{prefix}family_name"],
    )
    return " ".join(part for part in parts if part)


def title_of(ctx: ApiContext, kind: str, row: dict[str, Any], prefix: str = "") -> Any:
    """The display title of any record: translated where the model translates it."""
    if kind == "person":
        return person_name(row, prefix)
    if kind == "source":
        return row[f"{prefix}title"]
    if kind in ("place", "organisation"):
        return ctx.tr(row, "name", prefix)
    if kind == "figure":
        return ctx.tr(row, "label", prefix)
    return ctx.tr(row, "title", prefix)


@lru_cache(maxsize=512)
def _keys(prefix: str) -> tuple[str, str]:
    return f"{prefix}uuid", f"{prefix}slug"


def make_ref(ctx: ApiContext, kind: str, row: dict[str, Any], prefix: str = "") -> dict:
    uuid_key, slug_key = _keys(prefix)
    uuid = uuid_text(row[uuid_key])
    web_before, web_after, api = ctx.addresses(kind)
    slug = row[slug_key]
    return {
        "id": uuid,
        "type": kind,
        "title": title_of(ctx, kind, row, prefix),
        "web_url": web_before + slug + web_after
        if SAFE_SLUG.fullmatch(slug)
        else ctx.web_url(kind, slug),
        "api_url": f"{api}{uuid}/",
    }


def fk_ref(ctx: ApiContext, kind: str, row: dict[str, Any], fk: str) -> dict | None:
    """A single-field reference, or null when the requester may not see it."""
    if not row[f"{fk}_visible"]:
        return None
    return make_ref(ctx, kind, row, f"{fk}__")


def date_obj(
    ctx: ApiContext, row: dict[str, Any], prefix: str = "date", display: bool = True
) -> dict | None:
    edtf = row[f"{prefix}_edtf"]
    if not edtf:
        return None
    return {
        "edtf": edtf,
        "display": ctx.tr(row, f"{prefix}_display") if display else None,
        "earliest": iso(row[f"{prefix}_earliest"]),
        "latest": iso(row[f"{prefix}_latest"]),
    }


def term(ctx: ApiContext, row: dict[str, Any], prefix: str = "term__") -> dict:
    return {
        "slug": row[f"{prefix}slug"],
        "vocabulary": row[f"{prefix}vocabulary"],
        "label": ctx.tr(row, "label", prefix),
        "uri": text(row[f"{prefix}external_uri"]),
    }


TERM_COLUMNS = ["slug", "vocabulary", "external_uri", *tcols("label")]


def term_columns(prefix: str = "term__") -> list[str]:
    return [f"{prefix}{column}" for column in TERM_COLUMNS]


def visible_flag(ctx: ApiContext, model: type[Model], fk: str) -> dict[str, Case]:
    """An annotation `<fk>_visible`: may the requester see the record `fk` points at?"""
    return {
        f"{fk}_visible": Case(
            When(ctx.audience.visible_q(model, f"{fk}__"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    }


def m2m_refs(
    name: str, through: type[Model], owner: str, target: str, kind: str
) -> PreparedQuery:
    """Visible records on the far side of a many-to-many, for a batch of owners."""
    target_model = MODELS[kind]
    order = REF_COLUMNS[kind][2]  # the first title column

    def build(ctx: ApiContext, ids: list[int]):
        return (
            through.objects.filter(**{f"{owner}_id__in": ids})
            .filter(ctx.audience.visible_q(target_model, f"{target}__"))
            .order_by(f"{owner}_id", f"{target}__{order}", f"{target}_id")
            .values(f"{owner}_id", *ref_columns(kind, f"{target}__"))
        )

    return PreparedQuery(name, build)


def m2m_terms(name: str, through: type[Model], owner: str) -> PreparedQuery:
    def build(ctx: ApiContext, ids: list[int]):
        return (
            through.objects.filter(**{f"{owner}_id__in": ids})
            .order_by(f"{owner}_id", "term__label_en", "term_id")
            .values(f"{owner}_id", *term_columns())
        )

    return PreparedQuery(name, build)


def citations_query(kind: str, model: type[Model]) -> PreparedQuery:
    def build(ctx: ApiContext, ids: list[int]):
        return (
            # By app label and model name rather than by id: the compiled query
            # outlives any one database's content type ids.
            m.Citation.objects.filter(
                content_type__app_label=model._meta.app_label,
                content_type__model=model._meta.model_name,
                object_id__in=ids,
            )
            .filter(ctx.audience.visible_q(m.Source, "source__"))
            .order_by("object_id", "position", "id")
            .values(
                "object_id",
                "field_name",
                "locator",
                "quotation",
                "note",
                *ref_columns("source", "source__"),
            )
        )

    return PreparedQuery(f"{kind}.citations", build)


def present_citation(ctx: ApiContext, row: dict[str, Any]) -> dict:
    return {
        "source": make_ref(ctx, "source", row, "source__"),
        "field": text(row["field_name"]),
        "locator": text(row["locator"]),
        "quotation": text(row["quotation"]),
        "note": text(row["note"]),
    }


# Record types --------------------------------------------------------------------


class Batch:
    """Related rows for one batch of records, grouped by owner id."""

    def __init__(self) -> None:
        self.groups: dict[str, dict[Any, list[dict]]] = {}

    def put(self, name: str, rows: list[dict], key: str) -> None:
        self.groups[name] = group_by(rows, key)

    def get(self, name: str, owner: Any) -> list[dict]:
        return self.groups.get(name, {}).get(owner, [])


class RecordType:
    """How one kind of record is loaded in batches and presented."""

    kind: ClassVar[str]
    model: ClassVar[type[Model]]
    #: Row columns besides COMMON.
    columns: ClassVar[list[str]] = []
    #: Extra row columns for the detail answer only (long texts).
    detail_columns: ClassVar[list[str]] = []
    #: Nullable foreign keys shown as references when visible: field -> kind.
    fk_refs: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.rows_query = PreparedQuery(f"{self.kind}.rows", self.build_rows)
        self.detail_rows_query = PreparedQuery(
            f"{self.kind}.detail_rows", self.build_detail_rows
        )
        self.citations_query = citations_query(self.kind, self.model)

    def build_rows(self, ctx: ApiContext, ids: list[int], detail: bool = False):
        annotations: dict[str, Case] = {}
        columns = [*COMMON, *self.columns]
        if detail:
            columns += self.detail_columns
        for fk, kind in self.fk_refs.items():
            annotations.update(visible_flag(ctx, MODELS[kind], fk))
            columns += ref_columns(kind, f"{fk}__")
        return (
            self.model._default_manager.filter(pk__in=ids)
            .filter(ctx.audience.visible_q(self.model))
            .annotate(**annotations)
            .order_by()
            .values(*columns, *annotations)
        )

    def build_detail_rows(self, ctx: ApiContext, ids: list[int]):
        return self.build_rows(ctx, ids, detail=True)

    # Overridden per type ---------------------------------------------------------
    def fetch(self, ctx: ApiContext, rows: list[dict], batch: Batch, detail: bool):
        """Run the nested-relation queries for these rows into `batch`."""

    def present_fields(
        self, ctx: ApiContext, row: dict, batch: Batch, detail: bool
    ) -> dict:
        return {}

    # Shared ----------------------------------------------------------------------
    def load(
        self, ctx: ApiContext, ids: list[int], detail: bool = False
    ) -> dict[int, dict]:
        """Presented records by primary key; ids the requester may not see are
        simply absent."""
        query = self.detail_rows_query if detail else self.rows_query
        rows = query.rows(ctx, ids)
        if not rows:
            return {}
        pks = [row["id"] for row in rows]
        batch = Batch()
        batch.put("citations", self.citations_query.rows(ctx, pks), "object_id")
        self.fetch(ctx, rows, batch, detail)
        return {row["id"]: self.present(ctx, row, batch, detail) for row in rows}

    def present(self, ctx: ApiContext, row: dict, batch: Batch, detail: bool) -> dict:
        uuid = uuid_text(row["uuid"])
        data = {
            "id": uuid,
            "type": self.kind,
            "title": title_of(ctx, self.kind, row),
            "slug": row["slug"],
            "web_url": ctx.web_url(self.kind, row["slug"]),
            "api_url": ctx.api_url(self.kind, uuid),
            "updated_at": iso(row["updated_at"]),
            "published_at": iso(row["published_at"]),
            "is_synthetic": row["is_synthetic"],
            "content_warning": ctx.tr(row, "content_warning"),
        }
        data.update(self.present_fields(ctx, row, batch, detail))
        data["citations"] = [
            present_citation(ctx, citation)
            for citation in batch.get("citations", row["id"])
        ]
        return data


class PlaceType(RecordType):
    kind = "place"
    model = m.Place
    columns = [
        *tcols("name", "description"),
        "kind",
        "latitude",
        "longitude",
        "country_code",
        "geonames_id",
        "wikidata_id",
    ]
    fk_refs = {"parent": "place"}

    def present_fields(self, ctx, row, batch, detail):
        return {
            "kind": row["kind"],
            "parent": fk_ref(ctx, "place", row, "parent"),
            "latitude": number(row["latitude"]),
            "longitude": number(row["longitude"]),
            "country_code": text(row["country_code"]),
            "description": ctx.tr(row, "description"),
            "geonames_id": text(row["geonames_id"]),
            "wikidata_id": text(row["wikidata_id"]),
        }


class PersonType(RecordType):
    kind = "person"
    model = m.Person
    columns = [
        "family_name",
        "given_names",
        "name_prefix",
        "gender",
        "birth_edtf",
        "birth_earliest",
        "birth_latest",
        "death_edtf",
        "death_earliest",
        "death_latest",
        "wikidata_id",
        *tcols("biography"),
    ]
    fk_refs = {"birth_place": "place", "death_place": "place"}

    def __init__(self) -> None:
        super().__init__()
        self.variants = PreparedQuery(
            "person.variants",
            lambda ctx, ids: (
                m.NameVariant.objects.filter(person_id__in=ids)
                .order_by("person_id", "name", "id")
                .values("person_id", "name", "kind", "note")
            ),
        )
        self.roles = m2m_terms("person.roles", m.Person.roles.through, "person")
        self.memberships = PreparedQuery(
            "person.memberships",
            lambda ctx, ids: (
                m.Membership.objects.filter(person_id__in=ids)
                .filter(ctx.audience.visible_q(m.Organisation, "organisation__"))
                .order_by("person_id", "period_earliest", "id")
                .values(
                    "person_id",
                    "role",
                    "period_edtf",
                    *ref_columns("organisation", "organisation__"),
                )
            ),
        )

    def fetch(self, ctx, rows, batch, detail):
        pks = [row["id"] for row in rows]
        batch.put("variants", self.variants.rows(ctx, pks), "person_id")
        batch.put("roles", self.roles.rows(ctx, pks), "person_id")
        batch.put("memberships", self.memberships.rows(ctx, pks), "person_id")

    def present_fields(self, ctx, row, batch, detail):
        pk = row["id"]
        return {
            "family_name": text(row["family_name"]),
            "given_names": text(row["given_names"]),
            "name_prefix": text(row["name_prefix"]),
            "gender": row["gender"],
            "birth": date_obj(ctx, row, "birth", display=False),
            "birth_place": fk_ref(ctx, "place", row, "birth_place"),
            "death": date_obj(ctx, row, "death", display=False),
            "death_place": fk_ref(ctx, "place", row, "death_place"),
            "name_variants": [
                {"name": v["name"], "kind": v["kind"], "note": text(v["note"])}
                for v in batch.get("variants", pk)
            ],
            "biography": ctx.tr(row, "biography"),
            "roles": [term(ctx, r) for r in batch.get("roles", pk)],
            "memberships": [
                {
                    "organisation": make_ref(ctx, "organisation", r, "organisation__"),
                    "role": text(r["role"]),
                    "period": text(r["period_edtf"]),
                }
                for r in batch.get("memberships", pk)
            ],
            "wikidata_id": text(row["wikidata_id"]),
        }


class OrganisationType(RecordType):
    kind = "organisation"
    model = m.Organisation
    columns = [
        *tcols("name", "description"),
        *DATED,
        "acronym",
        "kind",
        "wikidata_id",
    ]

    def __init__(self) -> None:
        super().__init__()
        self.places = m2m_refs(
            "organisation.places",
            m.Organisation.places.through,
            "organisation",
            "place",
            "place",
        )
        self.members = PreparedQuery(
            "organisation.members",
            lambda ctx, ids: (
                m.Membership.objects.filter(organisation_id__in=ids)
                .filter(ctx.audience.visible_q(m.Person, "person__"))
                .order_by("organisation_id", "person__family_name", "id")
                .values(
                    "organisation_id",
                    "role",
                    "period_edtf",
                    *ref_columns("person", "person__"),
                )
            ),
        )

    def fetch(self, ctx, rows, batch, detail):
        pks = [row["id"] for row in rows]
        batch.put("places", self.places.rows(ctx, pks), "organisation_id")
        batch.put("members", self.members.rows(ctx, pks), "organisation_id")

    def present_fields(self, ctx, row, batch, detail):
        pk = row["id"]
        return {
            "acronym": text(row["acronym"]),
            "kind": row["kind"],
            "date": date_obj(ctx, row),
            "description": ctx.tr(row, "description"),
            "places": [
                make_ref(ctx, "place", r, "place__") for r in batch.get("places", pk)
            ],
            "members": [
                {
                    "person": make_ref(ctx, "person", r, "person__"),
                    "role": text(r["role"]),
                    "period": text(r["period_edtf"]),
                }
                for r in batch.get("members", pk)
            ],
            "wikidata_id": text(row["wikidata_id"]),
        }


class EventType(RecordType):
    kind = "event"
    model = m.Event
    columns = [*tcols("title", "description"), *DATED, "kind"]

    def __init__(self) -> None:
        super().__init__()
        self.places = m2m_refs(
            "event.places", m.Event.places.through, "event", "place", "place"
        )

        def participants(ctx: ApiContext, ids: list[int]):
            person_ok = ctx.audience.visible_q(m.Person, "person__")
            organisation_ok = ctx.audience.visible_q(m.Organisation, "organisation__")
            return (
                m.EventParticipant.objects.filter(event_id__in=ids)
                .filter(
                    (person_ok & Q(organisation__isnull=True))
                    | (organisation_ok & Q(person__isnull=True))
                )
                .order_by("event_id", "id")
                .values(
                    "event_id",
                    "role",
                    "person_id",
                    *ref_columns("person", "person__"),
                    *ref_columns("organisation", "organisation__"),
                )
            )

        self.participants = PreparedQuery("event.participants", participants)

    def fetch(self, ctx, rows, batch, detail):
        pks = [row["id"] for row in rows]
        batch.put("places", self.places.rows(ctx, pks), "event_id")
        batch.put("participants", self.participants.rows(ctx, pks), "event_id")

    def present_fields(self, ctx, row, batch, detail):
        pk = row["id"]
        participants = []
        for r in batch.get("participants", pk):
            is_person = r["person_id"] is not None
            participants.append(
                {
                    "person": make_ref(ctx, "person", r, "person__")
                    if is_person
                    else None,
                    "organisation": None
                    if is_person
                    else make_ref(ctx, "organisation", r, "organisation__"),
                    "role": text(r["role"]),
                }
            )
        return {
            "kind": row["kind"],
            "date": date_obj(ctx, row),
            "description": ctx.tr(row, "description"),
            "places": [
                make_ref(ctx, "place", r, "place__") for r in batch.get("places", pk)
            ],
            "participants": participants,
        }


class SourceType(RecordType):
    kind = "source"
    model = m.Source
    columns = [
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
        *tcols("description"),
    ]
    detail_columns = ["transcription"]

    def present_fields(self, ctx, row, batch, detail):
        data = {
            "kind": row["kind"],
            "creators": creator_list(row["creators"]),
            "container_title": text(row["container_title"]),
            "publisher": text(row["publisher"]),
            "holding_institution": text(row["holding_institution"]),
            "reference_code": text(row["reference_code"]),
            "url": text(row["url"]),
            "accessed": iso(row["accessed"]),
            "language": text(row["language"]),
            "date": date_obj(ctx, row),
            "description": ctx.tr(row, "description"),
            "citation_text": citation_text(row),
            "csl_url": ctx.api_url("source", uuid_text(row["uuid"]), "csl/"),
        }
        if detail:
            data["transcription"] = text(row["transcription"])
        return data


class _Creators:
    __slots__ = ("creators",)

    def __init__(self, creators: str) -> None:
        self.creators = creators


def creator_list(creators: str) -> list[dict[str, str]]:
    """The model's CSL name parsing (Source.creator_list) on a row's text, without
    building a model instance for it."""
    return m.Source.creator_list(_Creators(creators))


def citation_text(row: dict[str, Any]) -> str:
    """A plain reference in a common humanities style: authors, "title", container,
    publisher, date, holding institution and reference code, URL and access date."""
    names = []
    for name in creator_list(row["creators"]):
        if "literal" in name:
            names.append(name["literal"])
        else:
            names.append(
                ", ".join(part for part in (name["family"], name["given"]) if part)
            )
    parts = []
    if names:
        parts.append("; ".join(names))
    parts.append(f"\u201c{row['title']}\u201d")
    for key in ("container_title", "publisher"):
        if row[key]:
            parts.append(row[key])
    if row["date_edtf"]:
        parts.append(row["date_display_en"] or row["date_edtf"])
    archive = ", ".join(
        value for value in (row["holding_institution"], row["reference_code"]) if value
    )
    if archive:
        parts.append(archive)
    if row["url"]:
        accessed = f" (accessed {iso(row['accessed'])})" if row["accessed"] else ""
        parts.append(f"{row['url']}{accessed}")
    return ". ".join(parts) + "."


def csl_json(row: dict[str, Any]) -> dict[str, Any]:
    """The source as one CSL-JSON item (the format Zotero and citeproc read)."""
    item: dict[str, Any] = {
        "id": uuid_text(row["uuid"]),
        "type": row["kind"],
        "title": row["title"],
    }
    creators = creator_list(row["creators"])
    if creators:
        item["author"] = creators
    for key, csl in (
        ("container_title", "container-title"),
        ("publisher", "publisher"),
        ("holding_institution", "archive"),
        ("reference_code", "archive_location"),
        ("url", "URL"),
        ("language", "language"),
    ):
        if row[key]:
            item[csl] = row[key]
    if row["date_edtf"]:
        issued: dict[str, Any] = {"raw": row["date_edtf"]}
        earliest, latest = as_date(row["date_earliest"]), as_date(row["date_latest"])
        if earliest is not None:
            parts = [[earliest.year, earliest.month, earliest.day]]
            if latest is not None and latest != earliest:
                parts.append([latest.year, latest.month, latest.day])
            issued["date-parts"] = parts
        item["issued"] = issued
    if row["accessed"]:
        accessed = as_date(row["accessed"])
        item["accessed"] = {
            "date-parts": [[accessed.year, accessed.month, accessed.day]]
        }
    return item


class ImageType(RecordType):
    kind = "image"
    model = m.Image
    columns = [
        *tcols("title", "caption", "alt_text", "credit_line"),
        *DATED,
        "creator",
        "source_institution",
        "source_url",
        "rights_uri",
        "rights_holder",
        "width",
        "height",
        "focal_x",
        "focal_y",
    ]

    def __init__(self) -> None:
        super().__init__()
        self.renditions = PreparedQuery(
            "image.renditions",
            lambda ctx, ids: (
                m.Rendition.objects.filter(image_id__in=ids)
                .order_by("image_id", "width", "spec", "format")
                .values("id", "image_id", "spec", "format", "file", "width", "height")
            ),
        )
        self.people = m2m_refs(
            "image.people", m.Image.depicted_people.through, "image", "person", "person"
        )
        self.places = m2m_refs(
            "image.places", m.Image.depicted_places.through, "image", "place", "place"
        )
        self.events = m2m_refs(
            "image.events", m.Image.depicted_events.through, "image", "event", "event"
        )

    def fetch(self, ctx, rows, batch, detail):
        pks = [row["id"] for row in rows]
        batch.put("renditions", self.renditions.rows(ctx, pks), "image_id")
        batch.put("people", self.people.rows(ctx, pks), "image_id")
        batch.put("places", self.places.rows(ctx, pks), "image_id")
        batch.put("events", self.events.rows(ctx, pks), "image_id")

    def present_fields(self, ctx, row, batch, detail):
        pk = row["id"]
        rights = row["rights_uri"]
        return {
            "caption": ctx.tr(row, "caption"),
            "alt_text": ctx.tr(row, "alt_text"),
            "credit_line": ctx.tr(row, "credit_line"),
            "creator": text(row["creator"]),
            "date": date_obj(ctx, row),
            "source_institution": text(row["source_institution"]),
            "source_url": text(row["source_url"]),
            "rights": {"uri": rights, "label": rights_label(rights)}
            if rights
            else None,
            "rights_holder": text(row["rights_holder"]),
            "width": row["width"],
            "height": row["height"],
            "focal_point": {"x": row["focal_x"], "y": row["focal_y"]},
            "renditions": present_renditions(ctx, batch.get("renditions", pk)),
            "depicts": {
                "people": [
                    make_ref(ctx, "person", r, "person__")
                    for r in batch.get("people", pk)
                ],
                "places": [
                    make_ref(ctx, "place", r, "place__")
                    for r in batch.get("places", pk)
                ],
                "events": [
                    make_ref(ctx, "event", r, "event__")
                    for r in batch.get("events", pk)
                ],
            },
            "iiif_manifest": ctx.api_url("image", uuid_text(row["uuid"]), "manifest/"),
        }


def rights_label(uri: str) -> str:
    return _rights_label(uri, get_language())


@lru_cache(maxsize=256)
def _rights_label(uri: str, language: str | None) -> str:
    return str(dict(m.Rights.choices).get(uri, uri))


def named_specs() -> dict[str, str]:
    """Spec string -> name for the renditions every client can rely on."""
    from archive.renditions import NAMED_SPECS

    return {spec: name for name, spec in NAMED_SPECS.items()}


def present_renditions(ctx: ApiContext, rows: list[dict]) -> list[dict]:
    if not rows:
        return []
    names = named_specs()
    return [
        {
            "name": names.get(r["spec"]),
            "spec": r["spec"],
            "format": r["format"],
            "mime_type": MIME_TYPES.get(r["format"], f"image/{r['format']}"),
            "url": rendition_url(ctx, r["id"], r["file"]),
            "width": r["width"],
            "height": r["height"],
        }
        for r in rows
    ]


class SegmentLoader:
    """Open segments of testimonies with their keywords and visible people, places
    and events; closed segments are never loaded."""

    def __init__(self) -> None:
        through = m.TestimonySegment
        self.keywords = m2m_terms(
            "segment.keywords", through.keywords.through, "testimonysegment"
        )
        self.people = m2m_refs(
            "segment.people",
            through.people.through,
            "testimonysegment",
            "person",
            "person",
        )
        self.places = m2m_refs(
            "segment.places",
            through.places.through,
            "testimonysegment",
            "place",
            "place",
        )
        self.events = m2m_refs(
            "segment.events",
            through.events.through,
            "testimonysegment",
            "event",
            "event",
        )

    def fetch(self, ctx: ApiContext, segment_ids: list[int], batch: Batch) -> None:
        key = "testimonysegment_id"
        batch.put("segment.keywords", self.keywords.rows(ctx, segment_ids), key)
        batch.put("segment.people", self.people.rows(ctx, segment_ids), key)
        batch.put("segment.places", self.places.rows(ctx, segment_ids), key)
        batch.put("segment.events", self.events.rows(ctx, segment_ids), key)

    def present(self, ctx: ApiContext, row: dict, batch: Batch) -> dict:
        pk = row["id"]
        return {
            "start_seconds": row["start_seconds"],
            "end_seconds": row["end_seconds"],
            "title": ctx.tr(row, "title"),
            "synopsis": ctx.tr(row, "synopsis"),
            "keywords": [term(ctx, r) for r in batch.get("segment.keywords", pk)],
            "people": [
                make_ref(ctx, "person", r, "person__")
                for r in batch.get("segment.people", pk)
            ],
            "places": [
                make_ref(ctx, "place", r, "place__")
                for r in batch.get("segment.places", pk)
            ],
            "events": [
                make_ref(ctx, "event", r, "event__")
                for r in batch.get("segment.events", pk)
            ],
        }


SEGMENT_COLUMNS = ["id", "start_seconds", "end_seconds", *tcols("title", "synopsis")]


class TestimonyType(RecordType):
    __test__ = False  # not a pytest test class despite the name

    kind = "testimony"
    model = m.Testimony
    columns = [
        *tcols("title", "summary"),
        *DATED,
        "kind",
        "languages",
        "duration_seconds",
        "media_url",
        "holding_institution",
        "external_id",
    ]
    fk_refs = {"witness": "person", "place": "place"}

    def __init__(self) -> None:
        super().__init__()
        self.participants = PreparedQuery(
            "testimony.participants",
            lambda ctx, ids: (
                m.TestimonyParticipant.objects.filter(testimony_id__in=ids)
                .filter(ctx.audience.visible_q(m.Person, "person__"))
                .order_by("testimony_id", "role", "id")
                .values("testimony_id", "role", *ref_columns("person", "person__"))
            ),
        )
        self.segments = PreparedQuery(
            "testimony.segments",
            lambda ctx, ids: (
                m.TestimonySegment.objects.filter(testimony_id__in=ids, is_closed=False)
                .order_by("testimony_id", "start_seconds", "id")
                .values("testimony_id", *SEGMENT_COLUMNS)
            ),
        )
        self.transcripts = PreparedQuery(
            "testimony.transcripts",
            lambda ctx, ids: (
                m.Transcript.objects.filter(testimony_id__in=ids, is_public=True)
                .order_by("testimony_id", "language", "id")
                .values(
                    "testimony_id", "language", "is_translation", "is_redacted", "text"
                )
            ),
        )
        self.segment_loader = SegmentLoader()

    def fetch(self, ctx, rows, batch, detail):
        pks = [row["id"] for row in rows]
        batch.put("participants", self.participants.rows(ctx, pks), "testimony_id")
        segments = self.segments.rows(ctx, pks)
        batch.put("segments", segments, "testimony_id")
        self.segment_loader.fetch(ctx, [s["id"] for s in segments], batch)
        if detail:
            batch.put("transcripts", self.transcripts.rows(ctx, pks), "testimony_id")

    def present_fields(self, ctx, row, batch, detail):
        pk = row["id"]
        languages = [
            code.strip() for code in row["languages"].split(",") if code.strip()
        ]
        data = {
            "summary": ctx.tr(row, "summary"),
            "kind": row["kind"],
            "date": date_obj(ctx, row),
            "witness": fk_ref(ctx, "person", row, "witness"),
            "participants": [
                {"person": make_ref(ctx, "person", r, "person__"), "role": r["role"]}
                for r in batch.get("participants", pk)
            ],
            "place": fk_ref(ctx, "place", row, "place"),
            "languages": languages,
            "duration_seconds": row["duration_seconds"],
            "media_url": text(row["media_url"]),
            "holding_institution": text(row["holding_institution"]),
            "external_id": text(row["external_id"]),
            "segments": [
                self.segment_loader.present(ctx, s, batch)
                for s in batch.get("segments", pk)
            ],
        }
        if detail:
            data["transcripts"] = [
                {
                    "language": t["language"],
                    "is_translation": t["is_translation"],
                    "is_redacted": t["is_redacted"],
                    "text": t["text"],
                }
                for t in batch.get("transcripts", pk)
            ]
        return data


class RecognitionType(RecordType):
    kind = "recognition"
    model = m.Recognition
    columns = [*tcols("title", "story"), *DATED, "file_number", "country_code"]
    fk_refs = {"ceremony": "event"}

    def __init__(self) -> None:
        super().__init__()
        self.rescuers = PreparedQuery(
            "recognition.rescuers",
            lambda ctx, ids: (
                m.Rescuer.objects.filter(recognition_id__in=ids)
                .filter(ctx.audience.visible_q(m.Person, "person__"))
                .order_by("recognition_id", "position", "id")
                .values(
                    "recognition_id",
                    "name_as_listed",
                    "relation",
                    "posthumous",
                    *ref_columns("person", "person__"),
                )
            ),
        )

        def rescued(ctx: ApiContext, ids: list[int]):
            person_ok = Q(person__isnull=True) | ctx.audience.visible_q(
                m.Person, "person__"
            )
            return (
                m.RescuedPerson.objects.filter(recognition_id__in=ids)
                .filter(person_ok)
                .annotate(**visible_flag(ctx, m.Place, "place"))
                .order_by("recognition_id", "position", "id")
                .values(
                    "id",
                    "recognition_id",
                    "name_as_listed",
                    "period_edtf",
                    "person_id",
                    *ref_columns("person", "person__"),
                    *ref_columns("place", "place__"),
                    "place_visible",
                )
            )

        self.rescued = PreparedQuery("recognition.rescued", rescued)
        self.help_kinds = m2m_terms(
            "recognition.help", m.RescuedPerson.help_kinds.through, "rescuedperson"
        )
        self.places = m2m_refs(
            "recognition.places",
            m.Recognition.places.through,
            "recognition",
            "place",
            "place",
        )

    def fetch(self, ctx, rows, batch, detail):
        pks = [row["id"] for row in rows]
        batch.put("rescuers", self.rescuers.rows(ctx, pks), "recognition_id")
        rescued = self.rescued.rows(ctx, pks)
        batch.put("rescued", rescued, "recognition_id")
        batch.put(
            "help",
            self.help_kinds.rows(ctx, [r["id"] for r in rescued]),
            "rescuedperson_id",
        )
        batch.put("places", self.places.rows(ctx, pks), "recognition_id")

    def present_fields(self, ctx, row, batch, detail):
        pk = row["id"]
        return {
            "file_number": text(row["file_number"]),
            "country": row["country_code"],
            "date": date_obj(ctx, row),
            "story": ctx.tr(row, "story"),
            "places": [
                make_ref(ctx, "place", r, "place__") for r in batch.get("places", pk)
            ],
            "rescuers": [
                {
                    "person": make_ref(ctx, "person", r, "person__"),
                    "name_as_listed": text(r["name_as_listed"]),
                    "relation": text(r["relation"]),
                    "posthumous": r["posthumous"],
                }
                for r in batch.get("rescuers", pk)
            ],
            "rescued": [
                {
                    "person": make_ref(ctx, "person", r, "person__")
                    if r["person_id"] is not None
                    else None,
                    "name_as_listed": text(r["name_as_listed"]),
                    "place": fk_ref(ctx, "place", r, "place"),
                    "period": text(r["period_edtf"]),
                    "help": [term(ctx, h) for h in batch.get("help", r["id"])],
                }
                for r in batch.get("rescued", pk)
            ],
            "ceremony": fk_ref(ctx, "event", row, "ceremony"),
        }


class FigureType(RecordType):
    kind = "figure"
    model = m.Figure
    columns = [
        *tcols("label", "unit", "note"),
        *DATED,
        "measure",
        "value",
        "value_high",
        "qualifier",
        "scope_period",
    ]
    fk_refs = {"scope_place": "place"}

    def present_fields(self, ctx, row, batch, detail):
        return {
            "measure": row["measure"],
            "value": number(row["value"]),
            "value_high": number(row["value_high"]),
            "qualifier": row["qualifier"],
            "unit": ctx.tr(row, "unit"),
            "date": date_obj(ctx, row),
            "scope_place": fk_ref(ctx, "place", row, "scope_place"),
            "scope_period": text(row["scope_period"]),
            "note": ctx.tr(row, "note"),
        }


class ExhibitionType(RecordType):
    kind = "exhibition"
    model = m.Exhibition
    columns = [
        *tcols("title", "subtitle", "summary"),
        "curators",
        "opens_on",
        "closes_on",
        "hero_image_id",
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sections = PreparedQuery(
            "exhibition.sections",
            lambda ctx, ids: (
                m.ExhibitionSection.objects.filter(exhibition_id__in=ids)
                .order_by("exhibition_id", "position", "id")
                .values("id", "exhibition_id", *tcols("title", "body"))
            ),
        )
        self.items = PreparedQuery(
            "exhibition.items",
            lambda ctx, ids: (
                m.ExhibitionItem.objects.filter(section__exhibition_id__in=ids)
                .order_by("section_id", "position", "id")
                .values(
                    "section_id",
                    "section__exhibition_id",
                    "content_type__model",
                    "object_id",
                    *tcols("caption"),
                )
            ),
        )

    def fetch(self, ctx, rows, batch, detail):
        pks = [row["id"] for row in rows]
        # Hero images: full image objects, so credits travel with them.
        hero_ids = [r["hero_image_id"] for r in rows if r["hero_image_id"]]
        batch.groups["heroes"] = TYPES["image"].load(ctx, hero_ids)
        if not detail:
            return
        batch.put("sections", self.sections.rows(ctx, pks), "exhibition_id")
        items = self.items.rows(ctx, pks)
        batch.put("items", items, "section_id")
        batch.groups["records"] = resolve_items(ctx, items)

    def present_fields(self, ctx, row, batch, detail):
        hero = row["hero_image_id"]
        data = {
            "subtitle": ctx.tr(row, "subtitle"),
            "summary": ctx.tr(row, "summary"),
            "curators": text(row["curators"]),
            "opens_on": iso(row["opens_on"]),
            "closes_on": iso(row["closes_on"]),
            "hero_image": batch.groups["heroes"].get(hero) if hero else None,
            "iiif_manifest": ctx.api_url(
                "exhibition", uuid_text(row["uuid"]), "manifest/"
            ),
        }
        if detail:
            records = batch.groups["records"]
            sections = []
            for section in batch.get("sections", row["id"]):
                items = []
                for item in batch.get("items", section["id"]):
                    kind = ITEM_KINDS.get(item["content_type__model"])
                    record = records.get((kind, item["object_id"]))
                    if record is None:
                        continue  # not visible to this client (or gone): skipped
                    items.append(
                        {
                            "type": kind,
                            "caption": ctx.tr(item, "caption"),
                            "record": record,
                        }
                    )
                sections.append(
                    {
                        "title": ctx.tr(section, "title"),
                        "body": ctx.tr(section, "body"),
                        "items": items,
                    }
                )
            data["sections"] = sections
        return data


#: Exhibition item content types -> API kinds.
ITEM_KINDS = {model_name: model_name for model_name in MODELS} | {
    "testimonysegment": "segment"
}


class SegmentType:
    """Testimony segments as exhibition items: the segment and its testimony."""

    kind = "segment"

    def __init__(self) -> None:
        self.rows_query = PreparedQuery(
            "segment.rows",
            lambda ctx, ids: (
                m.TestimonySegment.objects.filter(pk__in=ids, is_closed=False)
                .filter(ctx.audience.visible_q(m.Testimony, "testimony__"))
                .order_by()
                .values(*SEGMENT_COLUMNS, *ref_columns("testimony", "testimony__"))
            ),
        )
        self.loader = SegmentLoader()

    def load(self, ctx: ApiContext, ids: list[int], detail: bool = False) -> dict:
        rows = self.rows_query.rows(ctx, ids)
        if not rows:
            return {}
        batch = Batch()
        self.loader.fetch(ctx, [r["id"] for r in rows], batch)
        return {
            r["id"]: {
                "type": "segment",
                "testimony": make_ref(ctx, "testimony", r, "testimony__"),
                **self.loader.present(ctx, r, batch),
            }
            for r in rows
        }


def resolve_items(ctx: ApiContext, items: list[dict]) -> dict[tuple[str, int], dict]:
    """Every item's record, one batch per record type: the query count depends on
    how many types an exhibition shows, never on how many items."""
    by_kind: dict[str, list[int]] = {}
    for item in items:
        kind = ITEM_KINDS.get(item["content_type__model"])
        if kind is not None:
            by_kind.setdefault(kind, []).append(item["object_id"])
    records: dict[tuple[str, int], dict] = {}
    for kind, ids in by_kind.items():
        for pk, record in TYPES[kind].load(ctx, ids).items():
            records[(kind, pk)] = record
    return records


TYPES: dict[str, Any] = {
    record_type.kind: record_type
    for record_type in (
        RecognitionType(),
        PersonType(),
        TestimonyType(),
        ImageType(),
        SourceType(),
        OrganisationType(),
        PlaceType(),
        EventType(),
        FigureType(),
        ExhibitionType(),
        SegmentType(),
    )
}


def load_refs(ctx: ApiContext, kind: str, ids: list[int]) -> dict[int, dict]:
    """References (id, type, title, addresses) to visible records of one kind."""
    query = REF_QUERIES[kind]
    return {row["id"]: make_ref(ctx, kind, row) for row in query.rows(ctx, ids)}


def _ref_query(kind: str) -> PreparedQuery:
    model = MODELS[kind]
    return PreparedQuery(
        f"{kind}.refs",
        lambda ctx, ids: (
            model._default_manager.filter(pk__in=ids)
            .filter(ctx.audience.visible_q(model))
            .order_by()
            .values("id", *REF_COLUMNS[kind])
        ),
    )


REF_QUERIES = {kind: _ref_query(kind) for kind in MODELS}
