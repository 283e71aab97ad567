"""Upload validation (archive/uploads.py): pure, no database."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from archive import uploads
from tests.media import samples


def check(data: bytes, name: str, **limits) -> uploads.CheckedFile:
    return uploads.validate_image(io.BytesIO(data), name, **limits)


def message_of(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("maker", "name", "fmt"),
    [
        (samples.jpeg_bytes, "photo.JPG", "JPEG"),
        (samples.jpeg_bytes, "photo.jpeg", "JPEG"),
        (samples.png_bytes, "scan.png", "PNG"),
        (samples.webp_bytes, "still.webp", "WEBP"),
        (samples.tiff_bytes, "archive-scan.tif", "TIFF"),
        (samples.tiff_bytes, "archive-scan.tiff", "TIFF"),
    ],
)
def test_accepted_formats_report_checksum_format_and_size(maker, name, fmt):
    """JPEG, PNG, WebP and TIFF pass, with the SHA-256 of the exact bytes."""
    data = maker()
    checked = check(data, name)
    assert checked.format == fmt
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.size == len(data)
    assert (checked.width, checked.height) == (120, 80)


def test_checksum_is_computed_in_chunks_while_streaming(monkeypatch):
    """A file larger than one chunk is hashed correctly, chunk by chunk."""
    monkeypatch.setattr(uploads, "CHUNK_SIZE", 1000)
    data = samples.jpeg_bytes(400, 300, quality=95)
    assert len(data) > 3000
    assert check(data, "a.jpg").sha256 == hashlib.sha256(data).hexdigest()


def test_decompression_bomb_is_rejected():
    """A tiny PNG declaring 40000 x 40000 pixels is refused before decoding."""
    with pytest.raises(ValidationError) as error:
        check(samples.png_bomb(), "bomb.png")
    assert "decompression bomb" in message_of(error)


def test_image_over_the_pixel_cap_is_rejected_with_its_size():
    with pytest.raises(ValidationError) as error:
        check(samples.png_bytes(200, 100), "big.png", max_pixels=10_000)
    assert "200 x 100 pixels" in message_of(error)
    assert "limit is 0.01 megapixels" in message_of(error)


def test_pillow_bomb_warning_is_an_error(settings, monkeypatch):
    """Between Pillow's limit and twice it Pillow only warns: we refuse anyway."""
    from PIL import Image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5000)
    with pytest.raises(ValidationError) as error:
        check(samples.png_bytes(100, 80), "warn.png", max_pixels=10**9)
    assert "decompression bomb" in message_of(error)


def test_oversized_file_is_rejected_without_reading_it_all():
    data = samples.jpeg_bytes(400, 300, quality=95)
    with pytest.raises(ValidationError) as error:
        check(data, "big.jpg", max_bytes=1000)
    assert "the limit is 1000" in message_of(error)


def test_declared_size_over_the_cap_is_rejected_at_once():
    upload = ContentFile(samples.jpeg_bytes(), name="x.jpg")
    with pytest.raises(ValidationError) as error:
        uploads.validate_image(upload, "x.jpg", max_bytes=upload.size - 1)
    assert "limit" in message_of(error)


def test_png_named_jpg_is_rejected_and_told_the_right_extension():
    with pytest.raises(ValidationError) as error:
        check(samples.png_bytes(), "photo.jpg")
    assert message_of(error) == (
        "The file is a PNG image but its name ends in .jpg; rename it to .png and "
        "upload it again."
    )


@pytest.mark.parametrize(
    ("data", "name", "what"),
    [
        (samples.psd_bytes(), "layers.tif", "Photoshop document (PSD)"),
        (samples.EPS, "drawing.tif", "EPS/PostScript"),
        (samples.SVG_WITH_SCRIPT, "logo.svg", "SVG drawing"),
        (samples.SVG_WITH_SCRIPT, "logo.png", "SVG drawing"),
        (samples.MINIMAL_PDF, "scan.jpg", "PDF document"),
    ],
)
def test_other_formats_are_named_and_rejected(data, name, what):
    """PSD or EPS renamed to .tif, SVG (with a script), PDF: never decoded."""
    with pytest.raises(ValidationError) as error:
        check(data, name)
    assert what in message_of(error)
    assert "does not accept" in message_of(error)
    assert "JPEG, PNG, WebP or TIFF" in message_of(error)


def test_truncated_jpeg_is_rejected():
    with pytest.raises(ValidationError) as error:
        check(samples.truncated_jpeg(), "cut.jpg")
    assert "truncated" in message_of(error)


def test_zero_byte_file_is_rejected():
    with pytest.raises(ValidationError) as error:
        check(b"", "empty.jpg")
    assert message_of(error) == "The file is empty (0 bytes)."


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.jpg", "..\\evil.jpg", "photos/../x.jpg", "/abs/x.jpg", ".."],
)
def test_file_name_with_a_path_is_rejected(name):
    with pytest.raises(ValidationError) as error:
        check(samples.jpeg_bytes(), name)
    assert "folder path" in message_of(error)


def test_file_name_with_nul_byte_is_rejected():
    with pytest.raises(ValidationError) as error:
        check(samples.jpeg_bytes(), "photo\x00.php.jpg")
    assert "NUL byte" in message_of(error)


def test_file_name_without_extension_is_rejected():
    with pytest.raises(ValidationError) as error:
        check(samples.jpeg_bytes(), "photo")
    assert "has no extension" in message_of(error)


def test_real_pdf_is_accepted_as_a_document():
    checked = uploads.validate_document(io.BytesIO(samples.MINIMAL_PDF), "decree.pdf")
    assert checked.format == "PDF"
    assert checked.mime_type == "application/pdf"
    assert checked.sha256 == hashlib.sha256(samples.MINIMAL_PDF).hexdigest()


def test_scan_is_accepted_as_a_document():
    assert (
        uploads.validate_document(io.BytesIO(samples.png_bytes()), "p1.png").format
        == "PNG"
    )


def test_fake_pdf_is_rejected():
    """An HTML page renamed .pdf fails the magic-bytes check, and says what it is."""
    with pytest.raises(ValidationError) as error:
        uploads.validate_document(io.BytesIO(samples.FAKE_PDF), "report.pdf")
    assert "not a PDF" in message_of(error)
    assert "web page (HTML)" in message_of(error)


def test_truncated_pdf_is_rejected():
    data = samples.MINIMAL_PDF[: len(samples.MINIMAL_PDF) - 10]
    with pytest.raises(ValidationError) as error:
        uploads.validate_document(io.BytesIO(data), "cut.pdf")
    assert "truncated" in message_of(error)


def test_oversized_document_is_rejected():
    with pytest.raises(ValidationError) as error:
        uploads.validate_document(
            io.BytesIO(samples.MINIMAL_PDF), "a.pdf", max_bytes=10
        )
    assert "limit" in message_of(error)


def test_document_of_another_type_is_rejected():
    with pytest.raises(ValidationError) as error:
        uploads.validate_document(io.BytesIO(b"hello"), "notes.docx")
    assert ".docx files are not accepted" in message_of(error)


def test_limits_come_from_settings(settings):
    settings.ARCHIVE_MAX_IMAGE_BYTES = 100
    with pytest.raises(ValidationError):
        check(samples.jpeg_bytes(), "a.jpg")
