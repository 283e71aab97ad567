"""Faults that are survived: a dropped database connection, a full disk, a lost
rendition. Each answers 503, 507, a remade file or a clean 404, never a 500, and
leaves nothing half written."""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.storage import filesystem
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse

from archive import models as m
from archive.storage import rendition_storage
from tests import factories as f
from tests.media import samples
from tests.media.test_admin import _FormFields, add_form_data

pytestmark = pytest.mark.django_db


@contextmanager
def connection_drops_at(fragment: str):
    """The database connection fails at the first statement containing `fragment`
    (what a restarted server or a cut network looks like to Django), and works
    again afterwards."""
    state = {"dropped": False}

    def wrapper(execute, sql, params, many, context):
        if not state["dropped"] and fragment in sql:
            state["dropped"] = True
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield state


def test_api_answers_503_problem_when_the_database_connection_drops_then_recovers(
    client,
):
    person = f.published(f.make_person())
    url = f"/api/v1/people/{person.uuid}/"
    with connection_drops_at("archive_person") as state:
        response = client.get(url)
    assert state["dropped"]
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "database_unavailable"
    assert int(response["Retry-After"]) > 0
    assert "Traceback" not in response.content.decode()
    assert client.get(url).status_code == 200


def test_admin_save_cut_by_a_dropped_connection_writes_nothing_and_shows_503_page(
    client,
):
    client.force_login(f.make_user("Editor"))
    person = f.make_person(biography_en="Before.")
    history_before = person.history.count()
    change = reverse("admin:archive_person_change", args=[person.pk])
    parser = _FormFields()
    parser.feed(client.get(change).content.decode())
    form = {**parser.values, "biography_en": "After."}

    # The record's UPDATE goes through; the connection dies before its history row.
    with connection_drops_at('INSERT INTO "archive_historicalperson"') as state:
        response = client.post(change, form)
    assert state["dropped"]
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
    person.refresh_from_db()
    assert person.biography_en == "Before."
    assert person.history.count() == history_before

    assert client.post(change, form).status_code == 302
    person.refresh_from_db()
    assert person.biography_en == "After."


@contextmanager
def disk_fills_after(limit: int):
    """Files opened by FileSystemStorage fail with ENOSPC once `limit` bytes of a
    file are written, having written those bytes (as a real full disk does)."""
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle, self.written = handle, 0

        def write(self, data):
            room = limit - self.written
            if len(data) > room:
                self.handle.write(data[:room])
                self.handle.flush()
                raise OSError(errno.ENOSPC, "No space left on device")
            self.written += len(data)
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

    def fdopen(fd, *args, **kwargs):
        return FullDisk(real_fdopen(fd, *args, **kwargs))

    filesystem.os.fdopen = fdopen
    try:
        yield
    finally:
        filesystem.os.fdopen = real_fdopen


def test_disk_full_while_storing_an_upload_answers_507_with_no_row_and_no_file(
    client, stored_files
):
    client.force_login(f.make_user("Contributor"))
    form = add_form_data(client)
    form["file"] = SimpleUploadedFile("street.jpg", samples.jpeg_bytes(900, 600))
    with disk_fills_after(1000):
        response = client.post(reverse("admin:archive_image_add"), form)
    assert response.status_code == 507
    assert "no room left" in response.content.decode()
    assert not m.Image.objects.exists()
    assert stored_files() == []


def test_a_missing_private_rendition_is_made_again(client, stored_files):
    client.force_login(f.make_user("Contributor"))
    image = f.make_image()
    rendition = image.get_rendition("thumbnail", "jpeg")
    rendition_storage.delete(rendition.file.name)
    response = client.get(rendition.url)
    assert response.status_code == 302
    remade = image.renditions.get(spec=rendition.spec, format="jpeg")
    assert remade.pk != rendition.pk
    assert rendition_storage.exists(remade.file.name)
    assert client.get(response["Location"]).status_code == 200


def test_a_missing_rendition_whose_original_is_gone_too_is_a_clean_404(client):
    client.force_login(f.make_user("Contributor"))
    image = f.make_image()
    rendition = image.get_rendition("thumbnail", "jpeg")
    rendition_storage.delete(rendition.file.name)
    Path(image.file.path).unlink()
    response = client.get(rendition.url)
    assert response.status_code == 404


def _lost_public_rendition() -> tuple[m.Image, m.Rendition]:
    image = f.make_image(status=m.Status.PUBLISHED)
    rendition = image.get_rendition("thumbnail", "jpeg")
    assert rendition.url.startswith("/media/renditions/")
    rendition_storage.delete(rendition.file.name)
    return image, rendition


def test_a_missing_public_rendition_is_made_again_under_its_own_url(client):
    _image, rendition = _lost_public_rendition()
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert rendition_storage.exists(rendition.file.name)  # the same name again


def test_a_missing_public_rendition_queued_for_a_worker_answers_503(
    client, monkeypatch
):
    from archive import tasks

    queued = []
    monkeypatch.setattr(tasks.restore_rendition_file, "delay", queued.append)
    _image, rendition = _lost_public_rendition()
    first = client.get(rendition.url)
    again = client.get(rendition.url)
    assert first.status_code == again.status_code == 503
    assert first["Retry-After"] and first["Cache-Control"] == "no-store"
    assert queued == [rendition.pk]  # queued once, not once per request
    tasks.restore_rendition_file(rendition.pk)
    assert client.get(rendition.url).status_code == 200


def test_a_hidden_images_rendition_is_a_404_like_a_file_that_never_existed(client):
    image, rendition = _lost_public_rendition()
    m.Image.objects.filter(pk=image.pk).update(status=m.Status.DRAFT)
    hidden = client.get(rendition.url)
    never = client.get("/media/renditions/00/" + "0" * 32 + ".jpg")
    assert hidden.status_code == never.status_code == 404
    assert hidden.content == never.content
    assert not rendition_storage.exists(rendition.file.name)  # nothing was made


def test_a_missing_public_rendition_without_its_original_is_a_clean_404(client):
    image, rendition = _lost_public_rendition()
    Path(image.file.path).unlink()
    assert client.get(rendition.url).status_code == 404


def test_health_reports_each_check_and_answers_503_when_one_fails(client, settings):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert set(response.json()["checks"]) == {"database", "storage"}
    assert response["Cache-Control"] == "no-store"

    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True

    settings.CELERY_BROKER_URL = ""
    with connection_drops_at("SELECT 1"):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": response.json()["checks"]["database"]["ms"],
    }


def test_health_checks_a_reachable_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"]["ok"] is True
