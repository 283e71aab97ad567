"""A curator uploads through the admin: good files get a thumbnail at once, bad
files get a form error that says why and leave nothing behind."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import models as m
from tests import factories as f
from tests.media import samples

pytestmark = pytest.mark.django_db

ADD_URL = "admin:archive_image_add"


class _FormFields(HTMLParser):
    """The values a browser would submit for the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("file", "submit", "button", "image"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.values[name] = attributes.get("value", "on")
                return
            self.values[name] = attributes.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            if "multiple" not in attributes:
                self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def add_form_data(client) -> dict[str, str]:
    response = client.get(reverse(ADD_URL))
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = parser.values
    data.update(
        {"title_en": "Rue de la Loi, September 1944", "alt_text_en": "A street."}
    )
    return data


@pytest.fixture
def curator(client):
    client.force_login(f.make_user("Contributor"))
    return client


def upload(client, data: bytes, name: str, **extra):
    form = add_form_data(client)
    form.update(extra)
    form["file"] = SimpleUploadedFile(name, data)
    return client.post(reverse(ADD_URL), form)


def test_curator_uploads_a_large_photograph_and_sees_its_thumbnail_at_once(
    curator, django_capture_on_commit_callbacks
):
    photograph = samples.jpeg_with_metadata(3000, 2000)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(curator, photograph, "IMG_0042.JPG")
    assert response.status_code == 302
    image = m.Image.objects.get()
    assert image.original_filename == "IMG_0042.JPG"
    assert (image.width, image.height) == (3000, 2000)
    thumbnail = image.renditions.get(spec="fill-200x200", format="jpeg")

    changelist = curator.get(reverse("admin:archive_image_changelist"))
    assert f'src="{thumbnail.url}"' in changelist.content.decode()
    shown = curator.get(thumbnail.url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"

    change = curator.get(reverse("admin:archive_image_change", args=[image.pk]))
    page = change.content.decode()
    assert image.sha256 in page
    assert reverse("archive:image-original", args=[image.pk]) in page
    assert "fill-200x200" in page  # the rendition listing


BAD_UPLOADS = [
    (samples.png_bomb(), "bomb.png", "decompression bomb"),
    (samples.png_bytes(), "photo.jpg", "rename it to .png"),
    (samples.psd_bytes(), "layers.tif", "Photoshop document"),
    (samples.EPS, "drawing.tif", "EPS/PostScript"),
    (samples.truncated_jpeg(), "cut.jpg", "truncated"),
    (samples.SVG_WITH_SCRIPT, "logo.svg", "SVG drawing"),
    (samples.FAKE_PDF, "fake.jpg", "web page (HTML)"),
]


@pytest.mark.parametrize(
    ("data", "name", "message"), BAD_UPLOADS, ids=[b[1] for b in BAD_UPLOADS]
)
def test_admin_rejects_bad_files_with_a_form_error(
    curator, data, name, message, stored_files
):
    response = upload(curator, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="errorlist' in response.content.decode()
    assert not m.Image.objects.exists()
    assert stored_files() == []


def test_admin_rejects_an_empty_file(curator, stored_files):
    response = upload(curator, b"", "empty.jpg")
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()
    assert not m.Image.objects.exists() and stored_files() == []


def test_admin_rejects_an_oversized_file(curator, settings, stored_files):
    settings.ARCHIVE_MAX_IMAGE_BYTES = 2000
    response = upload(curator, samples.jpeg_bytes(400, 300, quality=95), "big.jpg")
    assert response.status_code == 200
    assert "the limit is 2.0" in response.content.decode()
    assert not m.Image.objects.exists() and stored_files() == []


def test_uploader_path_never_reaches_storage(curator, stored_files):
    """Django keeps only the base name of an uploaded file; ours is generated."""
    response = upload(curator, samples.jpeg_bytes(), "holiday.jpg")
    assert response.status_code == 302
    (stored,) = stored_files()
    assert "holiday" not in stored and re.match(
        r"private/originals/\w\w/\w{32}\.jpg$", stored
    )


def test_admin_reports_a_duplicate_upload(curator):
    data = samples.jpeg_bytes(90, 60)
    assert upload(curator, data, "first.jpg").status_code == 302
    first = m.Image.objects.get()
    response = upload(curator, data, "again.jpg", title_en="Again")
    assert response.status_code == 302
    page = curator.get(response["Location"]).content.decode()
    assert "identical (same SHA-256 checksum)" in page
    assert reverse("admin:archive_image_change", args=[first.pk]) in page


def test_image_changelist_queries_do_not_grow_with_rows(client):
    client.force_login(f.make_user("Publisher", is_superuser=True))
    url = reverse("admin:archive_image_changelist")

    def queries_for_page() -> int:
        client.get(url)  # renders any missing thumbnails
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(2):
        f.make_image()
    few = queries_for_page()
    for _ in range(5):
        f.make_image()
    assert queries_for_page() == few


def test_source_admin_rejects_a_fake_pdf(client, stored_files):
    client.force_login(f.make_user("Contributor"))
    add = reverse("admin:archive_source_add")
    parser = _FormFields()
    parser.feed(client.get(add).content.decode())
    form = {**parser.values, "title": "Decree", "kind": "legislation"}
    form["file"] = SimpleUploadedFile("decree.pdf", samples.FAKE_PDF)
    response = client.post(add, form)
    assert response.status_code == 200
    assert "not a PDF" in response.content.decode()
    assert not m.Source.objects.exists() and stored_files() == []
    form["file"] = SimpleUploadedFile("decree.pdf", samples.MINIMAL_PDF)
    assert client.post(add, form).status_code == 302
    assert m.Source.objects.get().file_original_name == "decree.pdf"
