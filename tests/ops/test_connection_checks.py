"""A kept PostgreSQL connection is tested before a request only after sitting idle
(memorial/postgresql): a busy worker does not pay a `SELECT 1` round trip per
request, an idle one still finds out its connection died."""

from __future__ import annotations

import time

import pytest
from django.db import connections

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


@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_found_by_the_check_is_replaced(
    checks, settings, monkeypatch
):
    settings.DATABASE_HEALTH_CHECK_IDLE = 1.0
    connection.cursor().close()
    connection.used_at -= 5
    a_new_request()
    # What a restarted server looks like.
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    old = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 3")
        assert cursor.fetchone() == (3,)
    assert connection.connection is not old
    assert old.closed
