"""export_exhibition writes a bundle a kiosk can show offline, and verify."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive import models as m
from tests import factories as f
from tests.api.builders import ct, full_archive
from tests.api.test_iiif import assert_valid_manifest
from tests.browser.test_offline_bundle import image_resources

pytestmark = pytest.mark.django_db


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bundle_has_json_renditions_manifest_page_and_checksums(tmp_path, api):
    archive = full_archive()
    hidden = f.make_event(status=m.Status.DRAFT, title_en="Not for kiosks")
    archive.exhibition.sections.get().items.create(
        position=40, content_type=ct(hidden), object_id=hidden.pk
    )
    target = tmp_path / "bundle"
    call_command("export_exhibition", archive.exhibition.slug, str(target))
    files = sorted(p.name for p in target.iterdir())
    assert files == [
        "SHA256SUMS",
        "exhibition.json",
        "index.html",
        "manifest.json",
        "renditions",
    ]
    # Every file is listed with its checksum, and every checksum is right.
    listed = {}
    for line in (target / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    on_disk = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()} - {
        "SHA256SUMS"
    }
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert sha256(target / name) == digest, name
    data = json.loads((target / "exhibition.json").read_text())
    # The same tree the API gives, plus bundle paths; hidden items skipped.
    answer = api.get(f"/api/v1/exhibitions/{archive.exhibition.uuid}/").json()
    assert [i["type"] for i in data["sections"][0]["items"]] == [
        i["type"] for i in answer["sections"][0]["items"]
    ]
    assert "Not for kiosks" not in json.dumps(data)
    renditions = [r for r in data["hero_image"]["renditions"]]
    names = {(r["name"], r["format"]) for r in renditions}
    assert names == {
        (n, fmt)
        for n in ("thumbnail", "card", "medium", "large", "view")
        for fmt in ("jpeg", "webp")
    }
    for rendition in renditions:
        assert (target / rendition["file"]).is_file()
    # The page works from the folder: every image it shows is a bundle file.
    html = (target / "index.html").read_text()
    sources = re.findall(r'src="([^"]+)"', html)
    assert sources
    for source in sources:
        assert not source.startswith(("http:", "https:", "//"))
        assert (target / source).is_file()
    assert 'alt="A plain brown rectangle used in tests."' in html
    assert archive.image.credit_line_en.replace('"', "&quot;") in html
    assert "<script" not in html and "<link" not in html
    assert "about 25,257\u201325,843 people. Two counts." in html
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["type"] == "Manifest" and manifest["items"]


def test_exhibition_tier_bundle_includes_exhibition_only_records(tmp_path):
    archive = full_archive()
    kiosk_only = f.make_event(
        status=m.Status.PUBLISHED, access=m.Access.EXHIBITION, title_en="Kiosk only"
    )
    archive.exhibition.sections.get().items.create(
        position=40, content_type=ct(kiosk_only), object_id=kiosk_only.pk
    )
    call_command("export_exhibition", archive.exhibition.slug, str(tmp_path / "public"))
    call_command(
        "export_exhibition",
        archive.exhibition.slug,
        str(tmp_path / "kiosk"),
        tier="exhibition",
    )
    assert "Kiosk only" not in (tmp_path / "public" / "exhibition.json").read_text()
    assert "Kiosk only" in (tmp_path / "kiosk" / "exhibition.json").read_text()


def test_hidden_exhibition_or_busy_folder_is_refused(tmp_path):
    draft = f.make_exhibition(status=m.Status.DRAFT)
    with pytest.raises(CommandError, match="No exhibition"):
        call_command("export_exhibition", draft.slug, str(tmp_path / "x"))
    archive = full_archive()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "something").write_text("x")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("export_exhibition", archive.exhibition.slug, str(busy))
    assert not (tmp_path / "x").exists()


def test_the_bundles_manifest_is_valid_iiif_with_images_under_its_base_url(tmp_path):
    """IIIF ids are absolute URIs: a bundle's images are named under the address the
    kiosk serves the folder from, and each such name is a file of the bundle."""
    archive = full_archive()
    target = tmp_path / "bundle"
    base = "https://kiosk.example.org/twentieth-convoy/"
    call_command(
        "export_exhibition", archive.exhibition.slug, str(target), base_url=base
    )
    manifest = json.loads((target / "manifest.json").read_text())
    assert_valid_manifest(manifest, manifest["id"])
    images = image_resources(manifest)
    assert images
    for url in images:
        assert url.startswith(base), url
        assert (target / url.removeprefix(base)).is_file(), url


def test_a_bundle_base_url_that_is_not_http_is_refused_before_writing(tmp_path):
    archive = full_archive()
    for bad in ("file:///srv/kiosk/", "kiosk/", "https://kiosk.example.org/?x=1"):
        with pytest.raises(CommandError, match="base URL"):
            call_command(
                "export_exhibition",
                archive.exhibition.slug,
                str(tmp_path / "bundle"),
                base_url=bad,
            )
    assert not (tmp_path / "bundle").exists()
