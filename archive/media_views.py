"""Views that hand out files: staff downloads of originals, private renditions, and
source documents (public only while their Source is public).

Every file leaves as an attachment or an image with `X-Content-Type-Options: nosniff`
and a Content-Security-Policy that forbids scripts, so a file that claims to be a PDF
or an image can never run in the archive's origin. Anything the visitor may not see
answers 404, exactly like a file that does not exist.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from archive import media
from archive.faults import StorageUnavailable, is_storage_outage, unavailable_response
from archive.models import Image, Rendition, Source
from archive.renditions import MIME_TYPES
from archive.storage import (
    PRIVATE_RENDITIONS,
    PUBLIC_RENDITIONS,
    private_storage,
    rendition_storage,
)
from archive.uploads import IMAGE_EXTENSIONS

#: For files served from the archive's origin: nothing in them may run or load.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

_MIME_BY_EXTENSION = {
    ext: MIME_TYPES[fmt.lower()]
    for fmt, exts in IMAGE_EXTENSIONS.items()
    for ext in exts
} | {".pdf": MIME_TYPES["pdf"]}


def _mime_type(name: str) -> str:
    return _MIME_BY_EXTENSION.get(
        os.path.splitext(name)[1].lower(), "application/octet-stream"
    )


def _staff_may(request: HttpRequest, permission: str) -> bool:
    """Staff with `permission`. Non-staff get a 404 (nothing to see here); staff
    without the permission a 403, so they know to ask for it."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if not user.has_perm(permission):
        raise PermissionDenied
    return True


def open_or_404(storage: Any, name: str) -> Any:
    """Open a stored file: 404 if it is missing, StorageUnavailable (503) if the
    storage itself failed, so an outage is never mistaken for a deleted file."""
    try:
        return storage.open(name, "rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing.") from error
    except Exception as error:
        if is_storage_outage(error):
            raise StorageUnavailable(str(error)) from error
        if isinstance(error, OSError):
            raise Http404("The file cannot be read.") from error
        raise


def _file_response(
    storage,
    name: str,
    *,
    attachment: bool,
    filename: str | None = None,
    public: bool = False,
) -> FileResponse:
    handle = open_or_404(storage, name)
    response = FileResponse(
        handle,
        as_attachment=attachment,
        filename=filename or os.path.basename(name),
        content_type=_mime_type(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = (
        "public, max-age=3600" if public else "private, no-store, max-age=0"
    )
    return response


@require_safe
def image_original(request: HttpRequest, pk: int) -> FileResponse:
    """The original as uploaded, for staff who may view images; never public."""
    if not _staff_may(request, "archive.view_image"):
        raise Http404
    image = get_object_or_404(Image, pk=pk)
    if not image.file:
        raise Http404("This image has no original file.")
    extension = os.path.splitext(image.file.name)[1]
    filename = image.original_filename or f"image-{image.pk}{extension}"
    return _file_response(
        private_storage, image.file.name, attachment=True, filename=filename
    )


@require_safe
def private_rendition(request: HttpRequest, name: str):
    """A rendition of an image that was not public when it was made.

    Staff see it. If the image has become public since (its embargo ended), anyone
    may: the file is served as it is, briefly cacheable, and the background task
    that follows the embargo's end (`archive.tasks.release_embargoes`) moves it to
    public storage; nothing is moved or rendered in a visitor's request. Everyone
    else gets a 404.
    """
    rendition = get_object_or_404(
        Rendition.objects.select_related("image"), file=PRIVATE_RENDITIONS + name
    )
    if rendition.image.is_public:
        response = _file_response(
            rendition_storage, rendition.file.name, attachment=False, public=True
        )
        response["Cache-Control"] = "public, max-age=300"
        return response
    if not _staff_may(request, "archive.view_image"):
        raise Http404
    if not rendition_storage.exists(rendition.file.name):
        # Lost from storage (a restore without renditions, a cleanup gone wrong):
        # made again from the original, or a clean 404 if that cannot be done.
        remade = media.remake_rendition(rendition)
        if remade is None:
            raise Http404("The rendition is missing and cannot be made again.")
        return HttpResponseRedirect(remade.url)
    return _file_response(rendition_storage, rendition.file.name, attachment=False)


#: Seconds during which a lost public rendition is not queued for remaking twice.
RESTORE_LOCK_SECONDS = 60


@require_safe
def public_rendition(request: HttpRequest, name: str) -> HttpResponse:
    """A public rendition the web server or object storage did not have.

    Public renditions are normally served without Django (`MEDIA_URL`); the web
    server falls back to this view for a file it lacks (docs/operations.md). If
    the rendition's row exists, its image is public and its original is readable,
    the file is made again from the original under the same name, in the
    background (rendering is never done in a visitor's request), and the answer is
    503 with `Retry-After` until it is back: not a 404, which caches would keep,
    for a URL that will work again. Without a broker (quickstart, tests) the task
    runs at once and the file is served. An image that is not public answers 404
    exactly like a file that never existed; so does a lost original.
    """
    from archive import tasks

    rendition = Rendition.objects.select_related("image").filter(
        file=PUBLIC_RENDITIONS + name
    )
    rendition = rendition.first()
    if rendition is None or not rendition.image.is_public:
        raise Http404
    file_name = rendition.file.name
    if not rendition_storage.exists(file_name):
        original = rendition.image.file
        if not original or not private_storage.exists(original.name):
            raise Http404("The rendition is missing and cannot be made again.")
        if cache.add(f"restore-rendition:{rendition.pk}", 1, RESTORE_LOCK_SECONDS):
            tasks.restore_rendition_file.delay(rendition.pk)
        if not rendition_storage.exists(file_name):
            return unavailable_response(
                request,
                503,
                str(_("This image is being made again; try again shortly.")),
                "rendition_pending",
            )
    return _file_response(rendition_storage, file_name, attachment=False, public=True)


@require_safe
def source_document(request: HttpRequest, slug: str) -> FileResponse:
    """A source's PDF or scan, as an attachment: public only while the source is."""
    source = Source.objects.public().filter(slug=slug).first()
    public = source is not None
    if source is None and _staff_may(request, "archive.view_source"):
        source = Source.objects.filter(slug=slug).first()
    if source is None or not source.file:
        raise Http404
    extension = os.path.splitext(source.file.name)[1].lower()
    return _file_response(
        private_storage,
        source.file.name,
        attachment=True,
        filename=f"{source.slug}{extension}",
        public=public,
    )
