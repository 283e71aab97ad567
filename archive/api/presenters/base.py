"""Record presenters: how one kind of record is loaded in batches and presented.

A presenter declares its kind (an entry of `archive.kinds`), its title and its own
members; what every record has (id, type, title, addresses, dates of change, content
warning, citations) is added here. Registered presenters are what the API's views,
search, changes, exports and IIIF manifests ask for records.

Loading a batch costs one query for the rows and one per nested relation, whatever
the batch size. Visibility is applied in every query, never afterwards in Python:
main rows are loaded through `visible_to()`'s condition, and every nested record (a
rescuer's person, a citation's source, a segment's places) is joined with the same
condition for its own model. A nested record the requester may not see is left out
entirely, together with the text that names it (a rescuer's "name as listed" is that
person's name, unless a published Yad Vashem file lists it: then the name stays and
the person's reference is null, see presenters/righteous.py); a reference in a single
field (a testimony's witness) becomes null.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework import serializers as s

from archive import kinds
from archive.api.context import ApiContext
from archive.api.fields import TranslatedField
from archive.api.prepared import PreparedQuery, rows_where
from archive.api.presenters.common import citations
from archive.api.presenters.inline import AsText, inline_nested_lists
from archive.api.presenters.members import Const, Expr, Many, Translated, Value
from archive.api.presenters.refs import REF_COLUMNS, Title, add_title, make_ref
from archive.api.presenters.shapes import Batch, Compiler, Member, Row, Shape
from archive.api.presenters.translations import Translations
from archive.api.presenters.values import iso, uuid_text

#: Record kind -> its presenter, as presenters register.
PRESENTERS: dict[str, RecordPresenter] = {}


class TitleMember(Member):
    """The record's title, made as references to it make it (`Title`)."""

    def __init__(self, title: Title) -> None:
        super().__init__("title")
        self.title = title

    def columns(self, prefix: str) -> list[str]:
        return [prefix + column for column in self.title.columns]

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        return f"{c.use(self.title.value)}(ctx, {row}, {prefix!r})"

    def field(self) -> s.Field:
        return TranslatedField(help_text="Title or name.")


class Link(Expr):
    """An address under the record's own in this API, e.g. its IIIF manifest."""

    def __init__(self, name: str, suffix: str, help_text: str) -> None:
        super().__init__(
            name,
            s.URLField(read_only=True, help_text=help_text),
            f"ctx.api_url({{kind!r}}, uuid, {suffix!r})",
        )


class Embedded(Member):
    """Another record presented in full (as its kind's list answer), by the id in
    `column`; null when absent or not visible."""

    def __init__(self, name: str, kind: str, *, column: str) -> None:
        super().__init__(name)
        self.kind = kind
        self.column = column

    def bind(self, owner: str) -> None:
        self.group = f"{owner}.{self.name}"

    def columns(self, prefix: str) -> list[str]:
        return [prefix + self.column]

    def fetches(self, detail: bool) -> bool:
        return True

    def fetch(self, ctx: ApiContext, rows: list[Row], batch: Batch, detail: bool):
        ids = [row[self.column] for row in rows if row[self.column]]
        batch.groups[self.group] = PRESENTERS[self.kind].load(ctx, ids)

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        key = f"{row}[{prefix + self.column!r}]"
        return f"(batch.groups[{self.group!r}].get({key}) if {key} else None)"

    def field(self) -> s.Field:
        return PRESENTERS[self.kind].serializer()(read_only=True, allow_null=True)


def record_head(kind: str, title: Title) -> tuple[Member, ...]:
    """What every record has, before its own members."""
    return (
        Expr(
            "id",
            s.UUIDField(
                read_only=True, help_text="Stable id; use it to fetch or cite."
            ),
            "uuid",
            columns=("uuid",),
        ),
        Const("type", kind),
        TitleMember(title),
        Value("slug", s.SlugField(read_only=True)),
        Expr(
            "web_url",
            s.URLField(read_only=True, help_text="The record's public page."),
            "ctx.web_url({kind!r}, {row}['slug'])",
            columns=("slug",),
        ),
        Expr("api_url", s.URLField(read_only=True), "ctx.api_url({kind!r}, uuid)"),
        Value("updated_at", s.DateTimeField(read_only=True), convert=iso),
        Value(
            "published_at",
            s.DateTimeField(read_only=True, allow_null=True),
            convert=iso,
        ),
        Value(
            "is_synthetic",
            s.BooleanField(
                read_only=True, help_text="Generated for load tests; not real history."
            ),
        ),
        Translated(
            "content_warning",
            help_text="Show this before the record when it is not null.",
        ),
        Translations(kinds.BY_NAME[kind].model),
    )


