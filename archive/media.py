"""Files of the archive: taking originals in, making renditions, publishing them.

The storage side of media; the pixels are in `archive/renditions.py`, the checks in
`archive/uploads.py`, and `archive/effects.py` decides when the functions here run.
Rules kept here:

- An original is validated, hashed while it streams, and stored byte-exact under a
  generated name in private storage. It is never deleted by the application (history
  may point at it); `manage.py reconcile_media --delete-orphans` removes files that
  nothing references.
- A file written during a transaction that then rolls back, or whose save fails, is
  deleted: nothing is orphaned. Deletions of files that *were* referenced happen only
  after the transaction commits, so a rollback never loses a file.
- Renditions of public images are public files; renditions of every other image are
  private files behind a staff-only view. Publishing moves them to public storage;
  withdrawing, unpublishing, an embargo or a restricted access level removes the
  public ones after the commit.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction

from archive import renditions, uploads
from archive.models import Image, Rendition, Source
from archive.storage import (
    PRIVATE_RENDITIONS,
    PUBLIC_RENDITIONS,
    generated_name,
    private_storage,
    rendition_storage,
)

logger = logging.getLogger(__name__)

#: Every named spec in every format (e.g. to warm an image before pinning queries).
ALL_RENDITIONS: tuple[tuple[str, str], ...] = tuple(
    (name, fmt) for name in renditions.NAMED_SPECS for fmt in renditions.FORMATS
)
#: Made right after an upload commits, so the curator sees a thumbnail at once.
UPLOAD_RENDITIONS: tuple[tuple[str, str], ...] = (("thumbnail", "jpeg"),)
#: Made (or moved to public storage) when an image becomes public.
PUBLISH_RENDITIONS: tuple[tuple[str, str], ...] = (
    ("thumbnail", "jpeg"),
    ("card", "jpeg"),
)


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


def _store(storage: Storage, name: str, content: Any) -> str:
    stored = storage.save(name, content)
    delete_unless_committed(storage, stored)
    return stored


def _require_transaction_if_not_saving(save: bool) -> None:
    if not save and not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "Call ingest with save=False only inside transaction.atomic(), so the "
            "stored file is removed if the caller's save fails."
        )


def _save_or_remove(
    record: Any, storage: Storage, name: str, before_save: Any = None
) -> None:
    """Save `record` atomically; if that fails, remove the file just written for it."""
    try:
        with transaction.atomic():
            if before_save is not None:
                before_save()
            record.save()
    except BaseException:
        storage.delete(name)
        raise


# --- Originals and documents ------------------------------------------------------


def ingest_image(
    *,
    image: Image,
    upload: File,
    filename: str,
    save: bool = True,
    checked: uploads.CheckedFile | None = None,
) -> None:
    """Validate an uploaded image and keep it as `image`'s original.

    `filename` is the uploader's name: checked, kept in `original_filename`, never
    used for storage. Sets sha256, file_size, file_format, width and height, and
    saves the image unless `save=False` (then call it inside `transaction.atomic()`
    and save yourself). Raises `ValidationError` (nothing written) for a bad file.
    Renditions of a replaced file are removed; the first renditions are made once
    the transaction commits. `checked` skips re-validation when a form already did it
    on this same upload.
    """
    _require_transaction_if_not_saving(save)
    if checked is None:
        checked = uploads.validate_image(upload, filename)
    name = _store(
        private_storage, generated_name("originals", checked.extension), upload
    )
    replacing = image.pk is not None and bool(image.file)
    image.file = name
    image.original_filename = uploads.clean_filename(filename)[:255]
    image.sha256 = checked.sha256
    image.file_size = checked.size
    image.file_format = checked.format
    image.width, image.height = checked.width, checked.height

    def forget_stale_renditions() -> None:
        # Renditions of the previous file are stale; their files go after commit.
        if replacing:
            for rendition in Rendition.objects.filter(image_id=image.pk):
                rendition.delete()

    if save:
        _save_or_remove(image, private_storage, name, forget_stale_renditions)
    else:
        forget_stale_renditions()
    transaction.on_commit(
        lambda: make_renditions(image_id=image.pk, wanted=UPLOAD_RENDITIONS),
        robust=True,
    )


def ingest_source_file(
    *,
    source: Source,
    upload: File,
    filename: str,
    save: bool = True,
    checked: uploads.CheckedFile | None = None,
) -> None:
    """Validate a Source's document (a PDF, or a scan as an image) and keep it.

    Same rules as `ingest_image`: generated name in private storage, checksum and
    size recorded, uploader's name kept for curators, nothing left behind on failure.
    """
    _require_transaction_if_not_saving(save)
    if checked is None:
        checked = uploads.validate_document(upload, filename)
    name = _store(private_storage, generated_name("sources", checked.extension), upload)
    source.file = name
    source.file_original_name = uploads.clean_filename(filename)[:255]
    source.file_sha256 = checked.sha256
    source.file_size = checked.size
    if save:
        _save_or_remove(source, private_storage, name)


def duplicates_of(record: Image | Source) -> list[Image | Source]:
    """Other records holding a file with the same SHA-256, for a curator's warning."""
    if isinstance(record, Image):
        if not record.sha256:
            return []
        queryset = Image.objects.filter(sha256=record.sha256)
    else:
        if not record.file_sha256:
            return []
        queryset = Source.objects.filter(file_sha256=record.file_sha256)
    return list(queryset.exclude(pk=record.pk).order_by("pk")[:5])


