"""Batch queries built and compiled by the ORM once, then re-run with new ids.

Every API answer loads its nested records with a fixed set of batch queries ("the
rescuers of these 50 recognitions"). On the reference machine Django spends about
0.5 ms building and compiling such a query (joins, visibility conditions) and the
database under 0.05 ms answering it, so a list with ten nested relations paid more
for query construction than for everything else together.

`PreparedQuery` keeps the compiled SQL per shape: the loader's name, the audience,
the day (visibility depends on embargo dates), and the number of ids rounded up to
a power of two (the id list is padded by repeating its last id, which does not
change an `IN` result). The ids are found in the compiled parameters by using
sentinel values no real primary key can take. Rows come back through the
compiler's own converters, except that on SQLite dates, moments and UUIDs stay text
(see `records.iso` and `records.uuid_text`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import DateField, QuerySet, UUIDField

from archive.api.context import ApiContext

#: Columns left as the database's text on SQLite (DateTimeField is a DateField).
RAW_ON_SQLITE = (DateField, UUIDField)

#: Distinct negative numbers: primary keys are never negative.
SENTINEL_BASE = -(10**15)
#: Compiled shapes kept per process; each is a few kilobytes of SQL.
MAX_SHAPES = 4000

_shapes: OrderedDict[tuple, tuple] = OrderedDict()
_lock = threading.Lock()


def _bucket(n: int) -> int:
    size = 1
    while size < n:
        size *= 2
    return size


class PreparedQuery:
    """A named `.values()` query over a list of ids, compiled once per shape.

    `build(ctx, ids)` must return a values() queryset whose only use of `ids` is a
    single `__in=ids` lookup.
    """

    def __init__(
        self, name: str, build: Callable[[ApiContext, list[int]], QuerySet]
    ) -> None:
        self.name = name
        self.build = build

    def __repr__(self) -> str:
        return f"PreparedQuery({self.name!r})"

    def _compile(self, ctx: ApiContext, size: int, using: str) -> tuple:
        sentinels = [SENTINEL_BASE - i for i in range(size)]
        queryset = self.build(ctx, sentinels)
        query = queryset.query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = []
        for sentinel in sentinels:
            found = [i for i, value in enumerate(params) if value == sentinel]
            if len(found) != 1:
                raise RuntimeError(f"{self}: ids must appear exactly once in the query")
            positions.append(found[0])
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(fields)
        if connections[using].vendor == "sqlite":
            # Dates, moments and UUIDs stay text: the presenters only turn them
            # back into text (records.iso, records.uuid_text), and parsing 15,000
            # values per page was a fifth of a list's cost.
            converters = {
                index: pair
                for index, pair in converters.items()
                if not isinstance(getattr(pair[1], "output_field", None), RAW_ON_SQLITE)
            }
        if query.selected:
            names = list(query.selected)
        else:
            names = [
                *query.extra_select,
                *query.values_select,
                *query.annotation_select,
            ]
        return sql, params, positions, compiler, names, converters

    def rows(self, ctx: ApiContext, ids: Iterable[int]) -> list[dict[str, Any]]:
        """The query's rows for these ids, as dicts keyed by the values() names."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        size = _bucket(len(ids))
        padded = ids + [ids[-1]] * (size - len(ids))
        using = "default"
        key = (self.name, using, ctx.audience.key, ctx.today, size)
        with _lock:
            shape = _shapes.get(key)
            if shape is not None:
                _shapes.move_to_end(key)
        if shape is None:
            shape = self._compile(ctx, size, using)
            with _lock:
                _shapes[key] = shape
                while len(_shapes) > MAX_SHAPES:
                    _shapes.popitem(last=False)
        sql, params, positions, compiler, names, converters = shape
        params = list(params)
        for position, value in zip(positions, padded, strict=True):
            params[position] = value
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if converters:
            fetched = compiler.apply_converters(fetched, converters)
        return [dict(zip(names, row, strict=True)) for row in fetched]


def group_by(rows: Sequence[dict[str, Any]], key: str) -> dict[Any, list[dict]]:
    grouped: dict[Any, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def clear_compiled() -> None:
    """Forget every compiled shape (tests that change the schema or settings)."""
    with _lock:
        _shapes.clear()