class RecordPresenter(Shape):
    """Subclasses set `kind` (a name in `archive.kinds`), `title` if the record's
    title is not its translated `title` field, and `members`; the class docstring
    describes the record in the schema. `@register` makes the one instance."""

    kind: ClassVar[str]
    title: ClassVar[Title] = Title.translated("title")
    #: The kind's own members, in answer order (after the shared head).
    members: tuple[Member, ...] = ()

    def __init__(self) -> None:
        self.model = kinds.BY_NAME[self.kind].model
        super().__init__(
            self.model.__name__,
            (
                *record_head(self.kind, self.title),
                *type(self).members,
                citations(self.model),
            ),
            doc=type(self).__doc__,
        )
        #: (detail, nested lists inline) -> the query of the records' own rows
        self.row_queries = {
            (detail, inline): PreparedQuery(
                f"{self.kind}.{'detail_' if detail else ''}rows"
                + ("_inline" if inline else ""),
                functools.partial(self.build_rows, detail=detail, inline=inline),
            )
            for detail in (False, True)
            for inline in (False, True)
        }
        self.refs_query = PreparedQuery(f"{self.kind}.refs", self.build_refs)
        self._inlined: dict[tuple, tuple[Many, ...]] = {}

    # Queries -------------------------------------------------------------------------
    def build_rows(
        self,
        ctx: ApiContext,
        ids: list[int],
        detail: bool = False,
        inline: bool = False,
    ):
        return self.rows_of(ctx, self.visible(ctx).filter(pk__in=ids), detail, inline)

    def visible(self, ctx: ApiContext) -> QuerySet:
        """The records of this kind the requester may see."""
        return self.model._default_manager.filter(ctx.audience.visible_q(self.model))

    def rows_of(
        self, ctx: ApiContext, records: QuerySet, detail: bool, inline: bool
    ) -> QuerySet:
        """The rows the presenter reads, of `records` (a queryset of the model)."""
        annotations = self.annotations(ctx, "", detail)
        if inline:
            for member in self.inlined(ctx, detail):
                annotations[member.json_key] = AsText(member.inline(ctx, detail))
        columns = dict.fromkeys(["id", *self.columns("", detail)])
        return records.annotate(**annotations).order_by().values(*columns, *annotations)

    def inlined(self, ctx: ApiContext, detail: bool) -> tuple[Many, ...]:
        """The nested lists that come inside the rows' own query, as JSON (on
        PostgreSQL: see inline.py); the others keep their batch queries."""
        key = (detail, ctx.audience.key)
        found = self._inlined.get(key)
        if found is None:
            found = self._inlined[key] = tuple(
                member
                for member in self.fetchers(detail)
                if isinstance(member, Many) and member.inlinable(ctx, detail)
            )
        return found

    def build_refs(self, ctx: ApiContext, ids: list[int]):
        return (
            self.model._default_manager.filter(pk__in=ids)
            .filter(ctx.audience.visible_q(self.model))
            .order_by()
            .values("id", *REF_COLUMNS[self.kind])
        )

    # Presenting ----------------------------------------------------------------------
    def prologue(self, compiler: Compiler) -> list[str]:
        # The id serves `id`, `api_url` and the other links.
        return [f"uuid = {compiler.use(uuid_text)}(row['uuid'])"]

    def prepare(self) -> None:
        """Compile the presenter functions, once every kind has registered (the
        package does it on import: a faulty declaration fails at start-up)."""
        self.present_list = self.compile(detail=False)
        self.present_detail = (
            self.compile(detail=True) if self.has_detail else self.present_list
        )

    def load(
        self, ctx: ApiContext, ids: list[int], detail: bool = False
    ) -> dict[int, dict]:
        """Presented records by primary key; ids the requester may not see are
        simply absent."""
        detail = detail and self.has_detail
        inline = inline_nested_lists()
        rows = self.row_queries[detail, inline].rows(ctx, ids)
        return self.present_rows(ctx, rows, detail, inline)

    def load_unique(
        self, ctx: ApiContext, field: str, value: Any, detail: bool = False
    ) -> tuple[int, dict] | None:
        """The record whose unique `field` (its uuid, its slug) is `value`, with its
        primary key, presented; None when the requester may not see it or it does
        not exist.

        One statement finds the record and reads its row (with its nested lists
        on PostgreSQL), compiled once per audience and day: looking its id up
        first was one of the three statements of a detail on PostgreSQL, a round
        trip of its own."""
        detail = detail and self.has_detail
        inline = inline_nested_lists()
        name = f"{self.kind}.{'detail_' if detail else ''}rows_by_{field}"
        rows = rows_where(
            name + ("_inline" if inline else ""),
            self.model,
            lambda found: self.rows_of(
                ctx, self.visible(ctx).filter(**{field: found}), detail, inline
            ),
            field,
            value,
            (ctx.audience.key, ctx.today),
        )
        if not rows:
            return None
        pk = rows[0]["id"]
        return pk, self.present_rows(ctx, rows, detail, inline)[pk]

    def present_rows(
        self, ctx: ApiContext, rows: list[Row], detail: bool, inline: bool
    ) -> dict[int, dict]:
        """The records of these rows (as `rows_of` reads them), presented, by
        primary key: their nested lists fetched, or unpacked when `inline`."""
        if not rows:
            return {}
        batch = Batch()
        inlined = self.inlined(ctx, detail) if inline else ()
        for member in inlined:
            member.unpack(rows, batch, detail)
        rows = self.fetch(ctx, rows, batch, detail, skip=inlined)
        present = self.present_detail if detail else self.present_list
        return {row["id"]: present(ctx, row, batch) for row in rows}


def register(cls: type[RecordPresenter]) -> type[RecordPresenter]:
    """Class decorator: the presenter of `cls.kind`, for every reader of records."""
    if cls.kind not in kinds.BY_NAME:
        raise LookupError(f"{cls.__name__}: {cls.kind!r} is not in archive.kinds")
    add_title(cls.kind, cls.title)
    PRESENTERS[cls.kind] = cls()
    return cls


def load_refs(ctx: ApiContext, kind: str, ids: list[int]) -> dict[int, Any]:
    """References (id, type, title, addresses) to visible records of one kind."""
    rows = PRESENTERS[kind].refs_query.rows(ctx, ids)
    return {row["id"]: make_ref(ctx, kind, row) for row in rows}
