"""Ingest of originals and documents, and the admin forms that use it."""

from __future__ import annotations

import hashlib
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from archive import models as m
from archive.forms import ImageAdminForm, SourceAdminForm
from archive.media import delete_unless_committed, ingest_image, ingest_source_file
from archive.storage import private_storage
from tests import factories as f
from tests.media import samples

pytestmark = pytest.mark.django_db


def image_form_data(**overrides) -> dict:
    data = {
        "title": "Liberation of Brussels",
        "focal_x": "0.5",
        "focal_y": "0.5",
        "access": m.Access.PUBLIC,
        "permission_status": m.Permission.NOT_NEEDED,
    }
    return {**data, **overrides}


def source_form_data(**overrides) -> dict:
    return {
        "title": "Ordinance of 28 October 1940",
        "kind": m.SourceKind.LEGISLATION,
        "access": m.Access.PUBLIC,
        **overrides,
    }


def image_form(data: bytes, name: str, instance=None) -> ImageAdminForm:
    return ImageAdminForm(
        data=image_form_data(),
        files={"file": SimpleUploadedFile(name, data)},
        instance=instance,
    )


# --- ingest ---------------------------------------------------------------------


def test_ingest_keeps_the_original_byte_exact_under_a_generated_name():
    data = samples.jpeg_with_metadata(300, 200)
    image = m.Image(title="Test")
    ingest_image(
        image=image, upload=ContentFile(data), filename="Jane's holiday (GPS).JPG"
    )
    image.refresh_from_db()
    assert image.file.name.startswith("originals/")
    assert "Jane" not in image.file.name and image.file.name.endswith(".jpg")
    assert image.original_filename == "Jane's holiday (GPS).JPG"
    with private_storage.open(image.file.name) as stored:
        assert stored.read() == data  # EXIF and all: the original is evidence
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    assert (image.file_size, image.file_format) == (len(data), "JPEG")
    assert (image.width, image.height) == (300, 200)


def test_ingest_makes_the_thumbnail_after_commit(django_capture_on_commit_callbacks):
    image = m.Image(title="Test")
    with django_capture_on_commit_callbacks(execute=True):
        ingest_image(
            image=image, upload=ContentFile(samples.jpeg_bytes()), filename="a.jpg"
        )
        assert not image.renditions.exists()  # nothing rendered inside the transaction
    assert image.renditions.filter(spec="fill-200x200", format="jpeg").exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.png_bomb(), "bomb.png", "decompression bomb"),
        (samples.png_bytes(), "photo.jpg", "rename it to .png"),
        (samples.psd_bytes(), "layers.tif", "Photoshop document"),
        (samples.EPS, "drawing.tif", "EPS/PostScript"),
        (samples.truncated_jpeg(), "cut.jpg", "truncated"),
        (b"", "empty.jpg", "empty"),
        (samples.SVG_WITH_SCRIPT, "logo.svg", "SVG drawing"),
        (samples.jpeg_bytes(), "../../escape.jpg", "folder path"),
        (samples.jpeg_bytes(), "evil\x00.jpg", "NUL byte"),
    ],
)
def test_import_path_rejects_bad_files_and_leaves_nothing(
    data, name, message, stored_files
):
    """Bad input through ingest (the import path): clear error, no row, no file."""
    with pytest.raises(ValidationError) as error, transaction.atomic():
        image = m.Image.objects.create(title="Imported")
        ingest_image(image=image, upload=ContentFile(data), filename=name)
    assert message in " ".join(error.value.messages)
    assert not m.Image.objects.exists()
    assert stored_files() == []


def test_oversized_import_is_rejected(settings, stored_files):
    settings.ARCHIVE_MAX_IMAGE_BYTES = 500
    with pytest.raises(ValidationError, match="limit"):
        ingest_image(
            image=m.Image(title="Big"),
            upload=ContentFile(samples.jpeg_bytes(400, 300)),
            filename="big.jpg",
        )
    assert not m.Image.objects.exists()
    assert stored_files() == []


