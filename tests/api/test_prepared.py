"""The compiled-query module (archive/api/prepared.py) and the prepared statements
it runs through (archive/statements.py) against Django's internals.

prepared.py keeps SQL compiled by Django's private compiler API and re-runs it with
new values; statements.py runs it, and hand-written SQL, prepared on PostgreSQL
through Django's cursor wrapping. If a Django upgrade changes either, these tests
fail here, by name, instead of lists quietly returning wrong rows. They run on
SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from archive import models as m
from archive import statements
from archive.api import prepared
from archive.api.context import ApiContext, Audience
from archive.api.pagination import KeysetPaginator, Ordering
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_compiled_queries():
    prepared.clear_compiled()
    yield
    prepared.clear_compiled()


@pytest.fixture
def recognitions() -> list[m.Recognition]:
    records = [
        f.make_recognition(
            status=m.Status.PUBLISHED,
            rescuers=n % 3,
            title_en=f"R{n % 4}",
            date_edtf="" if n % 5 == 0 else f"19{60 + n % 3}",
        )
        for n in range(12)
    ]
    records[3].embargo_until = datetime.date(2099, 1, 1)
    records[3].save()
    return records


COLUMNS = (
    "id",
    "uuid",
    "title_en",
    "date_earliest",
    "updated_at",
    "embargo_until",
    "rescuers__person__family_name",
)


def batch(ids: list[int]):
    """A batch query like the presenters' own: a join, a condition, an annotation,
    dates, moments and UUIDs."""
    return (
        m.Recognition.objects.filter(id__in=ids)
        .filter(Q(status=m.Status.PUBLISHED) | Q(title_en__startswith="R1"))
        .annotate(
            embargoed=Case(
                When(embargo_until__isnull=False, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            helpers=Count("rescuers"),
        )
        .order_by("id", "rescuers__person__family_name")
        .values(*COLUMNS, "embargoed", "helpers")
    )


def test_django_compiler_internals_used_by_prepared_queries_still_behave(
    recognitions,
):
    """Every private piece of Django's compiler that prepared.py uses exists and
    does what prepared.py expects: if this fails after a Django upgrade, fix
    prepared.py before anything else."""
    ids = [record.pk for record in recognitions]
    queryset = batch(ids)
    query = queryset.query
    # Names of a values() query, in the order the SQL selects them.
    assert hasattr(query, "selected")
    for name in ("extra_select", "values_select", "annotation_select"):
        assert hasattr(query, name), name
    # get_compiler(connection=...) and as_sql() -> (SQL, parameters).
    compiler = query.get_compiler(connection=connection)
    assert isinstance(compiler, SQLCompiler)
    sql, params = compiler.as_sql()
    assert isinstance(sql, str) and sql.lstrip().upper().startswith("SELECT")
    assert [value for value in params if type(value) is int and value in ids] == ids
    # After as_sql(): select holds (expression, sql, alias) for each column,
    # the first col_count of them being the query's own columns.
    assert isinstance(compiler.col_count, int)
    expressions = [column[0] for column in compiler.select[: compiler.col_count]]
    assert len(expressions) == compiler.col_count == len(queryset[0])
    assert all(hasattr(expression, "output_field") for expression in expressions)
    # (The names' order is the SQL's, which modeltranslation's values() need not
    # keep in the order asked for.)
    names = prepared._names(query)
    assert sorted(names) == sorted(queryset[0])
    # get_converters() -> {column index: (converters, expression)}.
    converters = compiler.get_converters(expressions)
    assert isinstance(converters, dict)
    for index, (functions, expression) in converters.items():
        assert 0 <= index < compiler.col_count
        assert all(callable(function) for function in functions)
        assert expression in expressions
    # apply_converters() over raw rows gives what the ORM gives.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    converted = list(compiler.apply_converters(raw, converters))
    assert [dict(zip(names, row, strict=True)) for row in converted] == list(queryset)


def test_compiled_batch_query_rerun_with_new_ids_is_what_the_orm_gives(
    recognitions,
):
    """The same compiled SQL, run again with other ids (and ids of other counts),
    returns exactly the rows a freshly built ORM query returns."""
    compiled = prepared.compile_query(
        batch, lambda variant: [prepared.sentinel(None, i, variant) for i in range(4)]
    )
    assert compiled is not None
    assert sorted(index for _position, index in compiled.slots) == [0, 1, 2, 3]
    ids = [record.pk for record in recognitions]
    for chosen in (ids[:4], ids[4:8], ids[8:], [ids[0], ids[5], ids[9], ids[3]]):
        names = compiled.names
        rows = [dict(zip(names, row, strict=True)) for row in compiled.rows(chosen)]
        assert rows == list(batch(chosen))
        assert rows  # the comparison compared something


def test_prepared_query_rows_are_the_orm_rows(recognitions):
    """PreparedQuery: padded and bucketed ids, the cache, and on SQLite dates,
    moments and UUIDs left as the database's text."""
    query = prepared.PreparedQuery("test.recognitions", lambda ctx, ids: batch(ids))
    ctx = ApiContext(audience=Audience(), lang=None, base="http://testserver")
    ids = [record.pk for record in recognitions]
    for chosen in (ids[:1], ids[:3], ids[2:7], ids, ids[:3]):
        rows = query.rows(ctx, chosen + chosen[:1])  # repeated ids count once
        fresh = list(batch(chosen))
        assert len(rows) == len(fresh)
        for row, expected in zip(rows, fresh, strict=True):
            assert row.keys() == expected.keys()
            for name, value in expected.items():
                if connection.vendor == "sqlite" and isinstance(
                    value, datetime.date | uuid.UUID
                ):
                    assert row[name] == as_on_sqlite(value), name
                else:
                    assert row[name] == value, name
    assert query.rows(ctx, []) == []


