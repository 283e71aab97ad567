"""Hand-written and compiled SQL run as prepared statements on PostgreSQL.

Django's PostgreSQL cursors bind values on the client and send the whole text
every time, so the server parses and plans every query again. The statements that
run on every answer (the archive version) or every page (the API's compiled
queries, the search engine's) are instead prepared once per connection and then
only bound (`statement_cursor`, `run_statement`); elsewhere they run through a
plain cursor.

Below the models (which read the archive version through it) and the API (whose
compiled queries, `archive.api.prepared`, run through it): it imports nothing of
the archive (tests/test_imports.py keeps it so). It is the only module that
reaches into Django's cursor wrapping (`_prepare_cursor`, the backend's
`CursorMixin`) and psycopg's placeholder conversion (`_queries._query2pg_nocache`);
tests/api/test_prepared.py fails if an upgrade changes either.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

#: PostgreSQL: statements prepared per connection, most recently used kept (a list
#: and a detail of every kind, in every page size bucket, fit).
PREPARED_PER_CONNECTION = 500
NEVER_AUTOMATICALLY = 2**31 - 1


def statement_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor for a compiled query: on PostgreSQL, one that has the server
    prepare each statement once per connection and then only binds its values.

    Django's own PostgreSQL cursors bind values on the client and send the whole
    text every time, so the server parses and plans every query again; for the
    API's batch queries (joins, visibility conditions) planning cost more than
    running (docs/performance.md has the EXPLAIN figures). Queries stay counted
    and logged like any other (Django's cursor wrapper is kept).

    The cursor is psycopg's raw one: it takes the statement with PostgreSQL's own
    `$1` placeholders (`native_statement`, converted once when the query is
    compiled). psycopg converts `%s` placeholders on every execution and caches
    the conversion only for statements under 4 KB; a list page's statement is
    larger, and converting it was a twentieth of the page's time in the worker.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    # As Django's own cursors do (`BaseDatabaseWrapper._cursor`): a kept
    # connection that died while idle is found and replaced before a request's
    # first statement, not met by it (the archive version, read first by every
    # API answer, and a record page's one statement run through here).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns preparation off (for poolers such as PgBouncer in transaction
        # mode); psycopg then ignores `prepare=True`. A threshold no query reaches
        # lets only these cursors prepare: Django's own bind on the client and never
        # prepare.
        raw.prepare_threshold = NEVER_AUTOMATICALLY
        raw.prepared_max = PREPARED_PER_CONNECTION
    if raw not in _generic_plans:
        _use_generic_plans(connection, raw)
    return connection._prepare_cursor(_preparing_cursor_class()(raw))


#: Raw PostgreSQL connections whose session plans prepared statements once.
_generic_plans: weakref.WeakSet = weakref.WeakSet()


def _use_generic_plans(connection: BaseDatabaseWrapper, raw: Any) -> None:
    """Have the session keep one plan per prepared statement
    (`plan_cache_mode = force_generic_plan`), once per connection.

    By default PostgreSQL plans a prepared statement five times with its values,
    then compares: the keyset page query after a cursor came out cheaper with its
    values every time, so the server planned it again on every page, more than
    half of its time (docs/performance.md). Its generic plan is the same index
    scan; the rows' and batch queries, and `run_statement`'s (search, the archive
    version), already ran generic after their first five runs. The setting only
    concerns statements sent with parameters: Django's own queries bind their
    values on the client, so they are planned for their values as before, unless
    `server_side_binding` is on, in which case this is left alone. It is set in
    autocommit outside a transaction only (inside one, a rollback would undo it);
    until then the default stays.
    """
    from psycopg.pq import TransactionStatus

    if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        _generic_plans.add(raw)
        return
    if not raw.autocommit or raw.info.transaction_status != TransactionStatus.IDLE:
        return
    raw.execute("SET plan_cache_mode = force_generic_plan")
    _generic_plans.add(raw)


@functools.cache
def _preparing_cursor_class() -> type:
    # Imported here: the psycopg backend only loads when PostgreSQL is configured.
    import psycopg
    from django.db.backends.postgresql.base import CursorMixin

    class PreparingCursor(CursorMixin, psycopg.RawCursor):
        """Server-side binding of `$1` placeholders, every statement prepared
        (psycopg keeps the `prepared_max` most recent per connection)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            result = super().execute(query, params, prepare=True, binary=binary)
            # What Django's query log reads (`last_executed_query`); psycopg
            # leaves it empty for a raw cursor.
            self._query = LoggedStatement(self.connection, query, params or ())
            return result

    return PreparingCursor


#: A `$1` placeholder of a native statement.
PLACEHOLDER = re.compile(r"\$(\d+)")


class LoggedStatement:
    """A prepared statement as the query log shows it (`connection.queries`,
    `CaptureQueriesContext`, the `django.db.backends` logger): its text with the
    values written in as SQL literals, so a logged query reads, and runs, like one
    bound on the client. Composed only when read (only while queries are logged)."""

    def __init__(self, raw: Any, statement: str, params: Sequence[Any]) -> None:
        self._raw, self._statement, self._params = raw, statement, params

    @property
    def query(self) -> bytes:
        from psycopg import sql

        def literal(match: re.Match) -> str:
            value = self._params[int(match.group(1)) - 1]
            return sql.Literal(value).as_string(self._raw)

        return PLACEHOLDER.sub(literal, self._statement).encode()


def run_statement(
    sql: str, params: Sequence[Any], using: str = "default"
) -> list[tuple]:
    """The rows of hand-written SQL (`%s` placeholders): on PostgreSQL run as a
    prepared statement, parsed and planned once per connection and text, then
    only bound (`statement_cursor`); elsewhere through a plain cursor.

    For statements whose text depends only on a request's shape, its values all
    being parameters: the search engine's (a search for one word and for another
    is the same text), where PostgreSQL spent longer planning than running."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    with statement_cursor(connection) as cursor:
        cursor.execute(_postgresql_statement(sql), params)
        return cursor.fetchall()


@functools.lru_cache(maxsize=PREPARED_PER_CONNECTION)
def _postgresql_statement(sql: str) -> str:
    from psycopg._queries import _query2pg_nocache

    return _query2pg_nocache(sql.encode(), "utf-8")[0].decode()


def native_statement(sql: str, connection: BaseDatabaseWrapper) -> str:
    """`sql` with `%s` placeholders (and `%%` for %) as `statement_cursor` takes
    it: on PostgreSQL with `$1`, `$2`... (psycopg's own conversion, done once);
    elsewhere unchanged."""
    if connection.vendor != "postgresql":
        return sql
    return _postgresql_statement(sql)
