"""The kinds of member a shape is declared with (see shapes.py), and the two
small shapes they make themselves: references and uncertain dates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db.models import F, Model, OuterRef, Q, Subquery
from rest_framework import serializers as s

from archive import kinds
from archive.api.context import RECORD_TYPES, ApiContext
from archive.api.fields import ConstField, TranslatedField
from archive.api.prepared import PreparedQuery
from archive.api.presenters.inline import (
    MAX_COLUMNS,
    JsonArray,
    JsonRows,
    carried,
    field_at,
)
from archive.api.presenters.refs import (
    MODELS,
    REF_COLUMNS,
    ref_columns,
    visible,
    visible_flag,
)
from archive.api.presenters.shapes import (
    Batch,
    Compiler,
    FieldSpec,
    Member,
    Row,
    Shape,
)
from archive.api.presenters.values import iso


def _make(spec: FieldSpec) -> s.Field:
    """A member's schema field: given, or made on demand (when it documents a shape
    declared later, such as another kind's record)."""
    return spec() if callable(spec) and not isinstance(spec, s.Field) else spec


class Value(Member):
    """A column as it is, or through `convert` (e.g. `iso`, `number`)."""

    def __init__(
        self,
        name: str,
        field: FieldSpec,
        *,
        column: str | None = None,
        convert: Callable[[Any], Any] | None = None,
        detail: bool = False,
    ) -> None:
        super().__init__(name, detail=detail)
        self.column = column or name
        self.spec = field
        self.convert = convert

    def columns(self, prefix: str) -> list[str]:
        return [prefix + self.column]

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        value = f"{row}[{prefix + self.column!r}]"
        if self.convert is None:
            return value
        return f"{c.use(self.convert)}({value})"

    def field(self) -> s.Field:
        return _make(self.spec)


class Text(Value):
    """Optional plain text: null when empty, so clients test one thing."""

    def __init__(
        self,
        name: str,
        *,
        column: str | None = None,
        help_text: str | None = None,
        detail: bool = False,
    ) -> None:
        kwargs = {"help_text": help_text} if help_text else {}
        field = s.CharField(read_only=True, allow_null=True, **kwargs)
        super().__init__(name, field, column=column, detail=detail)

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        return f"({row}[{prefix + self.column!r}] or None)"


class Translated(Member):
    """A translated field: a language map, or one string with `?lang=`."""

    def __init__(
        self, name: str, *, column: str | None = None, help_text: str | None = None
    ) -> None:
        super().__init__(name)
        self.column = column or name
        self.help_text = help_text

    def columns(self, prefix: str) -> list[str]:
        return kinds.translated_columns(self.column, prefix=prefix)

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        return f"ctx.tr({row}, {self.column!r}, {prefix!r})"

    def field(self) -> s.Field:
        kwargs = {"help_text": self.help_text} if self.help_text else {}
        return TranslatedField(**kwargs)


class Const(Member):
    """The same string in every answer of a shape (its `type`)."""

    def __init__(self, name: str, value: str) -> None:
        super().__init__(name)
        self.value = value

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        return repr(self.value)

    def field(self) -> s.Field:
        return ConstField(self.value)


class Computed(Member):
    """A value made by `func(ctx, row, batch)` from the columns it names."""

    def __init__(
        self,
        name: str,
        field: FieldSpec,
        func: Callable[[ApiContext, Row, Batch], Any],
        *,
        columns: Sequence[str] = (),
        detail: bool = False,
    ) -> None:
        super().__init__(name, detail=detail)
        self.spec = field
        self.func = func
        self.reads = tuple(columns)

    def columns(self, prefix: str) -> list[str]:
        return [prefix + column for column in self.reads]

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        return f"{c.use(self.func)}(ctx, {row}, batch)"

    def field(self) -> s.Field:
        return _make(self.spec)


class Expr(Member):
    """A Python expression over `ctx`, `row` and the presenter's locals (`uuid`):
    for the members every record shares (see base.py)."""

    def __init__(
        self, name: str, field: FieldSpec, source: str, columns: Sequence[str] = ()
    ) -> None:
        super().__init__(name)
        self.spec = field
        self.source = source
        self.reads = tuple(columns)

    def columns(self, prefix: str) -> list[str]:
        return [prefix + column for column in self.reads]

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        return self.source.format(row=row, kind=c.kind)

    def field(self) -> s.Field:
        return _make(self.spec)


