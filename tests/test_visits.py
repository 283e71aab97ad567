"""Page views per record and day, counted without personal data and without a
database write in the visitor's request; robots are not counted; the flush moves
the counts into the database; the translators' queue puts the most visited first."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from archive import models as m
from archive import provenance, visits
from tests import factories as f

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


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