def as_on_sqlite(value: datetime.date | uuid.UUID) -> Any:
    """What SQLite's driver gives back without Django's converters: UUIDs as text,
    moments naive in UTC (records.iso and records.uuid_text read them), days as
    days."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


@pytest.mark.parametrize(
    "ordering",
    [
        Ordering("date", (("date_earliest", False),)),
        Ordering("-date", (("date_earliest", True),)),
        Ordering("title", (("title_en", False),)),
        Ordering("-updated", (("updated_at", True),)),
    ],
    ids=lambda ordering: ordering.name,
)
def test_compiled_keyset_pages_are_the_orm_pages(recognitions, ordering):
    """Keyset pages through the compiled query, forwards and backwards, nulls and
    ties included, are the pages the ORM builds afresh."""
    paginator = KeysetPaginator(m.Recognition.objects.public(), ordering)
    cursor, seen = None, []
    while True:
        fresh = paginator.page(cursor, 3)
        assert paginator.page(cursor, 3, shape_key=("test",)) == fresh
        if fresh.previous_cursor:
            back = paginator.page(fresh.previous_cursor, 3)
            assert paginator.page(fresh.previous_cursor, 3, ("test",)) == back
        seen += fresh.pks
        cursor = fresh.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == m.Recognition.objects.public().count()


def test_a_query_shaped_by_its_values_is_not_reused():
    """SQL that changes with the values, or a parameter that changes on its own
    (a clock), is never frozen into a compiled query."""
    one_id = prepared.compile_query(
        lambda ids: m.Recognition.objects.filter(id__in=ids).values("id"),
        lambda variant: [
            prepared.sentinel(None, i, variant) for i in range(variant + 1)
        ],
    )
    assert one_id is None
    clock = prepared.compile_query(
        lambda ids: m.Recognition.objects.filter(
            id__in=ids, updated_at__lt=timezone.now()
        ).values("id"),
        lambda variant: [prepared.sentinel(None, 0, variant)],
    )
    assert clock is None


def test_prepared_query_that_ignores_its_ids_fails_loudly():
    """A batch query must use its ids (once): otherwise every batch would get the
    first batch's rows."""
    query = prepared.PreparedQuery(
        "test.no-ids", lambda ctx, ids: m.Recognition.objects.values("id")
    )
    ctx = ApiContext(audience=Audience(), lang=None, base="http://testserver")
    with pytest.raises(RuntimeError, match="exactly once"):
        query.rows(ctx, [1, 2])


