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
an image saved (any status, access or         after the commit, its renditions
embargo change, by the workflow or a form)    follow it: public files if it is
                                              public, none in public storage if not
an image's focal point moved                  its crops are dropped (files after
                                              the commit)
a rendition deleted (also by a cascade)       its file is removed after the commit
an exhibition published by the workflow       after the commit, every named size of
                                              its images is made
============================================  ====================================

`connect()` connects the signal receivers once, from `ArchiveConfig.ready()`; the
workflow (`archive.services`) calls `record_status_changed()` after its commit. The
work itself stays with its subject: the archive version in `archive/api/caching.py`,
the search index in `archive/search/index.py`, rendition files in `archive/media.py`
and `archive/api/files.py`. Each effect has exactly one trigger: a workflow step
saves the record, so what follows every save (the image's renditions) is not
repeated for the status change.

Signals are connected per sender, never for all senders: a receiver for every model
would make Django fetch and signal every row of every bulk delete, search
documents included. Bulk writes (`update()`, `bulk_create()`) send no signals; their callers
bump the version and rebuild the index themselves.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)

from archive import media
from archive.api import caching, files
from archive.models import Image, Publishable, Rendition
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
            search_index.on_save, sender=model, dispatch_uid=f"search-save-{uid}"
        )
        post_delete.connect(
            search_index.on_delete, sender=model, dispatch_uid=f"search-delete-{uid}"
        )
    for through in search_index.LINKS:
        m2m_changed.connect(
            search_index.on_link,
            sender=through,
            dispatch_uid=f"search-m2m-{through._meta.label_lower}",
        )
    post_save.connect(image_saved, sender=Image, dispatch_uid="effects-image-saved")
    post_delete.connect(
        rendition_deleted, sender=Rendition, dispatch_uid="effects-rendition-deleted"
    )


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
        lambda: media.sync_rendition_visibility(image_id=image_id), robust=True
    )


def rendition_deleted(sender: type, instance: Rendition, **kwargs: Any) -> None:
    """A deleted rendition's file goes after the commit (also on cascades)."""
    if instance.file.name:
        delete_on_commit(rendition_storage, instance.file.name)


def record_status_changed(
    *, record: Publishable, old_status: str, new_status: str
) -> None:
    """What follows a workflow step, once its transaction has committed."""
    files.on_status_change(record, old_status, new_status)