def test_failed_save_leaves_no_orphan_file(stored_files):
    """The file is written before the row; when the save fails, the file goes too."""
    f.make_image(slug="taken")
    before = stored_files()
    image = m.Image(title="Duplicate slug", slug="taken")
    with pytest.raises(IntegrityError):
        ingest_image(
            image=image, upload=ContentFile(samples.jpeg_bytes()), filename="x.jpg"
        )
    assert stored_files() == before
    assert m.Image.objects.count() == 1


def test_rolled_back_transaction_leaves_no_orphan_file(stored_files):
    """A later failure in the caller's transaction removes the file already written."""

    class ImportFailed(Exception):
        pass

    with pytest.raises(ImportFailed), transaction.atomic():
        ingest_image(
            image=m.Image(title="A"),
            upload=ContentFile(samples.jpeg_bytes()),
            filename="a.jpg",
        )
        assert len(stored_files()) == 1
        raise ImportFailed
    assert stored_files() == []
    assert not m.Image.objects.exists()


def test_rolled_back_savepoint_removes_only_its_own_file(stored_files):
    with transaction.atomic():
        kept = m.Image(title="kept")
        ingest_image(
            image=kept, upload=ContentFile(samples.jpeg_bytes()), filename="k.jpg"
        )
        try:
            with transaction.atomic():
                ingest_image(
                    image=m.Image(title="lost"),
                    upload=ContentFile(samples.png_bytes()),
                    filename="l.png",
                )
                raise RuntimeError("abort the savepoint")
        except RuntimeError:
            pass
    assert stored_files() == [f"private/{kept.file.name}"]


def test_committed_file_is_kept(django_capture_on_commit_callbacks, stored_files):
    with django_capture_on_commit_callbacks(execute=True):
        private_storage.save("originals/kept.bin", ContentFile(b"x"))
        delete_unless_committed(private_storage, "originals/kept.bin")
    assert stored_files() == ["private/originals/kept.bin"]


def test_ingest_without_saving_must_run_in_a_transaction(stored_files):
    with (
        mock.patch.object(transaction.get_connection(), "in_atomic_block", False),
        pytest.raises(RuntimeError, match="transaction.atomic"),
    ):
        ingest_image(
            image=m.Image(title="x"),
            upload=ContentFile(samples.jpeg_bytes()),
            filename="x.jpg",
            save=False,
        )
    assert stored_files() == []


def test_replacing_the_file_drops_old_renditions_after_commit(
    django_capture_on_commit_callbacks, stored_files
):
    image = f.make_image()
    old_original = image.file.name
    rendition = image.get_rendition("thumbnail")
    old_rendition = rendition.file.name
    with django_capture_on_commit_callbacks(execute=True):
        ingest_image(
            image=image, upload=ContentFile(samples.png_bytes()), filename="new.png"
        )
    files = stored_files()
    assert f"private/{old_original}" in files  # history may restore it
    assert all(old_rendition not in name for name in files)
    fresh = image.renditions.get(spec="fill-200x200")
    assert fresh.file.name != old_rendition


def test_source_document_is_ingested():
    source = f.make_source()
    ingest_source_file(
        source=source, upload=ContentFile(samples.MINIMAL_PDF), filename="Décret.pdf"
    )
    source.refresh_from_db()
    assert source.file.name.startswith("sources/") and source.file.name.endswith(".pdf")
    assert source.file_original_name == "Décret.pdf"
    assert source.file_sha256 == hashlib.sha256(samples.MINIMAL_PDF).hexdigest()
    assert source.file_size == len(samples.MINIMAL_PDF)


def test_fake_pdf_import_leaves_nothing(stored_files):
    source = f.make_source()
    with pytest.raises(ValidationError, match="not a PDF"):
        ingest_source_file(
            source=source, upload=ContentFile(samples.FAKE_PDF), filename="x.pdf"
        )
    source.refresh_from_db()
    assert not source.file
    assert stored_files() == []