def test_rows_found_by_a_unique_value_are_the_orm_rows(recognitions):
    """rows_where: the compiled query re-run with another uuid gives that record's
    rows, as the ORM gives them (on SQLite, UUIDs and dates as text), and none for
    a uuid no record has."""

    def build(value: Any):
        return batch([record.pk for record in recognitions]).filter(uuid=value)

    for record in (recognitions[0], recognitions[3], recognitions[0]):
        rows = prepared.rows_where(
            "test.by-uuid", m.Recognition, build, "uuid", record.uuid, ("test",)
        )
        fresh = list(build(record.uuid))
        assert len(rows) == len(fresh) == 1
        for name, value in fresh[0].items():
            if connection.vendor == "sqlite" and isinstance(
                value, datetime.date | uuid.UUID
            ):
                assert rows[0][name] == as_on_sqlite(value), name
            else:
                assert rows[0][name] == value, name
    nobody = prepared.rows_where(
        "test.by-uuid", m.Recognition, build, "uuid", uuid.uuid4(), ("test",)
    )
    assert nobody == []


def test_rows_where_that_ignores_its_value_fails_loudly():
    """A query that does not use its value would give every caller the first
    caller's record."""
    with pytest.raises(RuntimeError, match="exactly once"):
        prepared.rows_where(
            "test.no-value",
            m.Recognition,
            lambda value: m.Recognition.objects.values("id"),
            "uuid",
            uuid.uuid4(),
            ("test",),
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side preparation: PostgreSQL"
)
def test_on_postgresql_a_compiled_query_is_prepared_once_and_still_counted(
    recognitions, django_assert_num_queries
):
    """The server plans a compiled query once per connection (the API's batch
    queries cost more to plan than to run), and every run is still a logged query
    (the pinned query counts see it)."""
    ids = [record.pk for record in recognitions]
    compiled = prepared.compile_query(
        batch, lambda variant: [prepared.sentinel(None, i, variant) for i in ids]
    )

    def prepared_statements() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared_statements()
    with django_assert_num_queries(2):
        first = compiled.rows(ids)
        second = compiled.rows(list(reversed(ids)))
    assert prepared_statements() == before + 1

    def as_set(rows) -> set:
        return {
            tuple(sorted(dict(zip(compiled.names, row, strict=True)).items()))
            for row in rows
        }

    orm = {tuple(sorted(row.items())) for row in batch(ids)}
    assert as_set(first) == as_set(second) == orm


def test_a_hand_written_statement_is_prepared_once_and_logged_with_its_values(
    django_assert_num_queries,
):
    """`run_statement` (the search engine's statements, the archive version) gives
    the same rows as a plain cursor on either database; on PostgreSQL the server
    plans the statement once per connection, and the query log still shows each
    run as SQL with its values written in, which runs as it reads."""
    f.make_recognition(status=m.Status.PUBLISHED, title_en="It's 50% of a town")
    sql = (
        "SELECT title_en, %s FROM archive_recognition "
        "WHERE title_en LIKE %s AND title_en LIKE '%%50%%' AND id > %s"
    )

    def prepared_statements() -> int:
        if connection.vendor != "postgresql":
            return 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared_statements()
    with django_assert_num_queries(2) as captured:
        first = statements.run_statement(sql, ["x", "It%", 0])
        second = statements.run_statement(sql, ["y", "It%", -1])
    assert [tuple(row) for row in first] == [("It's 50% of a town", "x")]
    assert [tuple(row) for row in second] == [("It's 50% of a town", "y")]
    if connection.vendor == "postgresql":
        assert prepared_statements() == before + 1
        logged = captured.captured_queries[0]["sql"]
        assert logged == (
            "SELECT title_en, 'x' FROM archive_recognition "
            "WHERE title_en LIKE 'It%' AND title_en LIKE '%50%' AND id > 0"
        )
        with connection.cursor() as cursor:
            cursor.execute(logged.replace("%", "%%"))
            assert cursor.fetchall() == [("It's 50% of a town", "x")]


def test_native_statement_numbers_placeholders_once_and_keeps_percent_signs():
    """PostgreSQL's statement cursor takes `$1` placeholders, converted once at
    compilation by psycopg's own conversion (prepared.py reaches into it: this
    fails if psycopg changes it); a literal % (`%%` in Django's SQL) stays one %."""
    sql = "SELECT %s, 'a%%b' WHERE x = %s OR y LIKE '%%%%'"
    if connection.vendor == "postgresql":
        expected = "SELECT $1, 'a%b' WHERE x = $2 OR y LIKE '%%'"
    else:
        expected = sql
    assert statements.native_statement(sql, connection) == expected


