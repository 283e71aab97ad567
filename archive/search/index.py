"""The one path that keeps the search index current.

A record's document is rebuilt whenever the record or one of its parts is saved or
deleted (receivers wired in `archive/effects.py`), in the same transaction; a
workflow step (publish, withdraw) saves the record, so it passes here too. An
embargo that ends needs no write: visibility is evaluated when searching.
Writes that send no signals (bulk_create, update(), raw SQL) are followed by
`manage.py rebuild_search_index`, which goes through the very same `index()`: a
rebuilt index equals one kept up to date record by record (tests/search).

Only `SearchDocument` and `SearchFacet` rows are written here; the database derives
its full-text index from them (triggers, see migration 0007 and the backends).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from archive import kinds
from archive import models as m
from archive.search.documents import (
    LINKS,
    PART_MODELS,
    Document,
    build,
    parts_owner,
)

#: Indexed model -> its kind.
KIND_OF: dict[type, str] = {kind.model: kind.name for kind in kinds.KINDS}


def index(kind: str, ids: Iterable[int]) -> int:
    """(Re)index these records of one kind; returns the number of documents."""
    ids = list(ids)
    if not ids:
        return 0
    documents = build(kind, ids)
    with transaction.atomic():
        remove(kind, ids)
        write(documents)
    return len(documents)


def write(documents: list[Document]) -> None:
    rows = m.SearchDocument.objects.bulk_create(
        [
            m.SearchDocument(
                kind=doc.kind,
                object_id=doc.object_id,
                uuid=doc.uuid,
                slug=doc.slug,
                title=doc.title,
                texts=doc.text_rows(),
            )
            for doc in documents
        ],
        batch_size=500,
    )
    if rows and rows[0].pk is None:  # databases that return no ids from bulk inserts
        found = dict(
            m.SearchDocument.objects.filter(
                kind=documents[0].kind,
                object_id__in=[doc.object_id for doc in documents],
            ).values_list("object_id", "pk")
        )
        for row in rows:
            row.pk = found[row.object_id]
    m.SearchFacet.objects.bulk_create(
        [
            m.SearchFacet(document_id=row.pk, facet=facet, value=value)
            for row, doc in zip(rows, documents, strict=True)
            for facet, value in sorted(doc.facets)
        ],
        batch_size=2000,
    )


def remove(kind: str, ids: Iterable[int]) -> None:
    documents = m.SearchDocument.objects.filter(kind=kind, object_id__in=list(ids))
    m.SearchFacet.objects.filter(document__in=documents).delete()
    documents.delete()


def rebuild(batch: int = 1000, only: Iterable[str] | None = None) -> dict[str, int]:
    """Index every record again (after bulk writes); returns documents per kind."""
    counts: dict[str, int] = {}
    for kind in only or [k.name for k in kinds.KINDS]:
        model = kinds.BY_NAME[kind].model
        with transaction.atomic():
            documents = m.SearchDocument.objects.filter(kind=kind)
            m.SearchFacet.objects.filter(document__in=documents).delete()
            documents.delete()
        ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        counts[kind] = sum(
            index(kind, ids[start : start + batch])
            for start in range(0, len(ids), batch)
        )
    # Searches answered from the response cache may have changed.
    m.ArchiveVersion.bump()
    return counts


#: Every model whose saves and deletes change the index.
WATCHED: tuple[type, ...] = (*KIND_OF, *PART_MODELS)


def on_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    kind = KIND_OF.get(sender)
    if kind is not None:
        index(kind, [instance.pk])
        return
    owner = parts_owner(instance)
    if owner is not None:
        index(owner[0], [owner[1]])


def on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    kind = KIND_OF.get(sender)
    if kind is not None:
        remove(kind, [instance.pk])
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