class Field(Member):
    """Schema only: for a shape whose values a hand-written function makes."""

    def __init__(self, name: str, field: FieldSpec) -> None:
        super().__init__(name)
        self.spec = field

    def field(self) -> s.Field:
        return _make(self.spec)


class RefTo(Member):
    """A reference to the record of `kind` whose columns the row holds under
    `via__` (the kind's name by default). The row's query must only return rows
    whose record is visible (see `Related.where`), or say when it is absent:
    `null_unless` (a column that is null when there is no record to show) or
    `null_if` (a column that is set when the reference is not the one shown)."""

    def __init__(
        self,
        name: str,
        kind: str,
        *,
        via: str | None = None,
        null_unless: str | None = None,
        null_if: str | None = None,
    ) -> None:
        super().__init__(name)
        self.kind = kind
        self.via = via or kind
        self.null_unless = null_unless
        self.null_if = null_if

    def columns(self, prefix: str) -> list[str]:
        tests = [c for c in (self.null_unless, self.null_if) if c]
        return [*ref_columns(self.kind, f"{prefix}{self.via}__"), *tests]

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        ref = f"make_ref(ctx, {self.kind!r}, {row}, {prefix + self.via + '__'!r})"
        if self.null_unless:
            return f"({ref} if {row}[{self.null_unless!r}] is not None else None)"
        if self.null_if:
            return f"(None if {row}[{self.null_if!r}] is not None else {ref})"
        return ref

    def field(self) -> s.Field:
        nullable = bool(self.null_unless or self.null_if)
        return Ref.serializer()(read_only=True, allow_null=nullable)


class FkRef(Member):
    """A reference through a nullable foreign key, null when the requester may not
    see the record: the query flags it (`<fk>_visible`) rather than dropping the row."""

    def __init__(self, name: str, kind: str, *, fk: str | None = None) -> None:
        super().__init__(name)
        self.kind = kind
        self.fk = fk or name

    def columns(self, prefix: str) -> list[str]:
        return ref_columns(self.kind, f"{prefix}{self.fk}__")

    def annotations(self, ctx: ApiContext, prefix: str) -> dict[str, Any]:
        return visible_flag(ctx, MODELS[self.kind], prefix + self.fk)

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        return f"fk_ref(ctx, {self.kind!r}, {row}, {prefix + self.fk!r})"

    def field(self) -> s.Field:
        return Ref.serializer()(read_only=True, allow_null=True)


@dataclass
class Related:
    """The rows of a nested list, for a batch of owners, in one query.

    `owner` is the column holding the owner's id; `where` adds the visibility of the
    records the rows point at (see `refs.visible`): a nested record the requester may
    not see is left out together with the text that names it."""

    model: type[Model]
    owner: str
    order: tuple[str, ...] = ()
    where: Callable[[ApiContext], Q] | None = None
    filter: dict[str, Any] = field(default_factory=dict)

    def queryset(self, ctx: ApiContext, ids: list[int]):
        return self._visible(ctx, {f"{self.owner}__in": ids})

    def correlated(self, ctx: ApiContext):
        """The rows of the owner in the enclosing query (`inline.py`)."""
        return self._visible(ctx, {self.owner: OuterRef("pk")})

    def _visible(self, ctx: ApiContext, owners: dict[str, Any]):
        queryset = self.model._default_manager.filter(**owners, **self.filter)
        if self.where is not None:
            queryset = queryset.filter(self.where(ctx))
        return queryset


