"""Nested lists as JSON inside their owner's query, on PostgreSQL.

On SQLite a nested list (a recognition's rescuers) costs one batch query per page,
which runs in the worker's own process. On PostgreSQL each query is a round trip to
another process; a list page of recognitions made eight of them. There, a `Many`
member whose rows can be carried in JSON without changing their values is instead
selected inside its owner's row, as a correlated subquery:

    (SELECT JSON_AGG(JSON_BUILD_ARRAY(col, ...) ORDER BY ...) FROM ...
     WHERE owner_id = outer.id AND <the same visibility conditions>)

one array per related row, its values in the order of the member's columns (nested
lists of its own, such as a rescued person's kinds of help, are further elements).
`Many.unpack` turns them back into the very rows the batch query gives, so the
presenters and the answers do not change (tests/benchmark/test_databases_agree.py).

A column is carried only if JSON keeps its value: text, integers, booleans, UUIDs
(as text, which `values.uuid_text` takes) and dates (ISO text, which `values.iso`
takes). Moments are not (PostgreSQL's JSON drops trailing zeros of the fraction of
a second, which Python's isoformat keeps), nor decimals (3.00 would come back as
3.0), nor JSON; a member that needs one keeps its own query (`inlinable`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models import Aggregate, Func, JSONField, TextField
from django.db.models.expressions import BaseExpression, OrderByList

#: Fields whose values come back from JSON as the presenters expect them.
CARRIED = (
    models.CharField,
    models.TextField,
    models.UUIDField,
    models.BooleanField,
    models.IntegerField,
    models.AutoField,
    models.ForeignKey,
)
#: PostgreSQL functions take at most 100 arguments.
MAX_COLUMNS = 100
SAFE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class JsonArray(Func):
    """JSON_BUILD_ARRAY(a, b, ...): one related row."""

    function = "JSON_BUILD_ARRAY"
    output_field = JSONField()


class JsonAgg(Aggregate):
    """JSON_AGG(row ORDER BY ...): the related rows of one owner, in order. (As
    django.contrib.postgres's aggregates order, without importing them: they need
    psycopg, which SQLite deployments need not install.)"""

    function = "JSON_AGG"
    template = "%(function)s(%(expressions)s %(order_by)s)"
    output_field = JSONField()

    def __init__(self, expression: Any, *, order_by: Sequence[str]) -> None:
        self.order_by = OrderByList(*order_by)
        super().__init__(expression)

    def get_source_expressions(self) -> list[Any]:
        return [*super().get_source_expressions(), self.order_by]

    def set_source_expressions(self, expressions: list[Any]) -> None:
        *expressions, self.order_by = expressions
        super().set_source_expressions(expressions)

    def as_sql(self, compiler, connection, **extra_context):
        order_by, order_params = compiler.compile(self.order_by)
        sql, params = super().as_sql(compiler, connection, order_by=order_by)
        return sql, (*params, *order_params)


class AsText(Func):
    """The JSON as text, so the worker parses it with orjson (psycopg would parse
    `json` with the standard library's decoder)."""

    template = "(%(expressions)s)::text"
    output_field = TextField()


def carried(field: models.Field | BaseExpression) -> bool:
    """Whether JSON keeps this column's (or annotation's) values unchanged."""
    if isinstance(field, BaseExpression):
        field = field.output_field
    if isinstance(field, models.DateTimeField):
        return False
    return isinstance(field, (*CARRIED, models.DateField))


def field_at(model: type[models.Model], path: str) -> models.Field:
    """The field a values() name such as `person__uuid` reads, from `model`."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def inline_nested_lists(using: str = "default") -> bool:
    """Whether nested lists come inline: on PostgreSQL, unless the setting
    `API_INLINE_NESTED_LISTS` (environment variable of the same name) is off."""
    return (
        connections[using].vendor == "postgresql" and settings.API_INLINE_NESTED_LISTS
    )
