"""Letters the query reader respells (ł as l, æ as ae: `query.LIGATURES`) are
found by either spelling on both databases. FTS5's tokenizer keeps them, so on
SQLite "Łódź" was indexed as `łodz`, searched for as `lodz`, and never found."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from archive import models as m
from archive.api.context import Audience
from archive.search import SearchRequest, search
from archive.search.backends import FOLDED_LETTERS, FTS_ROWS, FTS_TABLE
from archive.search.query import LIGATURE_SPELLINGS
from tests import factories as f
from tests.search.helpers import PUBLISHED

pytestmark = pytest.mark.django_db


def titles(q: str) -> list[str]:
    result = search(SearchRequest(q, Audience(), "en"))
    return [hit.title for hit in result.hits]


@pytest.mark.parametrize(
    "q",
    ["Łódź", "łódź", "Lodz", "lodz", "ŁÓDŹ", "Łód"],
)
def test_lodz_is_found_by_every_spelling(q):
    f.make_event(**PUBLISHED, title_en="Deported from Łódź")
    f.make_event(**PUBLISHED, title_en="Unrelated convoy")
    assert titles(q) == ["Deported from Łódź"]


@pytest.mark.parametrize(
    ("title", "queries"),
    [
        ("Ærø", ["aero", "Ærø", "ÆRØ"]),
        ("Œuvre de secours", ["oeuvre", "Œuvre"]),
        ("Þórunn", ["thorunn", "Þórunn"]),
        ("Đakovo", ["dakovo", "Đakovo"]),
        ("Tromsø", ["tromso", "Tromsø"]),
    ],
)
def test_every_respelt_letter_is_found_by_either_spelling(title, queries):
    f.make_event(**PUBLISHED, title_en=title)
    for q in queries:
        assert titles(q) == [title], q


def test_the_letters_are_those_the_query_reader_respells_in_both_cases():
    migration = importlib.import_module(
        "archive.migrations.0028_search_fts_letters_sqlite"
    )
    expected = {
        **LIGATURE_SPELLINGS,
        **{k.upper(): v.upper() for k, v in LIGATURE_SPELLINGS.items()},
    }
    assert dict(FOLDED_LETTERS) == expected
    assert dict(migration.LETTERS) == expected


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's FTS5 rows")
def test_the_trigger_and_the_rebuild_write_the_same_fts_rows():
    """The trigger (migration 0028) and a rebuild's bulk rows (`FTS_ROWS`) spell
    every letter alike."""
    event = f.make_event(
        **PUBLISHED,
        title_en="Łódź ŁÓDŹ Ærø œuvre ÞÓR Đakovo ð",
        description_en="Białystok",
    )
    document = m.SearchDocument.objects.get(kind="event", object_id=event.pk)
    table = FTS_TABLE.format(audience="public")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a, b, c FROM {table} WHERE rowid = %s", [document.pk])
        by_trigger = cursor.fetchone()
        cursor.execute(FTS_ROWS.format(audience="public", documents=document.pk))
        by_rebuild = cursor.fetchone()[1:]
    assert by_trigger == by_rebuild
    # The accents FTS5's tokenizer removes itself are left to it.
    assert by_trigger[0].startswith("Lódź LÓDŹ AEro oeuvre THÓR Dakovo d")
    assert by_trigger[1] == "Bialystok"
