"""Page views per record and day, counted without personal data and without a
database write in the visitor's request; robots are not counted; the flush moves
the counts into the database; the translators' queue puts the most visited first."""

from __future__ import annotations

import datetime
import os
import uuid

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from archive import models as m
from archive import provenance, visits
from tests import factories as f

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"


REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    visits._LocalIndex.keys.clear()
    yield
    cache.clear()
    visits._LocalIndex.keys.clear()


@pytest.fixture(
    params=["memory", pytest.param("redis", marks=pytest.mark.redis)],
)
def backend(request, settings):
    """The default cache as deployed: the per-process memory cache, or Redis (its
    keys under a prefix of this test's own, removed afterwards; no FLUSHDB)."""
    if request.param == "memory":
        yield "memory"
        return
    prefix = f"test-visits-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    client = caches["default"]._cache.get_client(write=True)
    try:
        client.ping()
    except Exception:  # any connection error says the same
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (set REDIS_TEST_URL).")
    yield "redis"
    stale = client.keys(f"{prefix}:*")
    if stale:
        client.delete(*stale)


def url(record) -> str:
    with translation.override("en"):
        return record.get_absolute_url()


def recognition(**texts):
    return f.published(f.make_recognition(), story_en="In 1943.", **texts)


def test_a_page_view_is_counted_in_the_cache_without_a_database_write(client):
    record = recognition()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(record), HTTP_USER_AGENT=BROWSER).status_code == 200
    # A statement prepared on PostgreSQL logs no text: those are the API's reads.
    writes = [
        q["sql"]
        for q in queries
        if not (q["sql"] or "SELECT").lstrip().startswith("SELECT")
    ]
    assert writes == []
    client.get(url(record), HTTP_USER_AGENT=BROWSER)
    assert visits.flush() == 2
    row = m.RecordVisit.objects.get()
    assert (row.kind, row.record_id, row.count) == ("recognition", record.pk, 2)
    assert visits.flush() == 0  # the counter was emptied by what was moved


@pytest.mark.parametrize(
    "agent", ["Googlebot/2.1", "Some Crawler 1.0", "Baiduspider", "AhrefsBot"]
)
def test_robots_are_not_counted(client, agent):
    record = recognition()
    client.get(url(record), HTTP_USER_AGENT=agent)
    assert visits.flush() == 0
    assert not m.RecordVisit.objects.exists()


def test_the_flush_adds_to_the_days_count_and_the_command_runs_it(client):
    record = recognition()
    client.get(url(record), HTTP_USER_AGENT=BROWSER)
    visits.flush()
    client.get(url(record), HTTP_USER_AGENT=BROWSER)
    call_command("flush_visits", stdout=None)
    assert m.RecordVisit.objects.get().count == 2
    assert visits.recent("recognition") == {record.pk: 2}


def test_the_queue_puts_the_most_visited_records_and_gaps_first(client):
    quiet = recognition()
    read = recognition()
    for _n in range(3):
        client.get(url(read), HTTP_USER_AGENT=BROWSER)
    client.get(url(quiet), HTTP_USER_AGENT=BROWSER)
    visits.flush()
    (row,) = [r for r in provenance.translation_queue("fr") if r["field"] == "story"]
    assert row["missing"] == 2 and row["visits"] == 4
    assert [first["pk"] for first in row["first"]] == [read.pk, quiet.pk]


def view(record, kind: str = "recognition") -> None:
    """One counted view, as a public page counts it."""
    from django.test import RequestFactory

    visits.count(RequestFactory().get("/", HTTP_USER_AGENT=BROWSER), kind, record.pk)


