"""The one path that keeps the search index current.

A record's document is rebuilt whenever the record or one of its parts is saved or
deleted (receivers wired in `archive/effects.py`), in the same transaction; a
workflow step (publish, withdraw) saves the record, so it passes here too, and so
do the documents that show something of it (`documents.dependents`: a rescuer's
name in a recognition, an item's caption in an exhibition). A document says which
audiences may find its record; visibility that changes with the date alone (an
embargo ending at midnight, a person now presumed dead) is brought into the index
by `refresh_visibility()`, which the hourly `release_embargoes` task runs.
Writes that send no signals (bulk_create, update(), raw SQL) are followed by
`manage.py rebuild_search_index`, which goes through the very same `build()` and
`write()` (only the engine's own index is filled in bulk on SQLite, see
`rebuild()`): a rebuilt index equals one kept up to date record by record
(tests/search).

Only `SearchDocument` and `SearchFacet` rows are written here; the database derives
its full-text index from them (triggers, see migration 0007 and the backends).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from archive import kinds
from archive import models as m
from archive.api.context import Audience
from archive.search.backends import DOCUMENTS, backend
from archive.search.documents import (
    AUDIENCES,
    LINKS,
    PART_LINKS,
    PART_MODELS,
    Document,
    build,
    dependents,
    parts_owner,
)

#: Indexed model -> its kind.
KIND_OF: dict[type, str] = {kind.model: kind.name for kind in kinds.KINDS}


#: Records saved inside `batched()`, by kind, indexed when it ends.
_pending: ContextVar[dict[str, set[int]] | None] = ContextVar(
    "search_pending", default=None
)


@contextmanager
def batched() -> Iterator[None]:
    """Index the records saved inside the block once, together, when it ends: one
    build of many documents instead of one per save (a batch edit of 50 records
    saves about ten queries a record). Nothing is indexed if the block fails; the
    caller's transaction rolls its writes back anyway."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[str, set[int]] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for kind, ids in pending.items():
        index(kind, sorted(ids))


def index(kind: str, ids: Iterable[int]) -> int:
    """(Re)index these records of one kind; returns the number of documents (0
    when deferred to the end of `batched()`)."""
    ids = list(ids)
    if not ids:
        return 0
    pending = _pending.get()
    if pending is not None:
        pending.setdefault(kind, set()).update(ids)
        return 0
    documents = build(kind, ids)
    with transaction.atomic():
        remove(kind, ids)
        write(documents)
    return len(documents)


def index_with_dependents(kind: str, ids: Iterable[int]) -> None:
    """Index these records and the documents that show something of them."""
    ids = list(ids)
    index(kind, ids)
    for other, pks in dependents(kind, ids).items():
        index(other, pks)


def refresh_visibility() -> dict[str, int]:
    """Re-index the records whose audiences changed with the date alone (no write
    re-indexed them): those the rule `visible_to()` now lets an audience see that
    their document says it may not, or the reverse. The database finds them, one
    query per kind; only they are re-indexed. Returns records per kind."""
    refreshed: dict[str, int] = {}
    for entry in kinds.KINDS:
        stale = list(stale_ids(entry.model, entry.name))
        if stale:
            index_with_dependents(entry.name, sorted(stale))
            refreshed[entry.name] = len(stale)
    if refreshed:
        m.ArchiveVersion.bump()
    return refreshed


def stale_ids(model: type, kind: str) -> Any:
    """The ids of this kind's records whose document's audience flags differ from
    what the rule (`Audience.visible_q`, as in `visible_ids`) says today: a queryset, one query."""
    now = {
        f"now_{audience}": Exists(
            model._default_manager.filter(
                Audience.named(audience).visible_q(model), pk=OuterRef("object_id")
            )
        )
        for audience in AUDIENCES
    }
    mismatch = Q()
    for audience in AUDIENCES:
        mismatch |= Q(**{audience: True, f"now_{audience}": False})
        mismatch |= Q(**{audience: False, f"now_{audience}": True})
    return (
        m.SearchDocument.objects.filter(kind=kind)
        .annotate(**now)
        .filter(mismatch)
        .values_list("object_id", flat=True)
    )


def write(documents: list[Document], bulk: bool = False) -> list[int]:
    """Insert the documents and their facets (`insert_rows`); returns the new
    documents' ids. With `bulk` (a rebuild's batches) on PostgreSQL, the documents
    are copied in (COPY: one statement a batch, rows formatted by psycopg's C
    code; executemany sends one INSERT a document and formats each in Python);
    otherwise executemany (the ORM's bulk_create spent most of a rebuild preparing
    field values in Python), so that a save's writes go through Django's cursor
    like every other statement (its execute wrappers see them). The vector
    trigger fires for every row either way."""
    if not documents:
        return []
    field = m.SearchDocument._meta.get_field
    uuid, title, texts = field("uuid"), field("title"), field("texts")
    columns = (
        "kind, object_id, uuid, slug, title, title_words, texts, public, exhibition"
    )
    rows = [
        (
            doc.kind,
            doc.object_id,
            uuid.get_db_prep_value(doc.uuid, connection),
            doc.slug,
            title.get_db_prep_value(doc.title, connection),
            doc.title_words,
            texts.get_db_prep_value(doc.text_rows(), connection),
            doc.public,
            doc.exhibition,
        )
        for doc in documents
    ]
    with connection.cursor() as cursor:
        if bulk and connection.vendor == "postgresql":
            # psycopg's errors as Django's (an outage answers 503, not 500).
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {DOCUMENTS} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join("%s" for _ in rows[0])
            cursor.executemany(
                f"INSERT INTO {DOCUMENTS} ({columns}) VALUES ({values})", rows
            )
    ids = dict(
        m.SearchDocument.objects.filter(
            kind=documents[0].kind,
            object_id__in=[doc.object_id for doc in documents],
        ).values_list("object_id", "pk")
    )
    insert_rows(
        "archive_searchfacet",
        {"document_id": "bigint", "facet": "text", "value": "text"},
        [
            (ids[doc.object_id], facet, value)
            for doc in documents
            for facet, value in sorted(doc.facets)
        ],
    )
    return list(ids.values())


