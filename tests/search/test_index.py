"""The index is kept by one path, and a rebuild gives exactly the same index."""

from __future__ import annotations

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from archive import models as m
from archive.search import index as search_index
from archive.search.documents import AUDIENCES, Document
from tests import factories as f
from tests.search.helpers import PUBLISHED, found, ref

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every document, its facets and the engine's own index, by record."""
    documents = {
        (d.kind, d.object_id): (
            str(d.uuid),
            d.slug,
            d.title,
            d.texts,
            d.public,
            d.exhibition,
            d.title_words,
        )
        for d in m.SearchDocument.objects.all()
    }
    facets = sorted(
        m.SearchFacet.objects.values_list(
            "document__kind", "document__object_id", "facet", "value"
        )
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT kind, object_id, vector::text FROM archive_searchdocument"
            )
            engine = sorted(cursor.fetchall())
        else:
            engine = []
            for audience in AUDIENCES:
                cursor.execute(
                    f"SELECT d.kind, d.object_id, s.a, s.b, s.c "
                    f"FROM archive_search_fts_{audience} s "
                    "JOIN archive_searchdocument d ON d.id = s.rowid"
                )
                rows = sorted(cursor.fetchall())
                engine.append(rows)
                # An audience's table holds its documents, and nothing else.
                cursor.execute(f"SELECT COUNT(*) FROM archive_search_fts_{audience}")
                assert cursor.fetchone()[0] == len(rows)
                flagged = {
                    key
                    for key, doc in documents.items()
                    if doc[4 + (audience == "exhibition")]
                }
                assert {(kind, pk) for kind, pk, *_texts in rows} == flagged
                # Its full-text index is that of its rows (filled in bulk or not).
                cursor.execute(
                    f"INSERT INTO archive_search_fts_{audience}"
                    f"(archive_search_fts_{audience}, rank) VALUES ('integrity-check', 1)"
                )
    return {"documents": documents, "facets": facets, "engine": engine}


def varied_archive() -> None:
    place = f.make_place(**PUBLISHED, name_en="Mechelen", name_fr="Malines")
    organisation = f.make_organisation(**PUBLISHED, name_en="CDJ")
    person = f.make_person(**PUBLISHED, family_name="Geulen", biography_en="A life.")
    m.NameVariant.objects.create(person=person, name="Herscovici")
    m.Membership.objects.create(person=person, organisation=organisation)
    event = f.make_event(**PUBLISHED, title_en="Convoy", date_edtf="1942")
    event.places.add(place)
    testimony = f.make_testimony(**PUBLISHED, summary_fr="Un récit.", languages="fr")
    m.TestimonySegment.objects.create(
        testimony=testimony, start_seconds=0, end_seconds=5, title_en="Arrival"
    )
    m.Transcript.objects.create(
        testimony=testimony, language="fr", text="Nous étions là.", is_public=True
    )
    f.make_recognition(**PUBLISHED, story_en="Hidden in a convent.")
    f.make_source(**PUBLISHED, title="Le Soir", language="fr", transcription="Texte")
    f.make_figure(**PUBLISHED, label_en="Deported")
    f.make_image(**PUBLISHED, caption_en="The barracks")
    exhibition = f.make_exhibition(title_en="Rescue", summary_en="Rescuers")
    section = m.ExhibitionSection.objects.create(
        exhibition=exhibition, title_en="Convents", body_en="Sisters hid children."
    )
    m.ExhibitionItem.objects.create(
        section=section,
        content_type=ContentType.objects.get_for_model(person),
        object_id=person.pk,
        caption_en="Member of the CDJ",
    )
    recognition = m.Recognition.objects.get()
    m.Rescuer.objects.create(
        recognition=recognition, person=person, name_as_listed="Andrée Geulen"
    )
    keyword = m.Term.objects.create(
        vocabulary="keyword", slug="hiding", label_en="Hiding"
    )
    testimony.segments.get().keywords.add(keyword)
    f.make_event(
        status=m.Status.PUBLISHED, access=m.Access.EXHIBITION, title_en="Kiosk only"
    )
    f.make_event(status=m.Status.DRAFT, title_en="Draft raid")
    event.title_en = "Convoy XX"
    event.save()