def test_the_flush_reads_only_the_counters_of_visited_records(backend, monkeypatch):
    """Five minutes' flush costs what was visited, not the size of the archive:
    unvisited public records are neither read from the cache nor queried."""
    unvisited = [recognition() for _n in range(4)]
    read = [recognition(), recognition()]
    for record in read:
        view(record)
    view(read[0])
    asked: list[str] = []
    get_many = caches["default"].get_many

    def spy(keys, *args, **kwargs):
        asked.extend(keys)
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(caches["default"], "get_many", spy)
    with CaptureQueriesContext(connection) as queries:
        assert visits.flush() == 3
    today = visits.timezone.localdate()
    assert sorted(asked) == sorted(
        visits._key("recognition", r.pk, today) for r in read
    )
    assert all(
        str(r.pk) not in key.rsplit(":", 1)[1] for r in unvisited for key in asked
    )
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    # One read of which visited recognitions are public, one upsert of their counts.
    assert len(statements) == 2, statements
    assert statements[1].lstrip().startswith("INSERT")
    counts = dict(m.RecordVisit.objects.values_list("record_id", "count"))
    assert counts == {read[0].pk: 2, read[1].pk: 1}


def test_the_flush_adds_to_the_stored_count_in_one_upsert(backend):
    """Counts already in the table grow by what the cache held (the upsert adds,
    it does not overwrite), and new rows are created in the same statement."""
    old, new = recognition(), recognition()
    today = visits.timezone.localdate()
    m.RecordVisit.objects.create(
        kind="recognition", record_id=old.pk, day=today, count=5
    )
    view(old)
    view(old)
    view(new)
    with CaptureQueriesContext(connection) as queries:
        assert visits.flush() == 3
    inserts = [q for q in queries if q["sql"].lstrip().startswith("INSERT")]
    assert len(inserts) == 1
    counts = dict(m.RecordVisit.objects.values_list("record_id", "count"))
    assert counts == {old.pk: 7, new.pk: 1}
    assert visits.flush() == 0


def test_the_upsert_writes_many_rows_in_chunks(backend, monkeypatch):
    """More visited records than one statement takes are all written."""
    monkeypatch.setattr(visits, "UPSERT_ROWS", 2)
    records = [recognition() for _n in range(5)]
    for record in records:
        view(record)
    assert visits.flush() == 5
    assert m.RecordVisit.objects.count() == 5


def test_views_counted_while_a_flush_runs_are_kept_for_the_next(backend, monkeypatch):
    """A view counted after the flush took the index (before or after it read the
    counter) is neither lost nor counted twice."""
    record = recognition()
    view(record)
    get_many = caches["default"].get_many

    def racing_read(keys, *args, **kwargs):
        view(record)  # counted before the read: moved now
        found = get_many(keys, *args, **kwargs)
        view(record)  # counted after the read: left for the next flush
        return found

    monkeypatch.setattr(caches["default"], "get_many", racing_read)
    assert visits.flush() == 2
    monkeypatch.setattr(caches["default"], "get_many", get_many)
    assert visits.flush() == 1
    assert visits.flush() == 0
    assert m.RecordVisit.objects.get().count == 3


def test_a_failed_write_puts_the_counters_back_for_the_next_flush(backend, monkeypatch):
    """A database error loses no view: the next flush moves them."""
    record = recognition()
    view(record)

    def broken(rows):
        raise RuntimeError("database away")

    upsert = visits._upsert
    monkeypatch.setattr(visits, "_upsert", broken)
    with pytest.raises(RuntimeError):
        visits.flush()
    monkeypatch.setattr(visits, "_upsert", upsert)
    assert visits.flush() == 1
    assert m.RecordVisit.objects.get().count == 1


def test_views_of_a_record_no_longer_public_are_dropped(backend):
    """A record withdrawn between its view and the flush gets no row."""
    record = recognition()
    view(record)
    type(record).objects.filter(pk=record.pk).update(status=m.Status.DRAFT)
    assert visits.flush() == 0
    assert not m.RecordVisit.objects.exists()


def test_views_of_past_days_are_flushed_to_their_day(backend, monkeypatch):
    """A counter from yesterday goes to yesterday's row."""
    record = recognition()
    yesterday = visits.timezone.localdate() - datetime.timedelta(days=1)
    monkeypatch.setattr(visits.timezone, "localdate", lambda: yesterday)
    view(record)
    monkeypatch.undo()
    view(record)
    assert visits.flush() == 2
    assert sorted(m.RecordVisit.objects.values_list("day", "count")) == [
        (yesterday, 1),
        (yesterday + datetime.timedelta(days=1), 1),
    ]
