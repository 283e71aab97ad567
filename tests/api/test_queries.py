"""Query counts are fixed by construction: they never grow with the page size or with
the number of items in an exhibition."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import models as m
from archive.api.context import KINDS
from tests import factories as f
from tests.api.builders import ct, full_archive

pytestmark = pytest.mark.django_db

#: Queries for a list page on SQLite: version, count, page, rows, citations, then
#: one per nested relation of the type.
LIST_QUERIES = {
    "recognitions": 9,
    "people": 8,
    "testimonies": 11,
    "images": 9,
    "sources": 5,
    "organisations": 7,
    "places": 5,
    "events": 7,
    "figures": 5,
    "exhibitions": 11,
}
#: On PostgreSQL nested lists come inside the rows' query as JSON
#: (presenters/inline.py): version, count, page, rows; images still load what they
#: depict by kind (4 more), exhibitions their items' records (5 more).
LIST_QUERIES_POSTGRESQL = {
    **dict.fromkeys(LIST_QUERIES, 4),
    "images": 8,
    "exhibitions": 9,
}


def list_queries(route: str) -> int:
    if connection.vendor == "postgresql":
        return LIST_QUERIES_POSTGRESQL[route]
    return LIST_QUERIES[route]


def queries_for(client, url: str) -> int:
    caches["api"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


@pytest.fixture
def three_archives():
    return [full_archive(suffix=f" {n}") for n in range(3)]


@pytest.mark.parametrize("route", [route for _model, route in KINDS.values()])
def test_list_queries_do_not_grow_with_page_size(api, three_archives, route):
    """Page size 1 and 100 cost the same number of queries, pinned per type."""
    small = queries_for(api, f"/api/v1/{route}/?page_size=1")
    large = queries_for(api, f"/api/v1/{route}/?page_size=100")
    assert api.get(f"/api/v1/{route}/?page_size=100").json()["count"] >= 3
    assert small == large == list_queries(route)


def test_exhibition_queries_do_not_grow_with_items(api, django_assert_num_queries):
    """An exhibition of 30 items costs what one of 10 costs (same record types)."""
    archive = full_archive()
    counts = []
    for extra in (0, 20):
        section = archive.exhibition.sections.get()
        for n in range(extra):
            record = (
                f.make_image(status=m.Status.PUBLISHED)
                if n % 2
                else f.make_place(status=m.Status.PUBLISHED)
            )
            m.ExhibitionItem.objects.create(
                section=section,
                position=50 + n,
                content_type=ct(record),
                object_id=record.pk,
            )
        url = f"/api/v1/exhibitions/{archive.exhibition.uuid}/"
        counts.append(queries_for(api, url))
        items = api.get(url).json()["sections"][0]["items"]
        assert len(items) == 10 + extra
    assert counts[0] == counts[1]
    caches["api"].clear()
    with django_assert_num_queries(counts[0]):
        api.get(f"/api/v1/exhibitions/{archive.exhibition.uuid}/")


def test_detail_queries_are_pinned(api, django_assert_num_queries):
    archive = full_archive()
    caches["api"].clear()
    # version, the row found by its uuid (with the ceremony: no lookup of its id
    # first), then on SQLite citations, rescuers, rescued people, their kinds of
    # help, places; on PostgreSQL these come inside the row's query.
    expected = 2 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(expected):
        api.get(f"/api/v1/recognitions/{archive.recognition.uuid}/")


def test_warm_answer_costs_one_query(api, django_assert_num_queries):
    """A repeated request is answered from the response cache: only the archive
    version is read."""
    archive = full_archive()
    url = f"/api/v1/exhibitions/{archive.exhibition.uuid}/"
    api.get(url)
    with django_assert_num_queries(1):
        assert api.get(url).status_code == 200


@pytest.mark.parametrize("anonymous_first", [True, False])
def test_a_record_found_by_its_uuid_is_found_for_its_own_audience_only(
    api, keyed_api, anonymous_first
):
    """The statement that finds a record by its uuid and reads it is compiled once
    per audience: an exhibition-only record stays a 404 anonymously, whichever
    audience asked first, and a public one is the same answer to both."""
    shown = f.published(f.make_recognition(), access=m.Access.EXHIBITION)
    public = f.published(f.make_recognition())
    clients = [api, keyed_api] if anonymous_first else [keyed_api, api]
    for client in clients:
        caches["api"].clear()
        shown_status = 404 if client is api else 200
        assert client.get(f"/api/v1/recognitions/{shown.uuid}/").status_code == (
            shown_status
        )
        answer = client.get(f"/api/v1/recognitions/{public.uuid}/")
        assert answer.status_code == 200
        assert answer.json()["id"] == str(public.uuid)
