"""Checks every uploaded file before the archive keeps it. Pure: no ORM, no storage.

Used by the admin forms and by every import path (through `archive.media`). Each
rejection is a `ValidationError` whose message tells a curator what is wrong and what
to do. The file is read once, in chunks, to hash it and to enforce the size cap, so a
huge upload is refused without being read into memory; Pillow then opens it with an
allow-list of formats and decodes it (JPEG at reduced scale) to catch truncation.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from archive.renditions import DECODABLE_FORMATS, MIME_TYPES, NonClosing

CHUNK_SIZE = 1024 * 1024

#: Detected format -> the extensions a file of that format may have.
IMAGE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "WEBP": (".webp",),
    "TIFF": (".tif", ".tiff"),
}
ACCEPTED_IMAGES = "JPEG, PNG, WebP or TIFF"

# Formats we recognise only to name them in the error message; never decoded.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"8BPS", 0, "a Photoshop document (PSD)"),
    (b"%!PS", 0, "an EPS/PostScript file"),
    (b"\xc5\xd0\xd3\xc6", 0, "an EPS/PostScript file"),
    (b"%PDF-", 0, "a PDF document"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"BM", 0, "a BMP image"),
    (b"ftypheic", 4, "a HEIC photo"),
    (b"ftypheix", 4, "a HEIC photo"),
    (b"ftypmif1", 4, "a HEIF image"),
    (b"ftypavif", 4, "an AVIF image"),
    (b"PK\x03\x04", 0, "a ZIP archive or office document"),
    (b"\x00\x00\x01\x00", 0, "a Windows icon"),
)


@dataclass(frozen=True)
class CheckedFile:
    """What validation learnt about a file: enough to store and describe it."""

    sha256: str
    size: int
    format: str  # JPEG, PNG, WEBP, TIFF or PDF
    extension: str  # normalised, with the dot: ".jpg"
    width: int | None = None
    height: int | None = None

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format.lower()]


def clean_filename(filename: str) -> str:
    """The uploader's file name if it is safe to show and keep, else a clear error.

    The archive never stores a file under this name; it is kept for curators only.
    A name that tries to climb folders or hides control characters is refused rather
    than repaired, because it signals a tool or a person misbehaving.
    """
    if filename is None or not str(filename).strip():
        raise ValidationError(_("The file has no name."), code="filename")
    name = str(filename)
    if "\x00" in name:
        raise ValidationError(
            _("The file name contains a NUL byte; rename the file and try again."),
            code="filename",
        )
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise ValidationError(
            _("The file name contains control characters; rename the file."),
            code="filename",
        )
    if "/" in name or "\\" in name or name.strip() in {".", ".."}:
        raise ValidationError(
            _(
                "The file name %(name)s contains a folder path ('/', '\\' or '..'); "
                "upload the file under its own name only."
            )
            % {"name": repr(name[:100])},
            code="filename",
        )
    if len(name) > 255:
        raise ValidationError(
            _("The file name is longer than 255 characters; shorten it."),
            code="filename",
        )
    return name


def extension_of(filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()
    if not ext:
        raise ValidationError(
            _("The file name %(name)s has no extension such as .jpg or .pdf.")
            % {"name": repr(filename)},
            code="extension",
        )
    return ext


def hash_stream(fp: BinaryIO, max_bytes: int) -> tuple[str, int]:
    """SHA-256 and size of a stream, read in chunks; refuses to read past the cap."""
    declared = getattr(fp, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise _too_large(declared, max_bytes)
    digest = hashlib.sha256()
    size = 0
    fp.seek(0)
    while chunk := fp.read(CHUNK_SIZE):
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(size, max_bytes, at_least=True)
        digest.update(chunk)
    fp.seek(0)
    if size == 0:
        raise ValidationError(_("The file is empty (0 bytes)."), code="empty")
    return digest.hexdigest(), size


def _too_large(size: int, limit: int, at_least: bool = False) -> ValidationError:
    message = (
        _("The file is larger than %(size)s; the limit is %(limit)s.")
        if at_least
        else _("The file is %(size)s; the limit is %(limit)s.")
    )
    return ValidationError(
        message % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
        code="too_large",
    )


def sniff(head: bytes) -> str | None:
    """Name a format we refuse, from its first bytes, for a helpful message."""
    for signature, offset, label in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return label
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text:
        return _("an SVG drawing")
    if text.startswith((b"<!doctype html", b"<html")):
        return _("a web page (HTML)")
    return None


def validate_image(
    fp: BinaryIO,
    filename: str,
    *,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
) -> CheckedFile:
    """Check an uploaded image and return its checksum, format and size.

    Refuses: unsafe names; empty or oversized files; anything but JPEG, PNG, WebP
    and TIFF (SVG, PSD, EPS, GIF... are named in the message); an extension that does
    not match the content; more pixels than the cap (Pillow's decompression-bomb
    warning counts as an error); truncated or damaged image data.
    """
    max_bytes = settings.ARCHIVE_MAX_IMAGE_BYTES if max_bytes is None else max_bytes
    max_pixels = settings.ARCHIVE_MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    name = clean_filename(filename)
    ext = extension_of(name)
    sha256, size = hash_stream(fp, max_bytes)
    head = fp.read(64)
    fp.seek(0)

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(NonClosing(fp), formats=list(DECODABLE_FORMATS))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels(None, max_pixels) from None
        except UnidentifiedImageError:
            raise _unsupported(head) from None
        except (OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                _("The image could not be read (%(error)s); it may be damaged.")
                % {"error": error},
                code="damaged",
            ) from None
        try:
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels((width, height), max_pixels)
            detected = image.format or ""
            if ext not in IMAGE_EXTENSIONS.get(detected, ()):
                raise ValidationError(
                    _(
                        "The file is a %(format)s image but its name ends in "
                        "%(ext)s; rename it to %(expected)s and upload it again."
                    )
                    % {
                        "format": detected,
                        "ext": ext,
                        "expected": IMAGE_EXTENSIONS[detected][0],
                    },
                    code="extension_mismatch",
                )
            _decode_fully(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels(image.size, max_pixels) from None
        finally:
            image.close()
            fp.seek(0)
    return CheckedFile(
        sha256=sha256,
        size=size,
        format=detected,
        extension=IMAGE_EXTENSIONS[detected][0],
        width=width,
        height=height,
    )


def _decode_fully(image: Image.Image) -> None:
    """Decode every byte of image data so truncation and damage show now, not later.

    A JPEG is decoded at 1/8 scale (draft mode), which still reads all of its data;
    other formats are decoded in full, which the pixel cap keeps bounded.
    """
    try:
        if image.format == "JPEG":
            image.draft(
                image.mode, (max(1, image.width // 8), max(1, image.height // 8))
            )
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValidationError(
            _(
                "The image data is incomplete or damaged (%(error)s); the file may "
                "have been truncated. Export or download it again."
            )
            % {"error": error},
            code="damaged",
        ) from None


def _too_many_pixels(size: tuple[int, int] | None, limit: int) -> ValidationError:
    if size is None:
        return ValidationError(
            _(
                "The image has more pixels than the limit of %(limit)s megapixels; "
                "it may be a decompression bomb. Reduce it before uploading."
            )
            % {"limit": f"{limit / 1e6:g}"},
            code="too_many_pixels",
        )
    return ValidationError(
        _(
            "The image is %(width)s x %(height)s pixels (%(mp)s megapixels); the "
            "limit is %(limit)s megapixels. Reduce it before uploading."
        )
        % {
            "width": size[0],
            "height": size[1],
            "mp": f"{size[0] * size[1] / 1e6:.1f}",
            "limit": f"{limit / 1e6:g}",
        },
        code="too_many_pixels",
    )


def _unsupported(head: bytes) -> ValidationError:
    what = sniff(head)
    if what:
        return ValidationError(
            _(
                "This file is %(what)s, which the archive does not accept; upload a "
                "%(accepted)s image."
            )
            % {"what": what, "accepted": ACCEPTED_IMAGES},
            code="unsupported",
        )
    return ValidationError(
        _("This file is not a %(accepted)s image.") % {"accepted": ACCEPTED_IMAGES},
        code="unsupported",
    )


def validate_pdf(fp: BinaryIO, filename: str, *, max_bytes: int | None = None):
    """Check a PDF: the name ends in .pdf, it starts with `%PDF-` and ends with
    an end-of-file marker (a truncated download usually lacks it)."""
    max_bytes = settings.ARCHIVE_MAX_DOCUMENT_BYTES if max_bytes is None else max_bytes
    name = clean_filename(filename)
    ext = extension_of(name)
    if ext != ".pdf":
        raise ValidationError(
            _("A PDF's name must end in .pdf, not %(ext)s.") % {"ext": ext},
            code="extension_mismatch",
        )
    sha256, size = hash_stream(fp, max_bytes)
    head = fp.read(1024)
    fp.seek(max(0, size - 2048))
    tail = fp.read(2048)
    fp.seek(0)
    if not head.startswith(b"%PDF-"):
        what = sniff(head)
        raise ValidationError(
            _(
                "This file is not a PDF: it does not start with the PDF signature "
                "'%%PDF-'%(what)s. Upload the real PDF."
            )
            % {
                "what": (_(" (it looks like %(what)s)") % {"what": what})
                if what
                else ""
            },
            code="not_pdf",
        )
    if b"%%EOF" not in tail:
        raise ValidationError(
            _(
                "The PDF has no end-of-file marker; it is probably truncated. "
                "Download or export it again."
            ),
            code="damaged",
        )
    return CheckedFile(sha256=sha256, size=size, format="PDF", extension=".pdf")


#: Extensions a Source's file may have: a PDF or a scanned image.
DOCUMENT_EXTENSIONS = (".pdf",) + tuple(
    ext for exts in IMAGE_EXTENSIONS.values() for ext in exts
)


def validate_document(
    fp: BinaryIO,
    filename: str,
    *,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
) -> CheckedFile:
    """Check a Source's file: a PDF, or a scan as a JPEG, PNG, WebP or TIFF image.

    The document size cap applies to both; scans also meet the image pixel cap.
    """
    max_bytes = settings.ARCHIVE_MAX_DOCUMENT_BYTES if max_bytes is None else max_bytes
    name = clean_filename(filename)
    ext = extension_of(name)
    if ext == ".pdf":
        return validate_pdf(fp, name, max_bytes=max_bytes)
    if ext in DOCUMENT_EXTENSIONS:
        return validate_image(fp, name, max_bytes=max_bytes, max_pixels=max_pixels)
    raise ValidationError(
        _(
            "A source's file must be a PDF or a scan in JPEG, PNG, WebP or TIFF; "
            "%(ext)s files are not accepted."
        )
        % {"ext": ext},
        code="unsupported",
    )
