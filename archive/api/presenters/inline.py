"""Nested lists as JSON inside their owner's query, on PostgreSQL.

On SQLite a nested list (a recognition's rescuers) costs one batch query per page,
which runs in the worker's own process. On PostgreSQL each query is a round trip to
another process; a list page of recognitions made eight of them. There, a `Many`
member whose rows can be carried in JSON without changing their values is instead
selected inside its owner's row, as a correlated subquery:

    ARRAY_TO_JSON(ARRAY(SELECT JSON_BUILD_ARRAY(col, ...) FROM ...
     WHERE owner_id = outer.id AND <the same visibility conditions> ORDER BY ...))

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

from django.conf import settings
from django.db import connections, models
from django.db.models import Func, JSONField, Subquery, TextField
from django.db.models.expressions import BaseExpression

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


class JsonRows(Subquery):
    """ARRAY_TO_JSON(ARRAY(subquery)): the related rows of one owner (each one
    JSON_BUILD_ARRAY), in the subquery's order; `[]` when there are none.

    Not JSON_AGG(... ORDER BY ...): on PostgreSQL 15 an aggregate's own ORDER BY
    starts a sort for every owner, which was more than half the time of a list
    page's query (a page of 50 recognitions, five nested lists: 9.9 ms against
    4.2 ms without it). An ARRAY sublink keeps the rows in the order its subquery
    returns them, and the subquery's ORDER BY is that order."""

    template = "ARRAY_TO_JSON(ARRAY(%(subquery)s))"
    output_field = JSONField()


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
