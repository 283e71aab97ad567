"""Nested lists inside their records' query, as JSON (archive/api/presenters/inline.py).

On PostgreSQL the answers must be exactly those of the batch queries (which SQLite
always uses: tests/benchmark/test_databases_agree.py compares the two databases);
here both ways are compared on the same database.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection, models

from archive import models as m
from archive.api.context import KINDS
from archive.api.presenters import PRESENTERS
from archive.api.presenters.inline import carried, field_at, inline_nested_lists
from tests.api.builders import full_archive

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="nested lists inline on PostgreSQL only"
)


def test_json_carries_only_values_it_keeps():
    """Moments (PostgreSQL's JSON drops trailing zeros of the fraction of a second),
    decimals and JSON are not carried; text, ids, flags, UUIDs and days are."""
    assert carried(field_at(m.Rescuer, "person__uuid"))
    assert carried(field_at(m.Rescuer, "posthumous"))
    assert carried(field_at(m.Rescuer, "person__family_name"))
    assert carried(field_at(m.Recognition, "date_earliest"))
    assert not carried(field_at(m.Recognition, "updated_at"))
    assert not carried(field_at(m.Recognition, "translation_provenance"))
    assert not carried(models.DecimalField(max_digits=5, decimal_places=2))


def test_sqlite_keeps_its_batch_queries(settings):
    settings.API_INLINE_NESTED_LISTS = True
    assert inline_nested_lists() is (connection.vendor == "postgresql")


@on_postgresql
def test_recognition_lists_come_inline(rf):
    from archive.api.context import ApiContext

    ctx = ApiContext.for_request(rf.get("/"))
    inlined = PRESENTERS["recognition"].inlined(ctx, detail=True)
    assert [member.name for member in inlined] == [
        "places",
        "rescuers",
        "rescued",
        "citations",
    ]


@on_postgresql
def test_inline_answers_equal_batch_answers(api, settings):
    """Every list and detail answer, in every language form, is the same byte for
    byte with nested lists inline and with one batch query per list."""
    full_archive()
    urls = []
    for _model, route in KINDS.values():
        listed = api.get(f"/api/v1/{route}/?page_size=100").json()["results"]
        assert listed, route
        urls += [f"/api/v1/{route}/?page_size=100", f"/api/v1/{route}/?lang=fr"]
        urls += [record["api_url"] for record in listed]
    answers = {}
    for inline in (True, False):
        settings.API_INLINE_NESTED_LISTS = inline
        caches["api"].clear()
        answers[inline] = [api.get(url).content for url in urls]
    assert answers[True] == answers[False]


def test_citations_read_their_content_type_once_per_query(rf):
    """The citations of a page's records are found by (content type, object) in
    their index, the content type's id from one uncorrelated subquery: joined to
    django_content_type instead, the list inside each row scanned that table once
    per row of the page (PostgreSQL, EXPLAIN ANALYZE: 50 loops)."""
    from archive.api.context import ApiContext
    from archive.api.presenters.members import Many

    ctx = ApiContext.for_request(rf.get("/"))
    presenter = PRESENTERS["recognition"]
    citations = next(
        member
        for member in presenter.fetchers(False)
        if isinstance(member, Many) and member.name == "citations"
    )
    queries = [citations.build(ctx, [1, 2])]
    if connection.vendor == "postgresql":
        queries.append(presenter.build_rows(ctx, [1, 2], inline=True))
    for queryset in queries:
        sql = str(queryset.query)
        assert 'JOIN "django_content_type"' not in sql
        assert '"content_type_id" = (SELECT' in sql