def test_rebuild_gives_exactly_the_index_kept_by_saves():
    varied_archive()
    incremental = snapshot()
    assert len(incremental["documents"]) >= 12
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert snapshot() == incremental


def test_rebuild_indexes_bulk_written_records(api):
    m.Place.objects.bulk_create(
        [m.Place(name_en="Breendonk", slug="breendonk", status=m.Status.PUBLISHED)]
    )
    assert found(api, "breendonk") == []
    search_index.rebuild()
    assert [kind for kind, _id in found(api, "breendonk")] == ["place"]


def test_a_rebuild_that_fails_halfway_leaves_saves_indexed(api, monkeypatch):
    """The bulk load bypasses the SQLite trigger only inside its transaction."""
    f.make_place(**PUBLISHED, name_en="Breendonk")
    written = search_index.write

    def fail(documents, bulk=False):
        written(documents, bulk=bulk)
        raise RuntimeError("disk full")

    monkeypatch.setattr(search_index, "write", fail)
    with pytest.raises(RuntimeError):
        search_index.rebuild()
    monkeypatch.undo()
    person = f.make_person(**PUBLISHED, family_name="Vandermeulen")
    assert found(api, "vandermeulen") == [ref(person)]
    snapshot()


def test_index_follows_saves_parts_and_deletes(api):
    person = f.make_person(**PUBLISHED, family_name="Vandermeulen")
    assert found(api, "vandermeulen") == [ref(person)]
    person.family_name = "Vandenberg"
    person.save()
    assert found(api, "vandermeulen") == []
    variant = m.NameVariant.objects.create(person=person, name="Mademoiselle Jeanne")
    assert found(api, "jeanne") == [ref(person)]
    variant.delete()
    assert found(api, "jeanne") == []
    testimony = f.make_testimony(**PUBLISHED)
    transcript = m.Transcript.objects.create(
        testimony=testimony, language="en", text="Cellar", is_public=True
    )
    assert found(api, "cellar") == [ref(testimony)]
    transcript.is_public = False
    transcript.save()
    assert found(api, "cellar") == []
    pk = person.pk
    person.delete()
    assert not m.SearchDocument.objects.filter(kind="person", object_id=pk).exists()


def test_linking_a_place_from_either_side_updates_the_facet():
    place = f.make_place(**PUBLISHED)
    event = f.make_event(**PUBLISHED)
    place.events.add(event)
    document = m.SearchDocument.objects.get(kind="event", object_id=event.pk)
    assert document.facets.filter(facet="place", value=str(place.pk)).exists()
    event.places.remove(place)
    assert not document.facets.filter(facet="place").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="VACUUM")
def test_a_rebuild_outside_a_transaction_vacuums_the_rows_it_replaced(api):
    """A rebuild writes every document again: outside a transaction (the
    command) it ends with VACUUM, so the old rows and their GIN entries are not
    left for an autovacuum that may never come (inside one, ANALYZE alone).

    A connection sends its counts to the statistics at most once a second
    (PostgreSQL 15 and newer): the counts of the rows the rebuild deletes, sent
    after VACUUM's, showed them dead still (this test failed now and then).
    Statistics sent just before the rebuild put its deletions inside that
    second, and sent again before reading, any left behind would show."""
    f.make_event(**PUBLISHED, title_en="Qxvacuumed")
    flush = connection.pg_version >= 150000
    with connection.cursor() as cursor:
        if flush:
            cursor.execute("SELECT pg_stat_force_next_flush()")
    search_index.rebuild(only=["event"])
    with connection.cursor() as cursor:
        if flush:
            cursor.execute("SELECT pg_stat_force_next_flush()")
            cursor.execute("SELECT 1")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT n_dead_tup, last_vacuum IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'archive_searchdocument'"
        )
        dead, vacuumed = cursor.fetchone()
    assert vacuumed and dead == 0
    assert [kind for kind, _ in found(api, "qxvacuumed")] == ["event"]