class Many(Member):
    """A list of `shape`, one per related row (see `Related`); the shape's columns
    are read under `prefix` in those rows."""

    def __init__(
        self,
        name: str,
        shape: Shape,
        related: Related,
        *,
        prefix: str = "",
        detail: bool = False,
    ) -> None:
        super().__init__(name, detail=detail)
        self.shape = shape
        self.related = related
        self.prefix = prefix

    def bind(self, owner: str) -> None:
        self.group = f"{owner}.{self.name}"
        self.query = PreparedQuery(self.group, self.build)
        #: Where its owner's row carries it as JSON (inline.py).
        self.json_key = f"{self.name}_json_rows"
        self._inline_names: dict[bool, tuple[str, ...]] = {}

    def row_columns(self) -> list[str]:
        """The columns of a related row, as the shape reads them."""
        return self.shape.columns(self.prefix)

    def order(self) -> tuple[str, ...]:
        """The related rows' order, within one owner."""
        return self.related.order

    def build(self, ctx: ApiContext, ids: list[int]):
        annotations = self.shape.annotations(ctx, self.prefix)
        return (
            self.related.queryset(ctx, ids)
            .annotate(**annotations)
            .order_by(self.related.owner, *self.order())
            .values(self.related.owner, *self.row_columns(), *annotations)
        )

    # Inline, as JSON in the owner's row (PostgreSQL; see inline.py) -----------------
    def inlinable(self, ctx: ApiContext, detail: bool) -> bool:
        """Whether JSON carries this list unchanged: every column a kind JSON keeps,
        and every nested list inlinable too (a shape with its own way of fetching,
        such as exhibition items, is not)."""
        if type(self.shape).fetch is not Shape.fetch:
            return False
        model = self.related.model
        annotations = self.shape.annotations(ctx, self.prefix)
        nested = self.shape.fetchers(detail)
        return (
            all(carried(field_at(model, c)) for c in self.row_columns())
            and all(carried(value) for value in annotations.values())
            and all(
                isinstance(member, Many) and member.inlinable(ctx, detail)
                for member in nested
            )
            and len(self.row_columns()) + len(annotations) + len(nested) <= MAX_COLUMNS
        )

    def inline(self, ctx: ApiContext, detail: bool) -> Subquery:
        """A subquery of the owner's row: its related rows as a JSON array of
        arrays, values in the order of `inline_names`, `[]` when there are none."""
        annotations = self.shape.annotations(ctx, self.prefix)
        values = [
            *(F(column) for column in self.row_columns()),
            *annotations.values(),
            *(member.inline(ctx, detail) for member in self.shape.fetchers(detail)),
        ]
        self._inline_names[detail] = (
            *self.row_columns(),
            *annotations,
            *(member.json_key for member in self.shape.fetchers(detail)),
        )
        rows = (
            self.related.correlated(ctx)
            .annotate(json_row=JsonArray(*values))
            .order_by(*self.order())
            .values("json_row")
        )
        return JsonRows(rows)

    def unpack(self, owners: list[Row], batch: Batch, detail: bool) -> None:
        """Turn the JSON each owner row carries (under `json_key`) back into the
        rows the batch query would have given, grouped in `batch` as `fetch` does."""
        names = self._inline_names[detail]
        grouped: dict[Any, list[Row]] = {}
        every: list[Row] = []
        for owner in owners:
            data = owner.pop(self.json_key)
            if isinstance(data, str):
                data = orjson.loads(data)
            if not data:
                continue
            related = [dict(zip(names, values, strict=True)) for values in data]
            grouped[owner["id"]] = related
            every.extend(related)
        for member in self.shape.fetchers(detail):
            member.unpack(every, batch, detail)
        batch.groups[self.group] = grouped

    def columns(self, prefix: str) -> list[str]:
        return ["id"]  # the owner's id, which the related rows are grouped by

    def fetches(self, detail: bool) -> bool:
        return True

    def fetch(self, ctx: ApiContext, rows: list[Row], batch: Batch, detail: bool):
        related = self.query.rows(ctx, [row["id"] for row in rows])
        related = self.shape.fetch(ctx, related, batch, detail)
        batch.put(self.group, related, self.related.owner)

    def element(self, c: Compiler, row: str) -> str:
        return self.shape.expression(c, row, self.prefix)

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        c.depth += 1
        item = f"r{c.depth}"
        element = self.element(c, item)
        c.depth -= 1
        return f"[{element} for {item} in batch.get({self.group!r}, {row}['id'])]"

    def field(self) -> s.Field:
        return self.shape.serializer()(many=True, read_only=True)


