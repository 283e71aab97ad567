"""Only what the requester may see can be a hit, a rank, a count or a facet: the one
query that finds hits reads only its audience's documents, which follow
publication, withdrawal and the end of an embargo."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive import models as m
from archive import services, tasks
from archive.search import SearchRequest, search
from archive.search import index as search_index
from tests import factories as f
from tests.search.helpers import PUBLISHED, found, ref

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)

#: A canary token per hidden state: each is in a record's title and long text.
HIDDEN_STATES = {
    "qxdraft": {"status": m.Status.DRAFT},
    "qxreview": {"status": m.Status.REVIEW},
    "qxembargoed": {**PUBLISHED, "embargo_until": TOMORROW},
    "qxwithdrawn": {"status": m.Status.WITHDRAWN},
    "qxstaff": {**PUBLISHED, "access": m.Access.STAFF},
}
EXHIBITION_ONLY = {**PUBLISHED, "access": m.Access.EXHIBITION}


def make_canaries() -> dict:
    """A record of several kinds in every hidden state, carrying its state's token;
    and one public record naming them all in its description (a passing mention)."""
    records: dict[str, list] = {}
    for token, state in {**HIDDEN_STATES, "qxkiosk": EXHIBITION_ONLY}.items():
        records[token] = [
            f.make_event(title_en=f"{token} raid", description_en=f"{token}", **state),
            f.make_place(name_en=f"{token} street", **state),
            f.make_person(family_name=token, biography_en=token, **state),
            f.make_recognition(title_en=f"{token} file", story_en=token, **state),
            f.make_testimony(title_en=f"{token} story", summary_en=token, **state),
        ]
    return records


def test_hidden_canaries_are_never_found_anonymously(api):
    records = make_canaries()
    for token in [*HIDDEN_STATES, "qxkiosk"]:
        assert found(api, token) == [], token
        assert found(api, token[:4] + "*") == [] or token == "qxkiosk"
    body = api.get("/api/v1/search/", {"q": "raid", "page_size": 100}).content
    assert b"qx" not in body
    assert all(r for r in records.values())


def test_exhibition_only_canaries_are_found_with_an_exhibition_key(api, keyed_api):
    records = make_canaries()
    assert set(found(keyed_api, "qxkiosk")) == {ref(r) for r in records["qxkiosk"]}
    for token in HIDDEN_STATES:
        assert found(keyed_api, token) == [], token
    result = search(SearchRequest("qxkiosk"))
    assert result.total == 0


def test_facets_count_and_name_visible_records_only(api):
    hidden_place = f.make_place(status=m.Status.DRAFT, name_en="Qxsecretplace")
    public_place = f.make_place(**PUBLISHED, name_en="Antwerp")
    visible = f.make_event(**PUBLISHED, title_en="Convoy", date_edtf="1942")
    visible.places.add(hidden_place, public_place)
    hidden = f.make_event(status=m.Status.DRAFT, title_en="Convoy", date_edtf="1952")
    hidden.places.add(public_place)
    data = api.get("/api/v1/search/", {"q": "convoy"}).json()
    assert data["count"] == 1
    assert data["facets"]["place"] == [
        {"value": str(public_place.uuid), "label": "Antwerp", "count": 1}
    ]
    assert data["facets"]["decade"] == [{"value": "1940", "label": "1940s", "count": 1}]
    assert data["facets"]["kind"][0]["count"] == 1
    assert b"Qxsecretplace" not in api.get("/api/v1/search/", {"q": "convoy"}).content
    assert found(api, "convoy", place=str(hidden_place.uuid)) == []


def test_publishing_and_withdrawing_change_what_is_found(api):
    publisher = f.make_user("Publisher")
    event = f.make_event(title_en="Qxnewsworthy raid")
    f.cite(event)
    assert found(api, "qxnewsworthy") == []
    services.record_publish(record=event, acting_user=publisher)
    caches["api"].clear()
    assert found(api, "qxnewsworthy") == [ref(event)]
    services.record_withdraw(record=event, acting_user=publisher)
    caches["api"].clear()
    assert found(api, "qxnewsworthy") == []


def test_the_end_of_an_embargo_is_brought_in_by_the_hourly_task(api):
    event = f.make_event(**PUBLISHED, title_en="Qxlater raid", embargo_until=TOMORROW)
    assert found(api, "qxlater") == []
    # The day passes: no save, no signal, no index write.
    m.Event.objects.filter(pk=event.pk).update(
        embargo_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    tasks.release_embargoes()
    caches["api"].clear()
    assert found(api, "qxlater") == [ref(event)]


def test_refreshing_visibility_follows_changes_made_without_a_save(api, keyed_api):
    """Whatever changed an audience's view without a save (the date, a bulk
    update) is brought into the index by `refresh_visibility`, both ways."""
    shown = f.make_event(**PUBLISHED, title_en="Qxshown raid")
    later = f.make_place(status=m.Status.DRAFT, name_en="Qxlater street")
    m.Event.objects.filter(pk=shown.pk).update(access=m.Access.EXHIBITION)
    m.Place.objects.filter(pk=later.pk).update(status=m.Status.PUBLISHED)
    assert search_index.refresh_visibility() == {"event": 1, "place": 1}
    caches["api"].clear()
    assert found(api, "qxshown") == []
    assert found(keyed_api, "qxshown") == [ref(shown)]
    assert found(api, "qxlater") == [ref(later)]
    assert search_index.refresh_visibility() == {}


def test_hidden_records_full_of_a_word_do_not_change_the_public_ranking(api):
    """bm25 (SQLite) weighs a word by how many documents hold it: the public's
    documents only, so planting hidden ones changes no order and no rank."""
    f.make_event(**PUBLISHED, title_en="Convoy", description_en="The first.")
    f.make_event(**PUBLISHED, title_en="Raid", description_en="A convoy left.")
    f.make_person(**PUBLISHED, family_name="Smet", biography_en="Convoy " * 3)
    f.make_testimony(**PUBLISHED, title_en="Arrival", summary_en="convoy, the train")

    def ranking() -> list[tuple]:
        caches["api"].clear()
        data = api.get("/api/v1/search/", {"q": "convoy", "page_size": 100}).json()
        return [(hit["id"], hit["rank"]) for hit in data["results"]]

    before = ranking()
    assert len(before) == 4
    for state in [*HIDDEN_STATES.values(), EXHIBITION_ONLY]:
        for _ in range(3):
            f.make_event(
                title_en="Convoy convoy", description_en="convoy " * 50, **state
            )
    assert ranking() == before


def search_sql(client, q: str) -> list[str]:
    caches["api"].clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/search/", {"q": q}).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_query_that_finds_hits_reads_only_the_audiences_documents(api, keyed_api):
    f.make_event(**PUBLISHED, title_en="Kazerne raid")
    for client, audience in ((api, "public"), (keyed_api, "exhibition")):
        matching = [
            sql
            for sql in search_sql(client, "kazerne")
            if "archive_searchdocument" in sql
        ]
        assert matching
        for sql in matching:
            assert f"archive_searchdocument.{audience}" in sql, sql
            if connection.vendor == "sqlite":
                assert f"archive_search_fts_{audience} " in sql, sql


@pytest.mark.parametrize(
    ("hidden", "absent"), [("qxhidden", "qxnowhere"), ("raid qxhid", "raid qxnow")]
)
def test_hidden_words_run_the_same_queries_as_absent_words(
    api, keyed_api, hidden, absent
):
    """A word found only in hidden records runs the very same statements as a word
    found nowhere (its parameters aside): nothing to count, time or guess from."""
    f.make_event(**PUBLISHED, title_en="Kazerne raid")
    f.make_event(status=m.Status.DRAFT, title_en="Qxhidden raid")
    f.make_person(**PUBLISHED, access=m.Access.STAFF, family_name="Qxhidden")

    def shape(client, text: str) -> list[str]:
        return [re.sub(r"qx[a-z]*", "WORD", sql) for sql in search_sql(client, text)]

    keyed_api.get("/api/v1/")  # the key's first use is recorded once
    for client in (api, keyed_api):
        assert shape(client, hidden) == shape(client, absent)
        assert (
            client.get("/api/v1/search/", {"q": hidden}).json()
            == client.get("/api/v1/search/", {"q": absent}).json()
        )


def test_refreshing_visibility_asks_the_database_once_per_kind(api, keyed_api):
    """The hourly refresh costs one query per kind whatever the archive's size
    (the database finds the documents whose flags disagree with the rule, for
    every audience and both ways), and re-indexes only those records."""
    from archive import kinds

    for n in range(3):
        f.make_event(**PUBLISHED, title_en=f"Qxsteady raid {n}")
    embargoed = f.make_event(**PUBLISHED, title_en="Qxembargoed raid")
    closed = f.make_event(**PUBLISHED, title_en="Qxclosed raid")
    m.Event.objects.filter(pk=closed.pk).update(access=m.Access.EXHIBITION)
    m.Event.objects.filter(pk=embargoed.pk).update(embargo_until=TOMORROW)
    with CaptureQueriesContext(connection) as queries:
        assert search_index.stale_ids(m.Event, "event").count() == 2
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert search_index.refresh_visibility() == {"event": 2}
    # Then nothing is stale: one query per kind and no write.
    with CaptureQueriesContext(connection) as queries:
        assert search_index.refresh_visibility() == {}
    assert len(queries) == len(kinds.KINDS)
    caches["api"].clear()
    assert found(api, "qxembargoed") == []
    assert found(api, "qxclosed") == []
    assert found(keyed_api, "qxclosed") == [ref(closed)]
    assert len(found(api, "qxsteady")) == 3