def test_compiled_query_with_a_literal_percent_sign_runs():
    """A compiled statement holding a literal % and parameters gives the ORM's rows
    on either database."""
    f.make_recognition(status=m.Status.PUBLISHED, title_en="50% of a town")
    f.make_recognition(status=m.Status.PUBLISHED, title_en="A town")

    def build(values):
        return (
            m.Recognition.objects.filter(title_en__contains="%", pk__gt=values[0])
            .extra(where=["title_en LIKE '%%%%'"])
            .values_list("title_en")
        )

    compiled = prepared.compile_query(
        build, lambda variant: [prepared.sentinel(None, 0, variant)]
    )
    assert "LIKE '%%%%'" in compiled.sql  # a literal % in the statement
    rows = [tuple(row) for row in compiled.rows([0])]
    assert rows == list(build([0])) == [("50% of a town",)]


def test_address_templates_kept_between_requests_follow_host_language_and_prefix():
    """`ApiContext.addresses` keeps its templates between requests (context.py):
    they must still differ by host, language and script prefix."""
    from django.urls import set_script_prefix

    from archive.api.context import ApiContext, Audience

    def web_url(base: str, lang: str | None) -> str:
        return ApiContext(Audience(), lang=lang, base=base).web_url("person", "a-b")

    assert web_url("https://one.example", None) == "https://one.example/en/people/a-b/"
    assert web_url("https://two.example", "fr").startswith("https://two.example/fr/")
    set_script_prefix("/archive/")
    try:
        assert web_url("https://one.example", None).startswith(
            "https://one.example/archive/en/"
        )
    finally:
        set_script_prefix("/")
    assert web_url("https://one.example", None) == "https://one.example/en/people/a-b/"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side preparation: PostgreSQL"
)
# serialized_rollback: the flush after a transactional test would otherwise drop the
# curator groups and renumber the content types that later transactional tests use.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_compiled_queries_keep_one_plan(recognitions):
    """A compiled query's connection plans each prepared statement once
    (`force_generic_plan`): with the default, the server re-planned the keyset page
    query with its values on every page. The setting is made outside a
    transaction, where no rollback undoes it, and not through Django's cursor (no
    query is counted for it)."""
    ids = [record.pk for record in recognitions]
    connection.close()
    compiled = prepared.compile_query(
        batch, lambda variant: [prepared.sentinel(None, i, variant) for i in ids]
    )
    for _ in range(7):
        compiled.rows(ids)
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement = %s",
            [compiled.statement],
        )
        assert cursor.fetchone() == (7, 0)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side preparation: PostgreSQL"
)
def test_inside_a_transaction_the_plan_setting_waits(recognitions):
    """Inside a transaction (a test's, or ATOMIC_REQUESTS) the session setting is
    not made: a rollback would undo it while the connection counted it as done."""
    ids = [record.pk for record in recognitions]
    compiled = prepared.compile_query(
        batch, lambda variant: [prepared.sentinel(None, i, variant) for i in ids]
    )
    raw = connection.connection
    statements._generic_plans.discard(raw)
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = auto")
    compiled.rows(ids)
    assert raw not in statements._generic_plans
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side preparation: PostgreSQL"
)
def test_the_archive_version_is_read_by_a_statement_prepared_once_per_connection():
    """Every API answer reads the archive version first: on PostgreSQL the server
    parses and plans that statement once per connection, then only binds it."""
    m.ArchiveVersion.bump()
    first = m.ArchiveVersion.current()
    m.ArchiveVersion.bump()
    second = m.ArchiveVersion.current()
    assert second.version == first.version + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement = %s",
            [
                "SELECT version, changed_at, public_changed_at, "
                'exhibition_changed_at FROM "archive_archiveversion" WHERE id = $1'
            ],
        )
        (runs,) = cursor.fetchall()
        m.ArchiveVersion.current()
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement = %s",
            [
                "SELECT version, changed_at, public_changed_at, "
                'exhibition_changed_at FROM "archive_archiveversion" WHERE id = $1'
            ],
        )
        assert cursor.fetchall() == [(runs[0] + 1,)]
