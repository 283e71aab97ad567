"""Public versus private: renditions follow the image, originals and documents are
served only to whom they belong."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from archive import effects, media, services, tasks
from archive import models as m
from archive.storage import private_storage, public_storage
from tests import factories as f
from tests.media import samples

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + datetime.timedelta(days=30)


def public_files(stored_files) -> list[str]:
    return [name for name in stored_files() if name.startswith("public/")]


def publishable_image(**kwargs) -> m.Image:
    return f.make_image(**kwargs)


def test_rendition_sync_is_connected():
    """Saving an image (the workflow saves it too) is wired to its renditions."""
    try:
        assert post_save.disconnect(sender=m.Image, dispatch_uid="effects-image-saved")
    finally:
        effects.connect()


def test_rendition_of_a_draft_is_private(client, stored_files):
    image = publishable_image()
    rendition = image.get_rendition("card")
    assert not rendition.is_public
    assert private_storage.exists(rendition.file.name)
    assert public_files(stored_files) == []
    assert rendition.url == reverse(
        "archive:rendition-private",
        kwargs={"name": rendition.file.name.split("/", 1)[1]},
    )
    assert client.get(rendition.url).status_code == 404


def test_staff_see_private_renditions(client):
    rendition = publishable_image().get_rendition("thumbnail")
    client.force_login(f.make_user("Contributor"))
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_staff_without_permission_are_refused_private_renditions(client):
    rendition = publishable_image().get_rendition("thumbnail")
    client.force_login(f.make_user())  # staff, in no group
    assert client.get(rendition.url).status_code == 403


def test_rendition_of_a_public_image_is_a_public_file(stored_files):
    image = publishable_image(status=m.Status.PUBLISHED)
    rendition = image.get_rendition("thumbnail", "webp")
    assert rendition.is_public
    assert rendition.url.startswith("/media/renditions/")
    assert rendition.url.endswith(".webp")
    assert public_storage.exists(rendition.file.name)
    assert public_files(stored_files) == [f"public/{rendition.file.name}"]


def test_publishing_moves_renditions_to_public_storage(
    django_capture_on_commit_callbacks, stored_files
):
    image = publishable_image()
    private = image.get_rendition("medium")
    publisher = f.make_user("Publisher")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_publish(record=image, acting_user=publisher)
    moved = m.Rendition.objects.get(pk=private.pk)
    assert moved.is_public and public_storage.exists(moved.file.name)
    assert not private_storage.exists(private.file.name)
    specs = set(image.renditions.values_list("spec", flat=True))
    assert {"fill-200x200", "fill-400x300", "width-800"} <= specs
    assert all(r.is_public for r in image.renditions.all())


def test_withdrawal_removes_public_renditions_after_commit(
    django_capture_on_commit_callbacks, stored_files
):
    image = publishable_image(status=m.Status.PUBLISHED)
    names = [image.get_rendition(spec).file.name for spec in ("thumbnail", "large")]
    assert all(public_storage.exists(name) for name in names)
    publisher = f.make_user("Publisher")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.record_withdraw(record=image, acting_user=publisher)
    # Nothing is removed before the commit...
    assert all(public_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:  # the commit
            callback()
    # ...and everything public is gone after it.
    assert not any(public_storage.exists(name) for name in names)
    assert public_files(stored_files) == []
    assert not image.renditions.exists()
    # Staff can still look: renditions are made again, privately.
    assert not image.get_rendition("thumbnail").is_public


@pytest.mark.parametrize(
    "change",
    [
        {"access": m.Access.STAFF},
        {"access": m.Access.EXHIBITION},
        {"embargo_until": FUTURE},
        {"status": m.Status.DRAFT},
    ],
    ids=["staff-only", "exhibition-only", "embargoed", "back-to-draft"],
)
def test_any_change_that_hides_an_image_removes_public_renditions(
    change, django_capture_on_commit_callbacks, stored_files
):
    image = publishable_image(status=m.Status.PUBLISHED)
    image.get_rendition("thumbnail")
    assert public_files(stored_files)
    with django_capture_on_commit_callbacks(execute=True):
        for field, value in change.items():
            setattr(image, field, value)
        image.save()
    assert public_files(stored_files) == []


def test_rendition_of_an_image_whose_embargo_ended_is_served_without_moving_it(
    client,
):
    """A visitor's request serves the file but moves nothing (no slow work in a
    visitor's request); the embargo-release task moves it to public storage."""
    image = publishable_image(status=m.Status.PUBLISHED, embargo_until=FUTURE)
    rendition = image.get_rendition("card")
    assert not rendition.is_public
    m.Image.objects.filter(pk=image.pk).update(embargo_until=timezone.localdate())
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert not m.Rendition.objects.get(pk=rendition.pk).is_public