def insert_rows(table: str, columns: dict[str, str], rows: list[tuple]) -> None:
    """Insert short rows (in their order) into a table: on PostgreSQL one INSERT
    ... SELECT FROM unnest() of one array per column (`columns` gives each
    column's type), on SQLite executemany. executemany on PostgreSQL runs one
    statement per row: a rebuild's ~8 facets a document spent most of its
    writing time there. Not for long texts: psycopg quotes each array element in
    Python (the documents' texts took longer than the statements saved)."""
    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for kind in columns.values())
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})",
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            values = ", ".join("%s" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({values})", rows)


def remove(kind: str, ids: Iterable[int]) -> None:
    _delete(m.SearchDocument.objects.filter(kind=kind, object_id__in=list(ids)))


def _delete(documents: Any) -> None:
    """Delete documents and their facets in two statements: nothing listens to
    these rows, and the ORM's cascade would first fetch every one of them."""
    facets = m.SearchFacet.objects.filter(document__in=documents.values("pk"))
    facets._raw_delete(facets.db)
    documents._raw_delete(documents.db)


def rebuild(batch: int = 1000, only: Iterable[str] | None = None) -> dict[str, int]:
    """Index every record again (after bulk writes); returns documents per kind.

    Each batch is built and written by `build()` and `write()`, as `index()` does;
    only the engine's own index is filled the backend's bulk way
    (`backend().bulk_load()`: on SQLite one statement per audience and batch
    instead of the trigger row by row), in the batch's transaction, so a rebuild
    that fails leaves the triggers as they were and gives the same index
    (tests/search/test_index.py)."""
    counts: dict[str, int] = {}
    engine = backend()
    for kind in only or [k.name for k in kinds.KINDS]:
        model = kinds.BY_NAME[kind].model
        with transaction.atomic():
            _delete(m.SearchDocument.objects.filter(kind=kind))
        # The space of the documents just deleted is made reusable before their
        # replacements are written, which then take their place in the table.
        engine.reclaim()
        ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        counts[kind] = 0
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            documents = build(kind, chunk)
            with transaction.atomic(), engine.bulk_load() as fill:
                # A save since the kind's documents were deleted indexed its own.
                remove(kind, chunk)
                fill(write(documents, bulk=True))
            counts[kind] += len(documents)
    # The engine's statistics describe the documents just written (PostgreSQL
    # chooses how to read a search's matches from them: `search.estimates`);
    # SQLite merges its FTS5 segments.
    engine.analyse()
    # Searches answered from the response cache may have changed.
    m.ArchiveVersion.bump()
    return counts


#: Every model whose saves and deletes change the index.
WATCHED: tuple[type, ...] = (*KIND_OF, *PART_MODELS, m.Term)


def _keyword_owners(term_ids: Iterable[int]) -> list[int]:
    """Testimonies whose open segments have these keywords."""
    return list(
        m.TestimonySegment.objects.filter(keywords__in=list(term_ids), is_closed=False)
        .values_list("testimony_id", flat=True)
        .distinct()
    )


def on_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        # Rows loaded as they are (loaddata, a restore): their parts may not be
        # there yet; whoever loads them rebuilds the index after (`restore` does).
        return
    kind = KIND_OF.get(sender)
    if kind is not None:
        index_with_dependents(kind, [instance.pk])
        return
    if sender is m.Term:
        index("testimony", _keyword_owners([instance.pk]))
        return
    owner = parts_owner(instance)
    if owner is not None:
        index(owner[0], [owner[1]])


def on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    kind = KIND_OF.get(sender)
    if kind is not None:
        remove(kind, [instance.pk])
        for other, pks in dependents(kind, [instance.pk]).items():
            index(other, pks)
        return
    if sender is m.Term:
        # Its links are gone already (no signal): the label stays in documents
        # until they are next indexed. Terms are public; nothing hidden shows.
        return
    owner = parts_owner(instance)
    if owner is not None:
        kind, pk = owner
        if kinds.BY_NAME[kind].model._default_manager.filter(pk=pk).exists():
            index(kind, [pk])


def on_link(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set | None,
    **kwargs: Any,
) -> None:
    """A record's places changed (from either side of the link)."""
    if not action.startswith("post_"):
        return
    if sender in PART_LINKS:
        kind, field = PART_LINKS[sender]
        if not reverse:
            index(kind, [getattr(instance, field)])
        else:  # from the keyword's side: pk_set are parts (None: cleared, any)
            parts = sender._meta.get_field("testimonysegment").related_model
            owners = parts._default_manager.values_list(field, flat=True)
            if pk_set:
                owners = owners.filter(pk__in=pk_set)
            index(kind, set(owners))
        return
    kind = LINKS[sender]
    if not reverse:
        index(kind, [instance.pk])
    elif pk_set:
        index(kind, pk_set)
    else:  # cleared from the place's side: every record that may have lost it
        index(
            kind,
            kinds.BY_NAME[kind].model._default_manager.values_list("pk", flat=True),
        )
