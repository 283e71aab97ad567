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

import base64
import binascii
import datetime
import json
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db import connections, models
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination

from archive.api.problems import InvalidParameter

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 1000
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


def encode_payload(payload: Any) -> str:
    """A cursor: compact JSON in unpadded base64url (lists, search and changes)."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


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
    cursors = [
        encode_payload(
            {
                "o": ordering.name,
                "d": "n",
                "v": [shortest_value(field) for field in sort_fields(model, ordering)],
            }
        )
        for ordering in choices
    ]
    return min(cursors, key=len)


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
        invalid = InvalidParameter({"cursor": [_("This cursor is not valid.")]})
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise invalid
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            payload = json.loads(raw)
        except (binascii.Error, ValueError, UnicodeDecodeError) as error:
            raise invalid from error
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
            raise invalid from error
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
        return encode_payload(
            {
                "o": self.ordering.name,
                "d": "p" if backwards else "n",
                "v": [_json_value(value) for value in values],
            }
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
        values: building and compiling it cost more than running it."""
        nulls = None if values is None else tuple(value is None for value in values)
        key = (*shape_key, self.ordering.name, backwards, nulls, page_size)
        with _SHAPES_LOCK:
            shape = _SHAPES.get(key)
        if shape is None:
            shape = _compile_page(self, values, backwards, page_size)
            if shape is None:
                return list(self._query(values, backwards, page_size))
            with _SHAPES_LOCK:
                if len(_SHAPES) > 2000:
                    _SHAPES.clear()
                _SHAPES[key] = shape
        sql, params, slots, compiler, converters, order = shape
        connection = connections[self.queryset.db]
        params = list(params)
        for position, index in slots:
            params[position] = self.fields[index].get_db_prep_value(
                values[index], connection, prepared=False
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [tuple(row[index] for index in order) for row in rows]

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


_SHAPES: dict[tuple, tuple] = {}
_SHAPES_LOCK = threading.Lock()


def _sentinel(field: models.Field, index: int, variant: int) -> Any:
    """A value no real row has, distinct per position and per compilation."""
    if isinstance(field, models.DateTimeField):
        return datetime.datetime(
            1111 + variant, 1, 1, tzinfo=datetime.UTC
        ) + datetime.timedelta(seconds=index + 1)
    if isinstance(field, models.DateField):
        return datetime.date(1111 + variant, 1, 1) + datetime.timedelta(days=index + 1)
    if isinstance(field, models.IntegerField | models.AutoField):
        return -(10**15) * (variant + 1) - index
    return f"\x01sentinel-{variant}-{index}"


def _compile_page(paginator: KeysetPaginator, values, backwards, page_size):
    """Compile the page query twice with different sentinel values; parameters that
    differ are the cursor's, and we record which value each one carries."""
    connection = connections[paginator.queryset.db]
    compiled = []
    for variant in (0, 1):
        sentinels = (
            None
            if values is None
            else [
                None if value is None else _sentinel(field, index, variant)
                for index, (field, value) in enumerate(
                    zip(paginator.fields, values, strict=True)
                )
            ]
        )
        queryset = paginator._query(sentinels, backwards, page_size)
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        compiled.append((sql, list(params), compiler, sentinels))
    (sql, params, compiler, sentinels), (other_sql, other_params, _c, _s) = compiled
    if sql != other_sql or len(params) != len(other_params):
        return None  # the values shape the SQL itself: do not reuse it
    slots = []
    for position, (first, second) in enumerate(zip(params, other_params, strict=True)):
        if first == second:
            continue
        matches = [
            index
            for index, field in enumerate(paginator.fields)
            if sentinels[index] is not None
            and field.get_db_prep_value(sentinels[index], connection, prepared=False)
            == first
        ]
        if len(matches) != 1:
            return None
        slots.append((position, matches[0]))
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    # The SQL may select the columns in another order than asked for (Django's
    # values_list() reorders its rows the same way).
    names = list(query.selected) if query.selected else list(query.values_select)
    wanted = [column for column, _desc in paginator.columns]
    order = [names.index(column) for column in wanted]
    return sql, params, slots, compiler, compiler.get_converters(fields), order


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
