"""The same media rules on S3: a real S3 protocol server (moto) started by the tests."""

from __future__ import annotations

import hashlib
import io
import urllib.error
import urllib.request

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from archive import media, services
from archive import models as m
from archive.storage import private_storage, public_storage
from tests import factories as f
from tests.media import samples

pytestmark = [pytest.mark.django_db, pytest.mark.s3]


def fixity() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_fixity", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_upload_is_stored_privately_and_byte_exact(s3):
    data = samples.jpeg_with_metadata(300, 200)
    image = m.Image(title="On S3")
    media.ingest_image(image=image, upload=ContentFile(data), filename="scan.jpg")
    key = f"{s3.prefix}private/{image.file.name}"
    assert s3.object_keys() == [key]
    body = s3.client.get_object(Bucket=s3.bucket, Key=key)["Body"].read()
    assert body == data
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=key)["Grants"]
    assert all("AllUsers" not in str(grant.get("Grantee")) for grant in grants)


def test_existing_objects_are_never_overwritten(s3):
    first = private_storage.save("originals/x/same.jpg", ContentFile(b"one"))
    second = private_storage.save("originals/x/same.jpg", ContentFile(b"two"))
    assert first != second
    with private_storage.open(first) as handle:
        assert handle.read() == b"one"


def test_public_rendition_is_a_public_object_without_metadata(s3):
    image = f.make_image(status=m.Status.PUBLISHED)
    media.ingest_image(
        image=image, upload=ContentFile(samples.jpeg_with_metadata()), filename="a.jpg"
    )
    rendition = image.get_rendition("card", "webp")
    assert rendition.is_public
    assert f"{s3.prefix}public/{rendition.file.name}" in s3.object_keys()
    assert rendition.url.startswith("http://127.0.0.1:")
    assert "Signature" not in rendition.url and "X-Amz" not in rendition.url
    with urllib.request.urlopen(rendition.url) as response:
        data = response.read()
    assert b"Jane Private" not in data and b"SN-123456789" not in data
    from PIL import Image

    assert dict(Image.open(io.BytesIO(data)).getexif()) == {}


def test_originals_cannot_be_fetched_without_a_signature(s3, moto_endpoint):
    image = f.make_image(status=m.Status.PUBLISHED)
    url = f"{moto_endpoint}/{s3.bucket}/{s3.prefix}private/{image.file.name}"
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url)
    assert error.value.code == 403


def test_rendition_of_a_draft_stays_in_the_private_prefix(s3, client):
    image = f.make_image()
    rendition = image.get_rendition("thumbnail")
    assert not rendition.is_public
    assert f"{s3.prefix}private/{rendition.file.name}" in s3.object_keys()
    assert not any(key.startswith(f"{s3.prefix}public/") for key in s3.object_keys())
    assert client.get(rendition.url).status_code == 404
    client.force_login(f.make_user("Contributor"))
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_withdrawal_removes_public_objects(s3, django_capture_on_commit_callbacks):
    image = f.make_image()
    publisher = f.make_user("Publisher")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_publish(record=image, acting_user=publisher)
    public_keys = [k for k in s3.object_keys() if k.startswith(f"{s3.prefix}public/")]
    assert len(public_keys) >= 2  # thumbnail and card, made on publication
    with django_capture_on_commit_callbacks(execute=True):
        services.record_withdraw(record=image, acting_user=publisher)
    assert not any(k.startswith(f"{s3.prefix}public/") for k in s3.object_keys())
    assert private_storage.exists(image.file.name)


def test_fixity_on_s3_passes_then_catches_corruption_loss_and_strays(s3):
    image = f.make_image()
    source = f.make_source()
    media.ingest_source_file(
        source=source, upload=ContentFile(samples.MINIMAL_PDF), filename="d.pdf"
    )
    code, output = fixity()
    assert code == 0, output

    key = f"{s3.prefix}private/{image.file.name}"
    data = bytearray(s3.client.get_object(Bucket=s3.bucket, Key=key)["Body"].read())
    data[-10] ^= 0xFF
    s3.client.put_object(Bucket=s3.bucket, Key=key, Body=bytes(data))
    s3.client.delete_object(
        Bucket=s3.bucket, Key=f"{s3.prefix}private/{source.file.name}"
    )
    s3.client.put_object(
        Bucket=s3.bucket, Key=f"{s3.prefix}private/sources/zz/stray.pdf", Body=b"x"
    )
    code, output = fixity()
    assert code == 1
    assert f"CHANGED    {image.file.name}" in output
    assert f"MISSING    {source.file.name}" in output
    assert "UNTRACKED  sources/zz/stray.pdf" in output


def test_reconcile_on_s3_finds_and_removes_orphans(s3):
    image = f.make_image(status=m.Status.PUBLISHED)
    image.get_rendition("thumbnail")
    orphan = public_storage.save("renditions/zz/orphan.jpg", ContentFile(b"x"))
    out = io.StringIO()
    call_command(
        "reconcile_media", "--delete-orphans", "--min-age-minutes", "0", stdout=out
    )
    assert f"DELETED  public: {orphan}" in out.getvalue()
    assert not public_storage.exists(orphan)
    assert public_storage.exists(image.renditions.get().file.name)


def test_failed_save_leaves_no_object_on_s3(s3):
    f.make_image(slug="taken")
    before = s3.object_keys()
    with pytest.raises(IntegrityError):
        media.ingest_image(
            image=m.Image(title="x", slug="taken"),
            upload=ContentFile(samples.jpeg_bytes()),
            filename="x.jpg",
        )
    assert s3.object_keys() == before


def test_rejected_upload_writes_nothing_to_s3(s3):
    with pytest.raises(ValidationError):
        media.ingest_image(
            image=m.Image(title="x"),
            upload=ContentFile(samples.SVG_WITH_SCRIPT),
            filename="x.svg",
        )
    assert s3.object_keys() == []
