"""The two storages: public (renditions of public images) and private (originals).

Fields use `AliasedStorage`, which looks the configured backend up in
`settings.STORAGES` on every call instead of binding one instance at import. So the
same model works on local folders and on S3, migrations never name a backend, and
tests can switch storage (a temporary folder, a moto S3 server) per test.

Files and transactions: a file written during a transaction that then rolls back is
deleted (`save_with_transaction`), and a referenced file is deleted only once the
transaction commits (`delete_on_commit`), so a rollback never orphans or loses one.
"""

from __future__ import annotations

import logging
import os
import uuid
import weakref
from typing import Any

from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils.deconstruct import deconstructible

logger = logging.getLogger(__name__)

_DELEGATED = (
    "_open",
    "_save",
    "open",
    "save",
    "get_valid_name",
    "get_alternative_name",
    "get_available_name",
    "generate_filename",
    "path",
    "delete",
    "exists",
    "listdir",
    "size",
    "url",
    "get_accessed_time",
    "get_created_time",
    "get_modified_time",
)


@deconstructible(path="archive.storage.AliasedStorage")
class AliasedStorage(Storage):
    def __init__(self, alias: str) -> None:
        self.alias = alias

    @property
    def backend(self) -> Storage:
        return storages[self.alias]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AliasedStorage) and other.alias == self.alias

    def __hash__(self) -> int:
        return hash(self.alias)