# --- Renditions -------------------------------------------------------------------


def image_is_public(image: Image) -> bool:
    return Image.objects.public().filter(pk=image.pk).exists()


def _prefetched(image: Image, spec: str, fmt: str) -> Rendition | None:
    cache = getattr(image, "_prefetched_objects_cache", {})
    if "renditions" not in cache:
        return None
    for rendition in cache["renditions"]:
        if rendition.spec == spec and rendition.format == fmt:
            return rendition
    return None


def get_rendition(*, image: Image, spec: str, fmt: str = "jpeg") -> Rendition:
    """The one rendition of `image` for (spec, fmt), rendered the first time only."""
    spec = str(renditions.parse_spec(spec))
    fmt = renditions.parse_format(fmt)
    found = _prefetched(image, spec, fmt)
    if found is not None:
        return found
    found = Rendition.objects.filter(image_id=image.pk, spec=spec, format=fmt).first()
    if found is not None:
        return found
    return _create_rendition(image, spec, fmt)


def try_rendition(*, image: Image, spec: str, fmt: str = "jpeg") -> Rendition | None:
    try:
        return get_rendition(image=image, spec=spec, fmt=fmt)
    except renditions.RenditionError:
        logger.exception("No %s %s rendition for image %s.", spec, fmt, image.pk)
        return None


def render_original(image: Image, spec: str, fmt: str) -> renditions.Rendered:
    """Run the pixel pipeline on the image's stored original."""
    if not image.file:
        raise renditions.RenditionError(f"Image {image.pk} has no original file.")
    try:
        with private_storage.open(image.file.name, "rb") as original:
            return renditions.render(
                original,
                spec,
                fmt,
                focal=(image.focal_x, image.focal_y),
                max_pixels=settings.ARCHIVE_MAX_IMAGE_PIXELS,
            )
    except FileNotFoundError as error:
        raise renditions.RenditionError(
            f"The original of image {image.pk} is missing: {image.file.name}"
        ) from error


def _create_rendition(image: Image, spec: str, fmt: str) -> Rendition:
    prefix = PUBLIC_RENDITIONS if image_is_public(image) else PRIVATE_RENDITIONS
    with transaction.atomic():
        # Serialise the makers of this image's renditions, so concurrent requests
        # render once: PostgreSQL locks the image row; on SQLite the IMMEDIATE
        # transaction already holds the database's write lock.
        list(Image.objects.select_for_update().filter(pk=image.pk).values("pk"))
        found = Rendition.objects.filter(image_id=image.pk, spec=spec, format=fmt)
        if existing := found.first():
            return existing
        rendered = render_original(image, spec, fmt)
        name = _store(
            rendition_storage,
            generated_name(prefix, rendered.extension),
            ContentFile(rendered.data),
        )
        try:
            with transaction.atomic():
                return Rendition.objects.create(
                    image=image,
                    spec=spec,
                    format=fmt,
                    file=name,
                    width=rendered.width,
                    height=rendered.height,
                )
        except IntegrityError:
            # Another process won a race the lock did not cover: use its file.
            rendition_storage.delete(name)
            return found.get()


def make_renditions(
    *, image_id: int, wanted: tuple[tuple[str, str], ...] = PUBLISH_RENDITIONS
) -> None:
    """Make the listed (spec, format) renditions of an image if they are missing."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or not image.file:
        return
    for spec, fmt in wanted:
        try_rendition(image=image, spec=spec, fmt=fmt)


def publish_renditions(image: Image) -> None:
    """Move an image's private renditions to public storage, and make the usual
    ones. Each move is a compare-and-swap on the row, so two publishers never leave
    a stray copy."""
    private = Rendition.objects.filter(
        image_id=image.pk, file__startswith=PRIVATE_RENDITIONS
    )
    for rendition in private:
        old = rendition.file.name
        try:
            with rendition_storage.open(old, "rb") as handle:
                new = rendition_storage.save(
                    generated_name(PUBLIC_RENDITIONS, old.rsplit(".", 1)[-1]),
                    File(handle),
                )
        except FileNotFoundError:
            rendition.delete()  # made again on demand
            continue
        moved = Rendition.objects.filter(pk=rendition.pk, file=old).update(file=new)
        if moved:
            delete_on_commit(rendition_storage, old)
        else:
            rendition_storage.delete(new)
    make_renditions(image_id=image.pk, wanted=PUBLISH_RENDITIONS)


def unpublish_renditions(image: Image) -> int:
    """Remove the public renditions of an image that is no longer public.

    Rows go now; their files after the commit (see `archive.effects`). The
    renditions are made again, privately, when staff look at the image.
    """
    public = Rendition.objects.filter(image_id=image.pk).exclude(
        file__startswith=PRIVATE_RENDITIONS
    )
    count = 0
    for rendition in public:
        rendition.delete()
        count += 1
    return count


def forget_crops(image: Image) -> int:
    """Drop the `fill-` renditions after the focal point moved; they are cropped
    again, around the new point, when next needed. Files go after the commit."""
    count = 0
    for rendition in Rendition.objects.filter(
        image_id=image.pk, spec__startswith="fill-"
    ):
        rendition.delete()
        count += 1
    return count


def sync_rendition_visibility(*, image_id: int) -> None:
    """Make an image's renditions as public as the image: public files for a public
    image, none in public storage otherwise."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return
    if image_is_public(image):
        publish_renditions(image)
    else:
        unpublish_renditions(image)
