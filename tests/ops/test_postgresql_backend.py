"""The project's PostgreSQL backend (memorial/postgresql).

A kept connection is tested before a request only after sitting idle: a busy
worker does not pay a `SELECT 1` round trip per request, an idle one still finds
out its connection died. Moments are read by psycopg's own parser, with the
values Django's loader gives."""

from __future__ import annotations

import datetime
import time

import psycopg
import pytest
from django.db import connections
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from archive.models import ArchiveVersion
from memorial.postgresql.base import PARSER, MomentLoader, moment_loader

connection = connections["default"]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="PostgreSQL's backend"
    ),
]


@pytest.fixture
def checks(monkeypatch):
    """Health checks on, as the settings turn them on, with `is_usable` counted."""
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_enabled", True)
    calls = []
    real = connection.is_usable

    def is_usable():
        calls.append(time.monotonic())
        return real()

    monkeypatch.setattr(connection, "is_usable", is_usable)
    return calls


def a_new_request():
    """What Django does to a kept connection when a request starts."""
    connection.health_check_done = False


def test_the_project_runs_its_own_postgresql_backend():
    assert type(connection).__module__ == "memorial.postgresql.base"


def test_a_connection_used_a_moment_ago_is_not_tested_again(checks, settings):
    settings.DATABASE_HEALTH_CHECK_IDLE = 1.0
    connection.cursor().close()
    a_new_request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
    assert checks == []


def test_a_connection_idle_for_longer_is_tested_before_its_first_query(
    checks, settings
):
    settings.DATABASE_HEALTH_CHECK_IDLE = 1.0
    connection.cursor().close()
    connection.used_at -= 1.5
    a_new_request()
    connection.cursor().close()
    connection.cursor().close()
    assert len(checks) == 1


def test_without_an_idle_time_every_request_tests_its_connection(checks, settings):
    settings.DATABASE_HEALTH_CHECK_IDLE = 0
    for _ in range(3):
        a_new_request()
        connection.cursor().close()
    assert len(checks) == 3


def a_connection_that_died_while_idle(settings, monkeypatch):
    """A request starting on a connection idle for 5 s, which a restarted server
    has dropped (as its health check finds); the connection."""
    settings.DATABASE_HEALTH_CHECK_IDLE = 1.0
    connection.cursor().close()
    connection.used_at -= 5
    a_new_request()
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    return connection.connection


@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_found_by_the_check_is_replaced(
    checks, settings, monkeypatch
):
    old = a_connection_that_died_while_idle(settings, monkeypatch)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 3")
        assert cursor.fetchone() == (3,)
    assert connection.connection is not old
    assert old.closed


@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_is_replaced_before_a_prepared_statement_too(
    checks, settings, monkeypatch
):
    """An API answer's first statement is the archive version's, prepared
    (`archive.statements`): it tests an idle connection as Django's cursors do,
    and one it used a moment ago counts as used."""
    old = a_connection_that_died_while_idle(settings, monkeypatch)
    assert ArchiveVersion.current().version >= 0
    assert connection.connection is not old
    assert old.closed
    # The new connection's first request tests it (no use counted yet) ...
    monkeypatch.setattr(connection, "is_usable", lambda: True)
    a_new_request()
    ArchiveVersion.current()
    # ... and counts as its use: the next request's is not tested.
    monkeypatch.setattr(connection, "is_usable", lambda: pytest.fail("tested"))
    a_new_request()
    assert ArchiveVersion.current().version >= 0


#: Moments as PostgreSQL prints them: fractions of every length and none, before
#: 1900, the first and last days PostgreSQL and Python share (the session's time
#: zone is UTC, so the server prints +00 whatever the offset given).
MOMENTS = [
    "2026-12-04 20:15:53.123456+00",
    "2026-12-04 20:15:53.1+00",
    "2026-12-04 20:15:53+00",
    "1942-08-04 05:30:00+02",
    "1944-09-03 10:00:00-05:30",
    "1850-01-01 00:00:00+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]
#: Texts with other offsets, as a session in another time zone would print them.
OFFSET_TEXTS = [
    b"1942-08-04 05:30:00+02",
    b"1944-09-03 10:00:00.5-05:30",
    b"1900-01-01 00:00:00+00:17:30",
]


@pytest.mark.parametrize("timezone", [datetime.UTC, None], ids=["aware", "naive"])
def test_moments_are_read_as_djangos_own_loader_reads_them(timezone):
    """Same value, same time zone object (or none), for every moment."""
    connection.ensure_connection()
    raw = connection.connection
    ours = moment_loader(timezone)(raw.adapters.types["timestamptz"].oid, raw)
    theirs = type("DjangoLoader", (BaseTzLoader,), {"timezone": timezone})(
        raw.adapters.types["timestamptz"].oid, raw
    )
    with raw.cursor() as cursor:
        cursor.execute("SHOW TIME ZONE")
        assert cursor.fetchone()[0] == "UTC"
        for moment in MOMENTS:
            cursor.execute("SELECT %s::timestamptz::text", [moment])
            text = cursor.fetchone()[0].encode()
            value = ours.load(text)
            assert value == theirs.load(text), moment
            assert value.tzinfo is theirs.load(text).tzinfo, moment
            assert value.isoformat() == theirs.load(text).isoformat(), moment
    for text in OFFSET_TEXTS:
        assert ours.load(text) == theirs.load(text), text
        assert ours.load(text).tzinfo is theirs.load(text).tzinfo, text


def test_connections_read_moments_with_the_compiled_parser():
    if psycopg.pq.__impl__ in ("binary", "c"):  # what pyproject installs
        assert PARSER.__module__.startswith(("psycopg_binary", "psycopg_c"))
    connection.ensure_connection()
    raw = connection.connection
    loader = raw.adapters.get_loader(raw.adapters.types["timestamptz"].oid, 0)
    assert issubclass(loader, MomentLoader)
    assert loader.timezone == connection.timezone
    with connection.cursor() as cursor:
        cursor.execute("SELECT '1944-09-03 12:00:00+02'::timestamptz")
        assert cursor.fetchone()[0] == datetime.datetime(
            1944, 9, 3, 10, tzinfo=datetime.UTC
        )


def test_connecting_again_makes_no_new_loader_and_leaves_djangos_adapters_alone():
    """Every connect (with a pool, every request) gets the same adapters: a new
    loader class per connect would stay registered in psycopg for good."""
    first = connection.get_connection_params()["context"]
    second = connection.get_connection_params()["context"]
    assert first is second
    oid = first.types["timestamptz"].oid
    assert first.get_loader(oid, 0) is second.get_loader(oid, 0)
    django_template = super(type(connection), connection).get_connection_params()
    assert not issubclass(django_template["context"].get_loader(oid, 0), MomentLoader)


def test_with_health_checks_off_no_connection_is_tested(checks, monkeypatch):
    monkeypatch.setattr(connection, "health_check_enabled", False)
    connection.cursor().close()
    connection.used_at -= 5
    a_new_request()
    connection.cursor().close()
    assert checks == []
