"""verify_fixity and reconcile_media: every file proved intact, strays found."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from archive import media
from archive import models as m
from archive.storage import private_storage, public_storage
from tests import factories as f
from tests.media import samples

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(command, *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def archive_with_files() -> tuple[m.Image, m.Source]:
    image = f.make_image(status=m.Status.PUBLISHED)
    image.get_rendition("thumbnail")
    source = f.make_source()
    media.ingest_source_file(
        source=source, upload=ContentFile(samples.MINIMAL_PDF), filename="s.pdf"
    )
    return image, source


def overwrite(storage, name: str, data: bytes) -> None:
    """Change a stored file in place, as bit rot or tampering would."""
    storage.delete(name)
    assert storage.save(name, ContentFile(data)) == name


def test_intact_archive_passes():
    archive_with_files()
    code, output = run("verify_fixity")
    assert code == 0
    assert "Checked 2 files: 2 ok" in output and "Every file is intact" in output


def test_a_flipped_byte_is_caught():
    image, _source = archive_with_files()
    with private_storage.open(image.file.name) as handle:
        data = bytearray(handle.read())
    data[len(data) // 2] ^= 0x01
    overwrite(private_storage, image.file.name, bytes(data))
    code, output = run("verify_fixity")
    assert code == 1
    assert f"CHANGED    {image.file.name} (image {image.pk})" in output
    assert image.sha256 in output
    assert "1 changed" in output


def test_a_changed_source_document_is_caught():
    _image, source = archive_with_files()
    overwrite(private_storage, source.file.name, samples.MINIMAL_PDF + b"%tamper")
    code, output = run("verify_fixity")
    assert code == 1 and f"(source {source.pk})" in output


def test_a_missing_file_is_caught():
    image, _source = archive_with_files()
    private_storage.delete(image.file.name)
    code, output = run("verify_fixity")
    assert code == 1
    assert f"MISSING    {image.file.name} (image {image.pk})" in output


def test_a_stray_file_is_caught():
    archive_with_files()
    private_storage.save("originals/zz/stray.jpg", ContentFile(samples.jpeg_bytes()))
    code, output = run("verify_fixity")
    assert code == 1
    assert "UNTRACKED  originals/zz/stray.jpg" in output


def test_a_file_without_checksum_is_reported_and_can_be_recorded():
    image = f.make_image()
    m.Image.objects.filter(pk=image.pk).update(sha256="")
    code, output = run("verify_fixity")
    assert code == 1 and "no checksum was recorded" in output
    code, output = run("verify_fixity", "--record-missing-checksums")
    assert code == 0 and "Recorded 1 missing checksums" in output
    image.refresh_from_db()
    assert image.sha256


def test_a_replaced_original_stays_tracked_through_history():
    """History can restore the previous file, so it is verified, not a stray."""
    image = f.make_image()
    old = image.file.name
    media.ingest_image(
        image=image, upload=ContentFile(samples.png_bytes()), filename="new.png"
    )
    code, output = run("verify_fixity", "--verbosity", "2")
    assert code == 0, output
    assert f"OK         {old} (image {image.pk} (history))" in output


# --- reconcile_media ---------------------------------------------------------------


def test_reconcile_reports_nothing_for_a_tidy_archive():
    archive_with_files()
    code, output = run("reconcile_media", "--min-age-minutes", "0")
    assert code == 0 and "0 orphans" in output and "0 missing" in output


def test_reconcile_reports_orphans_and_missing_and_deletes_nothing():
    image, _source = archive_with_files()
    rendition = image.renditions.get()
    orphan = private_storage.save("originals/ab/orphan.jpg", ContentFile(b"x"))
    public_orphan = public_storage.save("renditions/ab/orphan.jpg", ContentFile(b"y"))
    public_storage.delete(rendition.file.name)
    code, output = run("reconcile_media", "--min-age-minutes", "0")
    assert code == 1
    assert f"ORPHAN   private: {orphan}" in output
    assert f"ORPHAN   public: {public_orphan}" in output
    assert f"MISSING  public: {rendition.file.name}" in output
    assert private_storage.exists(orphan) and public_storage.exists(public_orphan)


def test_reconcile_deletes_orphans_only_when_asked():
    image, source = archive_with_files()
    orphan = private_storage.save("originals/ab/orphan.jpg", ContentFile(b"x"))
    code, output = run("reconcile_media", "--delete-orphans", "--min-age-minutes", "0")
    assert code == 0, output
    assert f"DELETED  private: {orphan}" in output
    assert not private_storage.exists(orphan)
    assert private_storage.exists(image.file.name)
    assert private_storage.exists(source.file.name)
    assert public_storage.exists(image.renditions.get().file.name)


def test_reconcile_leaves_recent_files_alone():
    """A file younger than --min-age-minutes may belong to an upload in progress."""
    orphan = private_storage.save("originals/ab/new.jpg", ContentFile(b"x"))
    code, output = run("reconcile_media", "--delete-orphans")
    assert code == 0 and private_storage.exists(orphan)
    old = time.time() - 2 * 3600
    os.utime(private_storage.path(orphan), (old, old))
    code, output = run("reconcile_media", "--delete-orphans")
    assert not private_storage.exists(orphan)
