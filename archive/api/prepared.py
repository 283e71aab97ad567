"""Queries built and compiled by the ORM once, then re-run with new values.

Every API answer runs a fixed set of queries: a page of ids after a cursor, then
batch queries for its nested records ("the rescuers of these 50 recognitions"). On
the reference machine Django spends about 0.5 ms building and compiling such a
query (joins, visibility conditions) and the database under 0.05 ms answering it;
with the compiled SQL kept, a list page of 50 costs about 5 ms instead of 30 ms.

How: the query is built twice with two sets of sentinel values (values no real row
has, see `sentinel`) and compiled. The SQL must come out the same, and every
parameter that differs must be exactly one sentinel: these are the slots the real
values go into. A query whose SQL depends on its values, or that holds another
changing parameter (a clock), is not reusable and `compile_query` says so instead
of freezing it. Rows come back through the compiler's own converters, except that
on SQLite a batch query can leave dates, moments and UUIDs as text (see
the presenters' `values.iso` and `values.uuid_text`).

This is the only module that reaches into Django's compiler (`get_compiler`,
`as_sql`, `select`, `col_count`, `get_converters`, `apply_converters`, and the
`selected`/`values_select` names of a values() query); the compiled statements run
prepared on PostgreSQL through `archive.statements`, which reaches into Django's
cursor wrapping. tests/api/test_prepared.py fails if a Django upgrade changes any
of them.

Compiled queries are kept in one cache per process, least recently used first out,
keyed by whatever shapes the SQL besides the values: the query's name, the
database, the audience, the day (visibility depends on embargo dates), the page
size or the number of ids.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models
from django.db.models import DateField, QuerySet, UUIDField
from django.db.models.sql.compiler import SQLCompiler

from archive.api.context import ApiContext
from archive.statements import native_statement, statement_cursor

#: Columns a batch query may leave as the database's text on SQLite
#: (DateTimeField is a DateField).
RAW_ON_SQLITE = (DateField, UUIDField)
#: Compiled queries kept per process; each is a few kilobytes of SQL.
MAX_SHAPES = 4000

_shapes: OrderedDict[tuple, Compiled | None] = OrderedDict()
_lock = threading.Lock()


def sentinel(field: models.Field | None, index: int, variant: int) -> Any:
    """A value of `field` (None: an integer key) that no real row has, distinct per
    position (`index`) and per compilation (`variant`, 0 or 1)."""
    if isinstance(field, models.DateTimeField):
        return datetime.datetime(
            1111 + variant, 1, 1, tzinfo=datetime.UTC
        ) + datetime.timedelta(seconds=index + 1)
    if isinstance(field, models.DateField):
        return datetime.date(1111 + variant, 1, 1) + datetime.timedelta(days=index + 1)
    if field is None or isinstance(field, models.IntegerField | models.AutoField):
        # Primary keys are never negative.
        return -(10**15) * (variant + 1) - index
    if isinstance(field, models.UUIDField):
        # Version 0: never made by uuid4(), which every record's id comes from.
        return uuid.UUID(int=((variant + 1) << 64) + index)
    return f"\x01sentinel-{variant}-{index}"


@dataclass(frozen=True)
class Compiled:
    """SQL compiled by the ORM, with slots for the values it was built from."""

    sql: str
    params: tuple[Any, ...]
    #: (position in params, index of the value that goes there)
    slots: tuple[tuple[int, int], ...]
    #: The values()/values_list() names of the columns, in the SQL's order.
    names: tuple[str, ...]
    compiler: SQLCompiler
    converters: dict[int, tuple[list, Any]]
    using: str
    #: `sql` as `statement_cursor` takes it (PostgreSQL: `$1` placeholders).
    statement: str

    def rows(self, values: Sequence[Any]) -> list[Sequence[Any]]:
        """The rows for these values (as the database takes them: see `prepare` in
        `compile_query`), columns in the order of `names`."""
        params = list(self.params)
        for position, index in self.slots:
            params[position] = values[index]
        with statement_cursor(connections[self.using]) as cursor:
            cursor.execute(self.statement, params)
            fetched = cursor.fetchall()
        if self.converters:
            return list(self.compiler.apply_converters(fetched, self.converters))
        return fetched


def _names(query: Any) -> tuple[str, ...]:
    if query.selected:
        return tuple(query.selected)
    return (*query.extra_select, *query.values_select, *query.annotation_select)


def compile_query(
    build: Callable[[list[Any]], QuerySet],
    sentinels: Callable[[int], list[Any] | None],
    *,
    using: str = "default",
    prepare: Callable[[list[Any]], list[Any]] | None = None,
    raw_on_sqlite: bool = False,
) -> Compiled | None:
    """Compile `build(values)` once for every future set of values, or None when
    the query cannot be reused.

    `build` must return a values() or values_list() queryset. `sentinels(variant)`
    gives the values to build it with (None: the query takes none; a None among
    them: that value is not a parameter); `prepare` turns values into the
    parameters the database takes, as the ORM would (identity by default). `raw_on_sqlite` leaves dates, moments and UUIDs as
    text on SQLite.
    """
    connection = connections[using]
    prepare = prepare or list
    compiled = []
    for variant in (0, 1):
        values = sentinels(variant)
        query = build(values).query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        prepared = [] if values is None else prepare(values)
        compiled.append((sql, tuple(params), prepared, compiler, query))
    (sql, params, first, compiler, query), (other_sql, other, second, _c, _q) = compiled
    if sql != other_sql or len(params) != len(other) or len(first) != len(second):
        return None  # the values shape the SQL itself
    slots = []
    for position, (one, two) in enumerate(zip(params, other, strict=True)):
        if one == two:
            continue
        matches = [
            index
            for index, (a, b) in enumerate(zip(first, second, strict=True))
            if a is not None and a == one and b == two
        ]
        if len(matches) != 1:
            return None  # a parameter that changes on its own
        slots.append((position, matches[0]))
    columns = [column[0] for column in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(columns)
    if raw_on_sqlite and connection.vendor == "sqlite":
        # Dates, moments and UUIDs stay text: the presenters only turn them back
        # into text (presenters.values.iso, .uuid_text), and parsing 15,000 values per
        # page was a fifth of a list's cost.
        converters = {
            index: pair
            for index, pair in converters.items()
            if not isinstance(getattr(pair[1], "output_field", None), RAW_ON_SQLITE)
        }
    return Compiled(
        sql=sql,
        params=params,
        slots=tuple(slots),
        names=_names(query),
        compiler=compiler,
        converters=converters,
        using=using,
        statement=native_statement(sql, connection),
    )


def cached(key: tuple, make: Callable[[], Compiled | None]) -> Compiled | None:
    """The compiled query kept under `key`, made (and kept) on first use. A query
    that cannot be reused is remembered as None, so it is not compiled again."""
    with _lock:
        if key in _shapes:
            _shapes.move_to_end(key)
            return _shapes[key]
    compiled = make()
    with _lock:
        _shapes[key] = compiled
        while len(_shapes) > MAX_SHAPES:
            _shapes.popitem(last=False)
    return compiled


def clear_compiled() -> None:
    """Forget every compiled query (tests that change the schema or settings)."""
    with _lock:
        _shapes.clear()


# Batch queries over ids ------------------------------------------------------------


def _bucket(n: int) -> int:
    size = 1
    while size < n:
        size *= 2
    return size


class PreparedQuery:
    """A named `.values()` query over a list of ids, compiled once per shape.

    `build(ctx, ids)` must return a values() queryset whose only use of `ids` is a
    single `__in=ids` lookup. The shape is the name, the database, the audience,
    the day, and the number of ids rounded up to a power of two (the list is padded
    by repeating its last id, which does not change an `IN` result).
    """

    def __init__(
        self, name: str, build: Callable[[ApiContext, list[int]], QuerySet]
    ) -> None:
        self.name = name
        self.build = build

    def __repr__(self) -> str:
        return f"PreparedQuery({self.name!r})"

    def _compile(self, ctx: ApiContext, size: int, using: str) -> Compiled:
        compiled = compile_query(
            lambda ids: self.build(ctx, ids),
            lambda variant: [sentinel(None, i, variant) for i in range(size)],
            using=using,
            raw_on_sqlite=True,
        )
        if compiled is None or sorted(index for _p, index in compiled.slots) != list(
            range(size)
        ):
            raise RuntimeError(f"{self}: ids must appear exactly once in the query")
        return compiled

    def rows(self, ctx: ApiContext, ids: Iterable[int]) -> list[dict[str, Any]]:
        """The query's rows for these ids, as dicts keyed by the values() names."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        size = _bucket(len(ids))
        padded = ids + [ids[-1]] * (size - len(ids))
        using = "default"
        key = ("batch", self.name, using, ctx.audience.key, ctx.today, size)
        compiled = cached(key, lambda: self._compile(ctx, size, using))
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in compiled.rows(padded)]