def _delegate(name: str):
    def method(self, *args, **kwargs):
        return getattr(self.backend, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in _DELEGATED:
    setattr(AliasedStorage, _name, _delegate(_name))


#: Originals and source files: never reachable by a public URL.
private_storage = AliasedStorage("private")
#: Renditions of public images: served directly (or by a CDN).
public_storage = AliasedStorage("default")


#: Renditions of images that are not public are kept in private storage under this
#: prefix; everything else a Rendition names lives in public storage.
PRIVATE_RENDITIONS = "renditions-private/"
PUBLIC_RENDITIONS = "renditions/"


def generated_name(prefix: str, extension: str) -> str:
    """A fresh, unguessable storage name: `prefix/ab/ab12...ef.ext`.

    Files are never stored under the uploader's name: names carry no personal data,
    cannot collide or climb folders, and a new file always gets a new URL (so public
    renditions can be cached forever).
    """
    token = uuid.uuid4().hex
    extension = extension.lower()
    if extension and not extension.startswith("."):
        extension = f".{extension}"
    return f"{prefix.rstrip('/')}/{token[:2]}/{token}{extension}"


def original_upload_to(instance: Any, filename: str) -> str:
    """`upload_to` for originals: a generated name that keeps only the extension."""
    return generated_name("originals", os.path.splitext(filename)[1][:10])


def source_upload_to(instance: Any, filename: str) -> str:
    """`upload_to` for source documents: a generated name, extension kept."""
    return generated_name("sources", os.path.splitext(filename)[1][:10])


def rendition_upload_to(instance: Any, filename: str) -> str:
    return generated_name(PUBLIC_RENDITIONS, os.path.splitext(filename)[1][:10])


def is_private_rendition(name: str) -> bool:
    return name.startswith(PRIVATE_RENDITIONS)


@deconstructible(path="archive.storage.RenditionStorage")
class RenditionStorage(Storage):
    """Routes each rendition to public or private storage by its name.

    A rendition of a public image is a public file (`renditions/...`, served directly);
    a rendition of a draft, embargoed or restricted image is a private file
    (`renditions-private/...`) whose URL is a staff-only view. So `rendition.file.url`,
    `.open()`, `.size` and `.delete()` always reach the right place, and a rendition
    that is not public never has a public URL.
    """

    def backend_for(self, name: str) -> Storage:
        return private_storage if is_private_rendition(name) else public_storage

    def _open(self, name: str, mode: str = "rb"):
        return self.backend_for(name).open(name, mode)

    def _save(self, name: str, content: Any) -> str:
        return self.backend_for(name).save(name, content)

    def save(self, name: str | None, content: Any, max_length: int | None = None):
        if name is None:
            name = content.name
        return self.backend_for(name).save(name, content, max_length=max_length)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.backend_for(name).get_available_name(name, max_length=max_length)

    def generate_filename(self, filename: str) -> str:
        return self.backend_for(filename).generate_filename(filename)

    def delete(self, name: str) -> None:
        self.backend_for(name).delete(name)

    def exists(self, name: str) -> bool:
        return self.backend_for(name).exists(name)

    def size(self, name: str) -> int:
        return self.backend_for(name).size(name)

    def path(self, name: str) -> str:
        return self.backend_for(name).path(name)

    def listdir(self, path: str):
        return self.backend_for(path).listdir(path)

    def get_modified_time(self, name: str):
        return self.backend_for(name).get_modified_time(name)

    def get_created_time(self, name: str):
        return self.backend_for(name).get_created_time(name)

    def get_accessed_time(self, name: str):
        return self.backend_for(name).get_accessed_time(name)

    def url(self, name: str) -> str:
        if is_private_rendition(name):
            from django.urls import reverse

            return reverse(
                "archive:rendition-private",
                kwargs={"name": name[len(PRIVATE_RENDITIONS) :]},
            )
        return public_storage.url(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RenditionStorage)

    def __hash__(self) -> int:
        return hash("RenditionStorage")


#: Renditions: public or private according to their name (see RenditionStorage).
rendition_storage = RenditionStorage()


# --- Files and transactions -------------------------------------------------------


class _CommitMarker:
    """Registered with `on_commit`; records that the commit happened."""

    __slots__ = ("__weakref__", "state")

    def __init__(self, state: dict[str, bool]) -> None:
        self.state = state

    def __call__(self) -> None:
        self.state["committed"] = True


def _delete_if_uncommitted(storage: Storage, name: str, state: dict) -> None:
    if state.get("committed"):
        return
    try:
        storage.delete(name)
        logger.info("Removed %s: its transaction rolled back.", name)
    except Exception:  # never raise from a finaliser; reconcile_media reports it
        logger.exception("Could not remove %s after a rollback.", name)


def delete_unless_committed(storage: Storage, name: str) -> None:
    """Delete `name` from `storage` if the current transaction does not commit.

    Django has no on-rollback hook, but it discards the `on_commit` callbacks of a
    transaction or savepoint that rolls back. We register a marker callback and
    attach a finaliser to it: when the marker is discarded without having run, the
    transaction did not commit and the file is deleted. (Outside a transaction the
    marker runs at once and the file stays; callers then handle a failed save.)
    The marker is created here and referenced only by Django's callback list, so no
    traceback of the caller can keep it alive.
    """
    state: dict[str, bool] = {"committed": False}
    marker = _CommitMarker(state)
    finaliser = weakref.finalize(marker, _delete_if_uncommitted, storage, name, state)
    finaliser.atexit = False
    transaction.on_commit(marker)


def delete_on_commit(storage: Storage, name: str) -> None:
    """Delete a file once the current transaction commits (at once in autocommit)."""

    def delete() -> None:
        storage.delete(name)

    transaction.on_commit(delete, robust=True)


def save_with_transaction(storage: Storage, name: str, content: Any) -> str:
    """Save a file that goes again if the current transaction does not commit;
    returns the name it was stored under."""
    try:
        stored = storage.save(name, content)
    except BaseException:
        # A write cut short (disk full, storage gone) may leave part of the file;
        # the name is freshly generated, so whatever is there is ours to remove.
        try:
            storage.delete(name)
        except Exception:  # reconcile_media reports what could not be removed
            logger.exception("Could not remove the partial file %s.", name)
        raise
    delete_unless_committed(storage, stored)
    return stored