class Refs(Many):
    """References to visible records of `kind` across a many-to-many table
    (`through`, whose `<owner>` and `<via>` columns point at both ends), in title
    order."""

    def __init__(
        self,
        name: str,
        kind: str,
        *,
        through: type[Model],
        owner: str,
        via: str | None = None,
    ) -> None:
        via = via or kind
        self.kind = kind
        self.via = via
        super().__init__(
            name,
            Ref,
            Related(through, f"{owner}_id", where=visible(kind, via)),
        )

    def row_columns(self) -> list[str]:
        return ref_columns(self.kind, f"{self.via}__")

    def order(self) -> tuple[str, ...]:
        title = REF_COLUMNS[self.kind][2]  # the first title column
        return (f"{self.via}__{title}", f"{self.via}_id")

    def fetch(self, ctx: ApiContext, rows: list[Row], batch: Batch, detail: bool):
        related = self.query.rows(ctx, [row["id"] for row in rows])
        batch.put(self.group, related, self.related.owner)

    def element(self, c: Compiler, row: str) -> str:
        return f"make_ref(ctx, {self.kind!r}, {row}, {self.via + '__'!r})"


class Object(Member):
    """A nested object made from the same row: the shape's columns are read under
    `prefix`; `present_if` names a column (under `prefix`) without which the object
    is null; members named in `nulls` are null here and their columns not read."""

    def __init__(
        self,
        name: str,
        shape: Shape,
        *,
        prefix: str = "",
        present_if: str | None = None,
        nulls: Sequence[str] = (),
    ) -> None:
        super().__init__(name)
        self.shape = shape
        self.prefix = prefix
        self.present_if = present_if
        self.nulls = tuple(nulls)

    def columns(self, prefix: str) -> list[str]:
        columns = self.shape.columns(prefix + self.prefix, nulls=self.nulls)
        if self.present_if:
            columns.append(prefix + self.prefix + self.present_if)
        return columns

    def annotations(self, ctx: ApiContext, prefix: str) -> dict[str, Any]:
        return self.shape.annotations(ctx, prefix + self.prefix)

    def fetches(self, detail: bool) -> bool:
        return bool(self.shape.fetchers(detail))

    def fetch(self, ctx: ApiContext, rows: list[Row], batch: Batch, detail: bool):
        self.shape.fetch(ctx, rows, batch, detail)

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        inner = prefix + self.prefix
        value = self.shape.expression(c, row, inner, nulls=self.nulls)
        if self.present_if is None:
            return value
        return f"({value} if {row}[{inner + self.present_if!r}] else None)"

    def field(self) -> s.Field:
        return self.shape.serializer()(
            read_only=True, allow_null=self.present_if is not None
        )


# The shapes the members above refer to -------------------------------------------

#: Made by `refs.make_ref` (written by hand for speed; see refs.py).
Ref = Shape(
    "Ref",
    (
        Field("id", s.UUIDField(read_only=True, help_text="The record's stable id.")),
        Field("type", s.ChoiceField(choices=RECORD_TYPES, read_only=True)),
        Field("title", TranslatedField(help_text="Title or name.")),
        Field("web_url", s.URLField(read_only=True, help_text="The public page.")),
        Field(
            "api_url", s.URLField(read_only=True, help_text="The record in this API.")
        ),
    ),
    doc="A reference to another record, with enough to show and fetch it.",
)

DateValue = Shape(
    "DateValue",
    (
        Value(
            "edtf",
            s.CharField(read_only=True, help_text="EDTF, e.g. 1943-04-19, 1942-08~."),
        ),
        Translated("display", help_text="How the date reads, when it differs."),
        Value("earliest", s.DateField(read_only=True, allow_null=True), convert=iso),
        Value("latest", s.DateField(read_only=True, allow_null=True), convert=iso),
    ),
    doc="An uncertain date: EDTF as the curator wrote it, and its day bounds.",
)


class Date(Object):
    """A `Dated` field group (`<name>_edtf`, `_display`, `_earliest`, `_latest`) as
    a DateValue, null without EDTF; `display=False` where the model has no label."""

    def __init__(self, name: str = "date", *, display: bool = True) -> None:
        super().__init__(
            name,
            DateValue,
            prefix=f"{name}_",
            present_if="edtf",
            nulls=() if display else ("display",),
        )