def lookup_pk(
    model: type[models.Model],
    queryset: Callable[[], QuerySet],
    field: str,
    value: Any,
    shape_key: tuple,
    using: str = "default",
) -> Any:
    """The primary key of the row of `queryset()` (a queryset of `model`) whose
    `field` equals `value` (a unique column), or None; compiled once per
    `shape_key` (what shapes the queryset's SQL besides `value`), like the batch
    queries. `queryset` is called only to compile: building its conditions cost
    more than running the compiled lookup."""
    model_field = model._meta.get_field(field)
    prepare = _as_parameter(model_field, using)

    def build(found: Any) -> QuerySet:
        return (
            queryset()
            .using(using)
            .filter(**{field: found})
            .order_by()
            .values_list("pk")[:1]
        )

    compiled = _compiled_for_one(
        ("lookup", using, model._meta.label, field, *shape_key),
        build,
        model_field,
        using,
        prepare=prepare,
    )
    if compiled is None:
        return next(iter(build(value)), (None,))[0]
    rows = compiled.rows(prepare([value]))
    return rows[0][0] if rows else None


def _as_parameter(field: models.Field, using: str) -> Callable[[list[Any]], list[Any]]:
    """`prepare` for a query of one value of `field`: the value as the database
    takes it, as the ORM would give it."""
    connection = connections[using]
    return lambda values: [field.get_db_prep_value(values[0], connection)]