def _document_pages() -> set[int]:
    """The pages of the search table holding a document."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT (ctid::text::point)[0]::int FROM archive_searchdocument"
        )
        return {page for (page,) in cursor.fetchall()}


def _table_pages(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(%s) / current_setting('block_size')::int",
            [table],
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="VACUUM")
def test_a_rebuild_writes_the_documents_where_those_it_replaced_were(api):
    """Outside a transaction, a rebuild makes the space of each kind's old
    documents reusable before writing the new ones: the table does not grow by a
    copy of what it rewrites, and the documents keep their place in it (the
    first pages, which searches probe first). Without it, every document was
    written after the table's end."""
    for number in range(60):
        f.make_event(
            **PUBLISHED,
            title_en=f"Qxrewritten {number}",
            description_en="A description long enough to fill a page. " * 12,
        )
    before = _table_pages("archive_searchdocument")
    held = _document_pages()
    assert before >= 4
    search_index.rebuild(only=["event"])
    # One page of slack: the last of the old pages may have too little room.
    assert _table_pages("archive_searchdocument") <= before + 1
    assert _document_pages() <= held | {before}
    assert len(found(api, "qxrewritten")) == 60


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="COPY")
def test_a_rebuilds_copy_fails_with_djangos_errors():
    """The rebuild's COPY raises Django's database errors, as every other write
    does (an outage is then answered 503, not 500): here, a document copied in
    twice."""
    event = f.make_event(**PUBLISHED, title_en="Qxcopied")
    documents = search_index.build("event", [event.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        search_index.write(documents, bulk=True)


TITLE_WORDS = importlib.import_module("archive.migrations.0030_search_title_words")


@pytest.mark.parametrize(
    "title",
    [
        {"en": "Andrée Geulen", "fr": "Andrée Geulen", "nl": "", "de": ""},
        {"en": "Children Andrée Geulen saved", "fr": "Enfants sauvés par A. Geulen"},
        {"en": "Łódź, 1943: the ghetto", "de": "Lodz 1943 – das Getto"},
        {"en": "Œuvre nationale de l'enfance", "fr": "ŒNE_1942"},
        {"en": "", "fr": ""},
        {},
    ],
)
def test_migration_0030_counts_a_titles_words_as_the_index_does(title):
    document = Document("event", 1, None, "", title)
    assert TITLE_WORDS.title_words(title) == document.title_words


def test_migration_0030_counts_the_words_of_the_documents_already_written(
    api, monkeypatch
):
    f.make_person(**PUBLISHED, family_name="Geulen", given_names="Andrée")
    f.make_event(**PUBLISHED, title="Children Andrée Geulen saved herself")
    counted = dict(m.SearchDocument.objects.values_list("pk", "title_words"))
    assert sorted(counted.values()) == [2, 5]
    m.SearchDocument.objects.update(title_words=1)
    # A document a batch: every batch after the first is one transaction on
    # PostgreSQL, all of them one on SQLite.
    monkeypatch.setattr(TITLE_WORDS, "BATCH", 1)
    # What of a schema editor the migration uses (a real one cannot be made
    # inside the test's transaction on SQLite).
    TITLE_WORDS.count(django_apps, SimpleNamespace(connection=connection))
    if connection.vendor == "sqlite":  # It put back the trigger it took away.
        assert len(fts5_triggers()) == 3
    assert dict(m.SearchDocument.objects.values_list("pk", "title_words")) == counted


def fts5_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'archive_searchdocument'"
        )
        return {name for (name,) in cursor.fetchall()}


def test_the_fts5_triggers_outlive_the_migrations():
    """SQLite: a migration that makes the documents' table again (Django's
    AddField of a NOT NULL column does) drops its triggers, and nothing written
    after it could be found (0030 adds its column by ALTER TABLE instead)."""
    if connection.vendor != "sqlite":
        pytest.skip("FTS5 triggers are SQLite's")
    assert fts5_triggers() == {
        "archive_search_fts_insert",
        "archive_search_fts_update",
        "archive_search_fts_delete",
    }
