"""Every side effect of saving, deleting or publishing a record, wired in one place.

What follows a write, and when:

============================================  ====================================
change                                        effect
============================================  ====================================
a content row saved or deleted, or an m2m     the archive version is bumped (API
relation changed                              response cache, ETags), and each
                                              audience's stamp (Last-Modified) if
                                              it could see the row before or
                                              after, in the same transaction
an indexed record or one of its parts (name  its search document is rebuilt (or
variant, segment, transcript, membership,     removed), in the same transaction;
participant, linked places) saved, deleted    publish and withdraw save the record
or changed                                    so they pass here too
an image saved (any status, access or         after the commit, a background task
embargo change, by the workflow or a form,    makes its renditions follow it:
an upload, an embargo's end)                  public files and the usual sizes if
                                              it is public, none in public storage
                                              and a thumbnail if not
an image's focal point moved                  its crops are dropped (files after
                                              the commit)
a rendition deleted (also by a cascade)       its file is removed after the commit
an exhibition published by the workflow       after the commit, a background task
                                              makes every named size of its images
records changed in bulk (`update()`, an       `records_changed_in_bulk()`: the
import, a batch edit: no signals)             archive version now, their search
                                              words in the background
records saved one by one inside               their search words once, in the
`bulk_changes()` (a spreadsheet import)       background after the commit, as for
                                              a bulk write (not a rebuild per row)
============================================  ====================================

`connect()` connects the signal receivers once, from `ArchiveConfig.ready()`; the
workflow (`archive.services`) sends `archive.signals.status_changed` after its
commit. The work itself stays with its subject: the archive version in
`archive/api/caching.py`, the search index in `archive/search/index.py`, rendition
files in `archive/media.py` and `archive/api/files.py`; slow work runs as the
background tasks of `archive/tasks.py` (in process when no broker is configured).
Each effect has exactly one trigger: a workflow step
saves the record, so what follows every save (the image's renditions) is not
repeated for the status change.

Signals are connected per sender, never for all senders: a receiver for every model
would make Django fetch and signal every row of every bulk delete, search
documents included. Bulk writes (`update()`, `bulk_create()`) send no signals; their
callers call `records_changed_in_bulk()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)

from archive import kinds, media, signals, tasks
from archive.api import caching
from archive.models import (
    ArchiveVersion,
    Exhibition,
    Image,
    Publishable,
    Rendition,
    Status,
)
from archive.search import index as search_index
from archive.storage import delete_on_commit, rendition_storage


def connect() -> None:
    """Connect every receiver below (idempotent: each has a dispatch_uid)."""
    for model in caching.content_models():
        uid = model._meta.label_lower
        pre_save.connect(
            caching.note_seen_before_save,
            sender=model,
            dispatch_uid=f"api-presave-{uid}",
        )
        post_save.connect(
            caching.bump_on_save, sender=model, dispatch_uid=f"api-save-{uid}"
        )
        pre_delete.connect(
            caching.note_seen_before_delete,
            sender=model,
            dispatch_uid=f"api-predelete-{uid}",
        )
        post_delete.connect(
            caching.bump_on_delete, sender=model, dispatch_uid=f"api-delete-{uid}"
        )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            caching.link_keys(through, field)
            m2m_changed.connect(
                caching.bump_on_m2m,
                sender=through,
                dispatch_uid=f"api-m2m-{through._meta.label_lower}",
            )
    for model in search_index.WATCHED:
        uid = model._meta.label_lower
        post_save.connect(
            index_on_save, sender=model, dispatch_uid=f"search-save-{uid}"
        )
        post_delete.connect(
            search_index.on_delete, sender=model, dispatch_uid=f"search-delete-{uid}"
        )
    for through in (*search_index.LINKS, *search_index.PART_LINKS):
        m2m_changed.connect(
            search_index.on_link,
            sender=through,
            dispatch_uid=f"search-m2m-{through._meta.label_lower}",
        )
    post_save.connect(image_saved, sender=Image, dispatch_uid="effects-image-saved")
    post_delete.connect(
        rendition_deleted, sender=Rendition, dispatch_uid="effects-rendition-deleted"
    )
    signals.status_changed.connect(
        record_status_changed, dispatch_uid="effects-status-changed"
    )


#: The records saved inside `bulk_changes()`, per model (None outside it).
_bulk: ContextVar[dict[type, set[int]] | None] = ContextVar("bulk", default=None)


def index_on_save(sender: type, instance: Any, raw: bool = False, **kwargs) -> None:
    """A saved record's search words now, or, inside `bulk_changes()`, once for
    all of them after the commit."""
    pending = _bulk.get()
    if pending is None or raw:
        search_index.on_save(sender, instance, raw=raw, **kwargs)
        return
    kind = search_index.KIND_OF.get(sender)
    owner = (kind, instance.pk) if kind else search_index.parts_owner(instance)
    if owner is not None:
        model = kinds.BY_NAME[owner[0]].model
        pending.setdefault(model, set()).add(owner[1])


class BulkChanges:
    """What `bulk_changes()` collected; `commit()` hands it on."""

    def __init__(self, pending: dict[type, set[int]]) -> None:
        self.pending = pending

    def commit(self) -> None:
        """Call inside the writing transaction, once every row is saved."""
        for model, ids in self.pending.items():
            records_changed_in_bulk(model, sorted(ids))
        self.pending.clear()


@contextmanager
def bulk_changes() -> Iterator[BulkChanges]:
    """Many records saved one by one (an import): their saves keep every other
    effect, but their search words are rebuilt together, in the background after
    the commit, when the caller calls `commit()`; without it (a dry run, rolled
    back) nothing is indexed."""
    pending: dict[type, set[int]] = {}
    token = _bulk.set(pending)
    try:
        yield BulkChanges(pending)
    finally:
        _bulk.reset(token)


def image_saved(
    sender: type, instance: Image, raw: bool = False, **kwargs: Any
) -> None:
    """Crops follow the focal point now; renditions follow visibility after commit.

    A raw save (`loaddata`) writes the row as it is and nothing follows it, as no
    model's own `save()` runs then either.
    """
    if raw:
        return
    if instance.focal_point_moved():
        media.forget_crops(instance)
    image_id = instance.pk
    transaction.on_commit(
        lambda: tasks.sync_image_renditions.delay(image_id), robust=True
    )


def rendition_deleted(sender: type, instance: Rendition, **kwargs: Any) -> None:
    """A deleted rendition's file goes after the commit (also on cascades)."""
    if instance.file.name:
        delete_on_commit(rendition_storage, instance.file.name)


def record_status_changed(
    sender: type,
    *,
    record: Publishable,
    old_status: str,
    new_status: str,
    **kwargs: Any,
) -> None:
    """What follows a workflow step, once its transaction has committed: publishing
    an exhibition makes every size of its images, so kiosks and manifests find them
    ready."""
    if isinstance(record, Exhibition) and new_status == Status.PUBLISHED:
        tasks.make_exhibition_renditions.delay(record.pk)


def records_changed_in_bulk(model: type[Publishable], ids: list[int]) -> None:
    """What a bulk write (`update()`, an import, a batch edit) must call, as its
    rows send no signals: the archive version moves for every audience now (a bulk
    change is rare; being exact about who saw it is not worth a query per row), and
    the records' search words are rebuilt in the background after the commit."""
    ArchiveVersion.bump()
    kind = search_index.KIND_OF.get(model)
    if kind is not None and ids:
        ids = list(ids)
        transaction.on_commit(
            lambda: tasks.reindex_records.delay(kind, ids), robust=True
        )
