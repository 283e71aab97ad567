"""Files of the archive: taking originals in, and renditions public or private.

The storage side of media; an image makes its own renditions (`Image.get_rendition`,
with the pixels in `archive/renditions.py`), the upload checks are in
`archive/uploads.py`, and `archive/effects.py` decides when the functions here run.
Rules kept here:

- An original is validated, hashed while it streams, and stored byte-exact under a
  generated name in private storage. It is never deleted by the application (history
  may point at it); `manage.py reconcile_media --delete-orphans` removes files that
  nothing references.
- A file written during a transaction that then rolls back, or whose save fails, is
  deleted: nothing is orphaned. Deletions of files that *were* referenced happen only
  after the transaction commits, so a rollback never loses a file (the helpers are
  in `archive/storage.py`).
- Renditions of public images are public files; renditions of every other image are
  private files behind a staff-only view. Publishing moves them to public storage;
  withdrawing, unpublishing, an embargo or a restricted access level removes the
  public ones after the commit.
"""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction

from archive import renditions, uploads
from archive.models import Image, Rendition, Source
from archive.storage import (
    PRIVATE_RENDITIONS,
    PUBLIC_RENDITIONS,
    delete_on_commit,
    generated_name,
    private_storage,
    rendition_storage,
    save_with_transaction,
)

# Re-exported: the synthetic-data generator and the ingest tests import it here.
from archive.storage import delete_unless_committed as delete_unless_committed

#: Every named spec in every format (e.g. to warm an image before pinning queries).
ALL_RENDITIONS: tuple[tuple[str, str], ...] = tuple(
    (name, fmt) for name in renditions.NAMED_SPECS for fmt in renditions.FORMATS
)
#: Made right after an upload commits, so the curator sees a thumbnail at once.
UPLOAD_RENDITIONS: tuple[tuple[str, str], ...] = (("thumbnail", "jpeg"),)
#: Made (or moved to public storage) in the background when an image becomes
#: public: list sizes, and the whole image fit to view that IIIF canvases paint.
PUBLISH_RENDITIONS: tuple[tuple[str, str], ...] = (
    ("thumbnail", "jpeg"),
    ("card", "jpeg"),
    ("view", "jpeg"),
)


# --- Files and transactions -------------------------------------------------------


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
    name = save_with_transaction(
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
    name = save_with_transaction(
        private_storage, generated_name("sources", checked.extension), upload
    )
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


def make_renditions(
    *, image_id: int, wanted: tuple[tuple[str, str], ...] = PUBLISH_RENDITIONS
) -> None:
    """Make the listed (spec, format) renditions of an image if they are missing."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or not image.file:
        return
    for spec, fmt in wanted:
        image.try_rendition(spec, fmt)


def remake_rendition(rendition: Rendition) -> Rendition | None:
    """Make a rendition again whose file is missing from storage; None if the
    original cannot be read either (the caller answers 404)."""
    image, spec, fmt = rendition.image, rendition.spec, rendition.format
    rendition.delete()
    image._prefetched_objects_cache = {}
    return image.try_rendition(spec, fmt)


def restore_rendition_file(rendition_id: int) -> bool:
    """Render a rendition whose file went missing again, under the SAME name, so
    the URL that pages, API answers and caches already hold works again. False if
    the original cannot be read (or the row is gone): the URL stays a 404."""
    rendition = Rendition.objects.select_related("image").filter(pk=rendition_id)
    rendition = rendition.first()
    if rendition is None:
        return False
    name = rendition.file.name
    if rendition_storage.exists(name):
        return True
    try:
        rendered = rendition.image.render_original(rendition.spec, rendition.format)
    except renditions.RenditionError:
        return False
    saved = rendition_storage.save(name, ContentFile(rendered.data))
    if saved != name:  # another worker restored it first: keep theirs
        rendition_storage.delete(saved)
    return True


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
    """Make an image's renditions as public as the image: public files (and the
    usual sizes) for a public image, none in public storage otherwise. Idempotent:
    a background task runs it, maybe twice."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return
    if image.is_public:
        publish_renditions(image)
    else:
        unpublish_renditions(image)