def test_the_embargo_release_task_makes_the_renditions_public(
    client, django_capture_on_commit_callbacks
):
    """Once the embargo has ended, the release task moves the files; the old
    private address no longer answers."""
    image = publishable_image(status=m.Status.PUBLISHED, embargo_until=FUTURE)
    rendition = image.get_rendition("card")
    m.Image.objects.filter(pk=image.pk).update(embargo_until=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.release_embargoes() == 1
    moved = m.Rendition.objects.get(pk=rendition.pk)
    assert moved.is_public and public_storage.exists(moved.file.name)
    assert client.get(rendition.url).status_code == 404


def test_lists_prefetch_renditions_without_a_query_per_image(
    django_assert_num_queries,
):
    for _ in range(5):
        publishable_image(status=m.Status.PUBLISHED).get_rendition("thumbnail")
    with django_assert_num_queries(2):
        images = list(m.Image.objects.public().with_renditions())
        urls = [image.get_rendition("thumbnail").url for image in images]
    assert len(urls) == 5 and all(url.startswith("/media/") for url in urls)


def test_prefetch_of_named_specs_only(django_assert_num_queries):
    image = publishable_image(status=m.Status.PUBLISHED)
    image.get_rendition("thumbnail")
    image.get_rendition("large")
    with django_assert_num_queries(2):
        (loaded,) = m.Image.objects.with_renditions("thumbnail")
        assert loaded.get_rendition("thumbnail").spec == "fill-200x200"
    assert len(loaded.renditions.all()) == 1


def test_rendition_is_reused_not_rendered_again(monkeypatch):
    image = publishable_image()
    first = image.get_rendition("card", "webp")
    monkeypatch.setattr(
        m.Image, "render_original", lambda *a: pytest.fail("rendered twice")
    )
    assert image.get_rendition("fill-400x300", "webp") == first


def test_moving_the_focal_point_crops_again(django_capture_on_commit_callbacks):
    image = publishable_image()
    crop = image.get_rendition("card")
    resize = image.get_rendition("medium")
    image = m.Image.objects.get(pk=image.pk)
    image.title = "Only the title changes"
    image.save()
    assert m.Rendition.objects.filter(pk=crop.pk).exists()
    image.focal_x = 0.1
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert not m.Rendition.objects.filter(pk=crop.pk).exists()
    assert not private_storage.exists(crop.file.name)
    assert m.Rendition.objects.filter(pk=resize.pk).exists()  # not a crop: kept
    assert image.get_rendition("card").pk != crop.pk


def test_missing_original_gives_no_rendition_but_no_crash():
    image = publishable_image()
    private_storage.delete(image.file.name)
    assert image.try_rendition("thumbnail") is None


def test_deleting_an_image_removes_rendition_files_but_keeps_the_original(
    django_capture_on_commit_callbacks, stored_files
):
    image = publishable_image(status=m.Status.PUBLISHED)
    rendition = image.get_rendition("thumbnail")
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not public_storage.exists(rendition.file.name)
    assert stored_files() == [f"private/{image.file.name}"]


# --- originals ------------------------------------------------------------------


def test_original_download_is_for_staff_with_permission(client):
    data = samples.jpeg_with_metadata()
    image = m.Image(title="Original", status=m.Status.PUBLISHED)
    media.ingest_image(image=image, upload=ContentFile(data), filename="Scan 12.jpg")
    url = reverse("archive:image-original", args=[image.pk])

    assert client.get(url).status_code == 404  # anonymous: nothing here
    client.force_login(f.make_user())
    assert client.get(url).status_code == 403  # staff without the permission
    client.force_login(f.make_user("Contributor"))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Scan 12.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_original_files_have_no_public_url(client):
    image = publishable_image(status=m.Status.PUBLISHED)
    assert not public_storage.exists(image.file.name)
    assert client.get(f"/media/{image.file.name}").status_code == 404


# --- source documents --------------------------------------------------------------


def source_with_pdf(**kwargs) -> m.Source:
    source = f.make_source(**kwargs)
    media.ingest_source_file(
        source=source, upload=ContentFile(samples.MINIMAL_PDF), filename="d.pdf"
    )
    return source


def test_public_source_document_is_an_attachment_with_strict_headers(client):
    source = source_with_pdf()
    response = client.get(reverse("archive:source-file", args=[source.slug]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{source.slug}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp
    assert "script-src" not in csp


@pytest.mark.parametrize(
    "state",
    [
        {"status": m.Status.DRAFT},
        {"status": m.Status.WITHDRAWN},
        {"status": m.Status.PUBLISHED, "access": m.Access.STAFF},
        {"status": m.Status.PUBLISHED, "embargo_until": FUTURE},
    ],
    ids=["draft", "withdrawn", "staff-only", "embargoed"],
)
def test_document_of_a_non_public_source_is_hidden(client, state):
    source = source_with_pdf(**state)
    url = reverse("archive:source-file", args=[source.slug])
    assert client.get(url).status_code == 404
    client.force_login(f.make_user("Contributor"))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_source_without_a_file_has_no_document(client):
    source = f.make_source()
    assert (
        client.get(reverse("archive:source-file", args=[source.slug])).status_code
        == 404
    )