def test_ingest_from_a_file_on_disk(tmp_path):
    """The import path of a loader: a django File around an open file."""
    from django.core.files import File

    path = tmp_path / "Brussels 1944.tif"
    path.write_bytes(samples.tiff_bytes())
    image = m.Image(title="From disk")
    with path.open("rb") as handle:
        ingest_image(image=image, upload=File(handle), filename=path.name)
        assert not handle.closed
    image.refresh_from_db()
    assert image.file_format == "TIFF" and image.original_filename == path.name
    with private_storage.open(image.file.name) as stored:
        assert stored.read() == path.read_bytes()


def test_factories_go_through_ingest():
    image = f.make_image()
    assert image.sha256 and image.file.name.startswith("originals/")


# --- admin forms ------------------------------------------------------------------


def test_image_form_accepts_a_good_upload_and_ingests_it():
    data = samples.jpeg_bytes(320, 240)
    form = image_form(data, "photo.jpg")
    assert form.is_valid(), form.errors
    image = form.save()
    assert image.pk and image.original_filename == "photo.jpg"
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    assert not image.file.name.endswith("photo.jpg")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.png_bomb(), "bomb.png", "decompression bomb"),
        (samples.png_bytes(), "photo.jpg", "rename it to .png"),
        (samples.psd_bytes(), "layers.tif", "Photoshop document"),
        (samples.EPS, "drawing.tif", "EPS/PostScript"),
        (samples.truncated_jpeg(), "cut.jpg", "truncated"),
        (samples.SVG_WITH_SCRIPT, "logo.svg", "SVG drawing"),
        (samples.jpeg_bytes(), "evil\x00.jpg", "NUL byte"),
    ],
)
def test_image_form_rejects_bad_files_with_a_reason(data, name, message, stored_files):
    form = image_form(data, name)
    assert not form.is_valid()
    assert message in " ".join(form.errors["file"])
    assert not m.Image.objects.exists()
    assert stored_files() == []


def test_image_form_rejects_an_empty_file(stored_files):
    form = image_form(b"", "empty.jpg")
    assert not form.is_valid()
    assert "empty" in " ".join(form.errors["file"])
    assert stored_files() == []


def test_image_form_rejects_an_oversized_file(settings, stored_files):
    settings.ARCHIVE_MAX_IMAGE_BYTES = 1000
    form = image_form(samples.jpeg_bytes(400, 300, quality=95), "big.jpg")
    assert not form.is_valid()
    assert "the limit is 1000" in " ".join(form.errors["file"])
    assert stored_files() == []


def test_image_form_reports_a_duplicate_checksum():
    data = samples.jpeg_bytes(90, 60)
    first = image_form(data, "one.jpg")
    assert first.is_valid()
    existing = first.save()
    second = image_form(data, "copy-of-one.jpg")
    assert second.is_valid()
    assert second.duplicates == [existing]
    message = second.duplicate_message()
    assert "identical" in message and f"#{existing.pk}" in message
    assert str(existing) in message


def test_image_form_without_a_new_file_keeps_the_original():
    image = f.make_image()
    original = image.file.name
    form = ImageAdminForm(data=image_form_data(title="Renamed"), instance=image)
    assert form.is_valid(), form.errors
    form.save()
    image.refresh_from_db()
    assert image.file.name == original and image.title == "Renamed"


def test_source_form_accepts_a_pdf_and_rejects_a_fake_one(stored_files):
    good = SourceAdminForm(
        data=source_form_data(),
        files={"file": SimpleUploadedFile("decree.pdf", samples.MINIMAL_PDF)},
    )
    assert good.is_valid(), good.errors
    source = good.save()
    assert source.file_sha256 and source.file_original_name == "decree.pdf"

    bad = SourceAdminForm(
        data=source_form_data(title="Fake"),
        files={"file": SimpleUploadedFile("report.pdf", samples.FAKE_PDF)},
    )
    assert not bad.is_valid()
    assert "not a PDF" in " ".join(bad.errors["file"])
    assert not m.Source.objects.filter(title="Fake").exists()
    assert len(stored_files()) == 1