def _compiled_for_one(
    key: tuple,
    build: Callable[[Any], QuerySet],
    field: models.Field | None,
    using: str,
    **options: Any,
) -> Compiled | None:
    """`build(value)` compiled once per `key` for every value of `field` (None: an
    integer key); `options` as `compile_query` takes them."""
    return cached(
        key,
        lambda: compile_query(
            lambda values: build(values[0]),
            lambda variant: [sentinel(field, 0, variant)],
            using=using,
            **options,
        ),
    )


def rows_where(
    name: str,
    model: type[models.Model],
    build: Callable[[Any], QuerySet],
    field: str,
    value: Any,
    shape_key: tuple,
    using: str = "default",
) -> list[dict[str, Any]]:
    """The rows of `build(value)`, a values() queryset of `model` whose only use
    of `value` is one condition on its `field`, as dicts keyed by the values()
    names; compiled once per `name` and `shape_key` (what shapes the SQL besides
    `value`) like the batch queries, and like theirs, its dates, moments and
    UUIDs may stay text on SQLite."""
    model_field = model._meta.get_field(field)
    prepare = _as_parameter(model_field, using)
    compiled = _compiled_for_one(
        ("where", name, using, *shape_key),
        build,
        model_field,
        using,
        prepare=prepare,
        raw_on_sqlite=True,
    )
    if compiled is None or len(compiled.slots) != 1:
        raise RuntimeError(f"{name}: the value must appear exactly once in the query")
    names = compiled.names
    return [
        dict(zip(names, row, strict=True)) for row in compiled.rows(prepare([value]))
    ]


def first_column(
    name: str,
    build: Callable[[Any], QuerySet],
    value: Any,
    shape_key: tuple,
    *,
    field: models.Field | None = None,
    using: str = "default",
) -> list[Any]:
    """The first column of the rows of `build(value)`, a values_list() queryset
    whose SQL may hold `value` (of `field`; None: an integer key) any number of
    times, compiled once per `name` and `shape_key` like the batch queries.

    For the queries a public page runs around its record ("the testimonies
    that name this person"): their visibility conditions and subqueries cost
    more to build than to run."""
    compiled = _compiled_for_one(
        ("column", name, using, *shape_key), build, field, using
    )
    if compiled is None or not compiled.slots:
        return [row[0] for row in build(value)]
    return [row[0] for row in compiled.rows([value])]


def group_by(rows: Sequence[dict[str, Any]], key: str) -> dict[Any, list[dict]]:
    grouped: dict[Any, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped
