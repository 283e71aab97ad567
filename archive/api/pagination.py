"""Cursor (keyset) pagination with a total count and allow-listed orderings.

A cursor names the ordering and the sort values of the last (or first) record of a
page; the next page starts strictly after it. Unlike offsets, pages stay stable when
records are added or withdrawn while a kiosk pages through, and page 600 costs what
page 1 costs. The record id breaks ties, so every ordering is total.

Null sort values (a record without a date) come first in ascending and last in
descending orderings, which is how SQLite's indexes store them, so the database
can walk an index instead of sorting.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db import connections, models
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination

from archive.api import cursors, prepared
from archive.api.problems import InvalidParameter

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = cursors.MAX_LENGTH
#: The shortest texts `date.fromisoformat` and `datetime.fromisoformat` (with the
#: time zone cursors require) accept: ISO 8601 week dates. They bound cursor lengths.
SHORTEST_DAY = "2000W01"
SHORTEST_MOMENT = "2000W01T00Z"


@dataclass(frozen=True)
class Ordering:
    """One allowed value of `ordering`: columns with their directions."""

    name: str
    columns: tuple[tuple[str, bool], ...]  # (column, descending)
    description: str = ""


def orderings(*specs: tuple[str, str, str]) -> dict[str, Ordering]:
    """Each (name, column, description) gives `name` and `-name` (descending)."""
    result: dict[str, Ordering] = {}
    for name, column, description in specs:
        result[name] = Ordering(name, ((column, False),), description)
        result[f"-{name}"] = Ordering(f"-{name}", ((column, True),), description)
    return result


@dataclass
class Page:
    pks: list[int]
    next_cursor: str | None
    previous_cursor: str | None


def cursor_schema(shortest: str) -> dict[str, Any]:
    """The OpenAPI schema of a `cursor` parameter, given the endpoint's shortest
    acceptable cursor.

    The schema cannot say which strings are cursors, but it can say how long one
    is: shorter strings (such as `0`) decode to less JSON than any cursor holds, so
    the server refuses them and the schema must not admit them. Every cursor the
    server emits or accepts matches (tests/api/test_docs.py checks real ones).
    """
    low, high = len(shortest), MAX_CURSOR_LENGTH
    return {
        "type": "string",
        "minLength": low,
        "maxLength": high,
        "pattern": f"^[A-Za-z0-9_-]{{{low},{high}}}$",
    }


def sort_fields(model: type[models.Model], ordering: Ordering) -> list[models.Field]:
    """The fields a cursor of this ordering holds values of: its columns, then id."""
    columns = [column for column, _desc in ordering.columns] + ["id"]
    return [model._meta.get_field(column) for column in columns]


def shortest_value(field: models.Field) -> Any:
    """The value of `field` whose JSON is the shortest `KeysetPaginator` accepts."""
    if isinstance(field, models.DateTimeField):
        value: Any = SHORTEST_MOMENT
    elif isinstance(field, models.DateField):
        value = SHORTEST_DAY
    elif isinstance(
        field,
        models.IntegerField
        | models.AutoField
        | models.DecimalField
        | models.FloatField,
    ):
        value = 0
    else:
        value = ""
    if field.null and len("null") < len(json.dumps(value)):
        return None
    return value


def shortest_cursor(model: type[models.Model], choices: Any) -> str:
    """The shortest cursor a list of `model` accepts, over its orderings."""
    candidates = [
        cursors.encode(
            "list",
            {
                "o": ordering.name,
                "d": "n",
                "v": [shortest_value(field) for field in sort_fields(model, ordering)],
            },
        )
        for ordering in choices
    ]
    return min(candidates, key=len)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


class KeysetPaginator:
    """Pages of primary keys for a filtered queryset in one allowed ordering."""

    def __init__(self, queryset: QuerySet, ordering: Ordering) -> None:
        self.queryset = queryset
        self.ordering = ordering
        self.columns = [*ordering.columns, ("id", ordering.columns[-1][1])]
        self.fields = sort_fields(queryset.model, ordering)

    # Cursors ---------------------------------------------------------------------
    def decode(self, cursor: str) -> tuple[bool, list[Any]]:
        """(backwards?, sort values) from a cursor, or a 400 saying it is broken."""
        payload = cursors.decode(cursor, "list")
        if (
            not isinstance(payload, dict)
            or payload.get("o") != self.ordering.name
            or payload.get("d") not in ("n", "p")
            or not isinstance(payload.get("v"), list)
            or len(payload["v"]) != len(self.fields)
        ):
            raise InvalidParameter(
                {
                    "cursor": [
                        _(
                            "This cursor is not valid for this ordering; follow the "
                            "'next' and 'previous' links as given."
                        )
                    ]
                }
            )
        try:
            values = [
                self._parse(field, value)
                for field, value in zip(self.fields, payload["v"], strict=True)
            ]
        except (TypeError, ValueError, OverflowError) as error:
            raise cursors.invalid() from error
        return payload["d"] == "p", values

    @staticmethod
    def _parse(field: models.Field, value: Any) -> Any:
        if value is None:
            if not field.null:
                raise ValueError("null for a required column")
            return None
        if isinstance(field, models.DateTimeField):
            if not isinstance(value, str):
                raise TypeError
            parsed = datetime.datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("naive datetime")
            return parsed.astimezone(datetime.UTC)
        if isinstance(field, models.DateField):
            if not isinstance(value, str):
                raise TypeError
            return datetime.date.fromisoformat(value)
        if isinstance(field, models.IntegerField | models.AutoField):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            if not -(2**63) <= value < 2**63:
                raise ValueError("out of range")
            return value
        if isinstance(field, models.DecimalField | models.FloatField):
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise TypeError
            return value
        if not isinstance(value, str) or "\x00" in value:
            raise TypeError
        return value

    def cursor_for(self, values: tuple[Any, ...], backwards: bool) -> str:
        return cursors.encode(
            "list",
            {
                "o": self.ordering.name,
                "d": "p" if backwards else "n",
                "v": [_json_value(value) for value in values],
            },
        )

    # Queries ---------------------------------------------------------------------
    def _order_by(self, reverse: bool) -> list[Any]:
        order = []
        for (column, descending), field in zip(self.columns, self.fields, strict=True):
            desc = descending != reverse
            expression = F(column)
            if not field.null:
                order.append(expression.desc() if desc else expression.asc())
            elif desc:
                order.append(expression.desc(nulls_last=True))
            else:
                order.append(expression.asc(nulls_first=True))
        return order

    def _after(self, values: list[Any], reverse: bool) -> Q:
        """Rows strictly after `values` in the ordering (before it when reversed)."""
        alternatives: list[Q] = []
        equal_so_far = Q()
        for (column, descending), field, value in zip(
            self.columns, self.fields, values, strict=True
        ):
            desc = descending != reverse
            nulls_first = not desc  # ascending: nulls first; descending: nulls last
            if value is None:
                beyond = Q(**{f"{column}__isnull": False}) if nulls_first else None
                equal = Q(**{f"{column}__isnull": True})
            else:
                beyond = Q(**{f"{column}__{'lt' if desc else 'gt'}": value})
                if field.null and not nulls_first:
                    beyond |= Q(**{f"{column}__isnull": True})
                equal = Q(**{column: value})
            if beyond is not None:
                alternatives.append(equal_so_far & beyond)
            equal_so_far &= equal
        condition = alternatives[0]  # the id column always contributes one
        for alternative in alternatives[1:]:
            condition |= alternative
        return self._bound(values, reverse) & condition

    def _bound(self, values: list[Any], reverse: bool) -> Q:
        """A range on the first sort column implied by the condition.

        Redundant logically, but it lets the database seek into the index instead of
        reading every row the OR-ed condition might match and sorting them.
        """
        (column, descending), field, value = (
            self.columns[0],
            self.fields[0],
            values[0],
        )
        desc = descending != reverse
        if value is None:
            # Nulls first (ascending): anything may follow. Nulls last: only nulls.
            return Q(**{f"{column}__isnull": True}) if desc else Q()
        if not desc:
            return Q(**{f"{column}__gte": value})
        if not field.null:
            return Q(**{f"{column}__lte": value})
        return Q()

    def _prepared_rows(
        self,
        values: list[Any] | None,
        backwards: bool,
        page_size: int,
        shape_key: tuple,
    ) -> list[tuple]:
        """The page query compiled once per shape and re-run with the cursor's
        values: building and compiling it cost more than running it (prepared.py).
        Null values shape the SQL (`IS NULL`), so they are part of the shape."""
        using = self.queryset.db
        nulls = None if values is None else tuple(value is None for value in values)
        key = (
            "page",
            using,
            *shape_key,
            self.ordering.name,
            backwards,
            nulls,
            page_size,
        )
        compiled = prepared.cached(
            key, lambda: self._compile(nulls, backwards, page_size)
        )
        if compiled is None:
            return list(self._query(values, backwards, page_size))
        rows = compiled.rows([] if values is None else self._db_values(values))
        order = [compiled.names.index(column) for column, _desc in self.columns]
        return [tuple(row[index] for index in order) for row in rows]

    def _db_values(self, values: list[Any]) -> list[Any]:
        """The cursor's values as the database takes them (as the ORM would)."""
        connection = connections[self.queryset.db]
        return [
            None
            if value is None
            else field.get_db_prep_value(value, connection, prepared=False)
            for field, value in zip(self.fields, values, strict=True)
        ]

    def _compile(
        self, nulls: tuple[bool, ...] | None, backwards: bool, page_size: int
    ) -> prepared.Compiled | None:
        """The page query after a cursor whose null values are `nulls` (None: the
        first page, after no cursor)."""

        def sentinels(variant: int) -> list[Any] | None:
            if nulls is None:
                return None
            return [
                None if null else prepared.sentinel(field, index, variant)
                for index, (field, null) in enumerate(
                    zip(self.fields, nulls, strict=True)
                )
            ]

        return prepared.compile_query(
            lambda values: self._query(values, backwards, page_size),
            sentinels,
            using=self.queryset.db,
            prepare=self._db_values,
        )

    def _query(self, values: list[Any] | None, backwards: bool, page_size: int):
        queryset = self.queryset
        if values is not None:
            queryset = queryset.filter(self._after(values, reverse=backwards))
        columns = [column for column, _desc in self.columns]
        return queryset.order_by(*self._order_by(reverse=backwards)).values_list(
            *columns
        )[: page_size + 1]

    def page(
        self, cursor: str | None, page_size: int, shape_key: tuple | None = None
    ) -> Page:
        """One page. With `shape_key` (which must name everything that shapes the
        query besides the cursor's values: the type, audience, day, filters), the
        compiled query is reused across requests (see _prepared_rows)."""
        backwards, values = (False, None) if cursor is None else self.decode(cursor)
        columns = [column for column, _desc in self.columns]
        if shape_key is None:
            rows = list(self._query(values, backwards, page_size))
        else:
            rows = self._prepared_rows(values, backwards, page_size, shape_key)
        more = len(rows) > page_size
        rows = rows[:page_size]
        if backwards:
            rows.reverse()
        if not rows:
            return Page([], None, None)
        has_next = more if not backwards else True
        has_previous = more if backwards else cursor is not None
        id_index = len(columns) - 1
        return Page(
            pks=[row[id_index] for row in rows],
            next_cursor=self.cursor_for(rows[-1], backwards=False)
            if has_next
            else None,
            previous_cursor=self.cursor_for(rows[0], backwards=True)
            if has_previous
            else None,
        )


def page_link(request: Any, cursor: str | None) -> str | None:
    """The current URL with another cursor (every other parameter kept)."""
    if cursor is None:
        return None
    params = [(key, value) for key, value in request.GET.items() if key != "cursor"]
    params.append(("cursor", cursor))
    return request.build_absolute_uri(request.path) + "?" + urlencode(params)


class KeysetPagination(BasePagination):
    """Declares the pagination parameters and envelope for the OpenAPI schema.

    The work is done by `KeysetPaginator`; views call it directly.
    """

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Where the page starts; take it from `next` or "
                "`previous` of the page before.",
                "schema": cursor_schema(
                    shortest_cursor(view.model, view.orderings.values())
                ),
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Records per page, 1 to {MAX_PAGE_SIZE} (default "
                f"{DEFAULT_PAGE_SIZE}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]
        view_orderings = getattr(view, "orderings", None)
        if view_orderings:
            parameters.append(
                {
                    "name": "ordering",
                    "in": "query",
                    "required": False,
                    "description": "Sort order; a leading '-' reverses it. Default: "
                    f"`{next(iter(view_orderings))}`.",
                    "schema": {"type": "string", "enum": list(view_orderings)},
                }
            )
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "How many records match, on all pages.",
                },
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }
