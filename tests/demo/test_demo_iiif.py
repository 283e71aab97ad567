"""Every IIIF manifest the API gives for the demo archive, and its exhibition
bundles' manifests, validate against the IIIF Presentation 3 schema (docs/iiif.md)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import caches
from django.core.management import call_command
from rest_framework.test import APIClient

from archive import models as m
from archive import tasks
from tests.api.test_iiif import assert_valid_manifest
from tests.demo.conftest import isolated_storages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_media_and_fresh_caches(demo, settings):
    """The demo's files (the per-test media folder would lack its originals), and
    empty response caches."""
    root = demo.media_root
    settings.MEDIA_ROOT = root
    settings.PUBLIC_MEDIA_ROOT = root / "public"
    settings.PRIVATE_MEDIA_ROOT = root / "private"
    settings.STORAGES = isolated_storages(root)
    for alias in ("default", "api"):
        caches[alias].clear()


def test_every_demo_manifest_is_valid_iiif(demo):
    """Each public image's and exhibition's manifest (sections as Ranges)."""
    images = list(m.Image.objects.public())
    for image in images:
        tasks.sync_image_renditions(image.pk)
    exhibitions = list(m.Exhibition.objects.public())
    for exhibition in exhibitions:
        tasks.make_exhibition_renditions(exhibition.pk)
    assert images and exhibitions
    api = APIClient()
    checked = 0
    for kind, records in (("images", images), ("exhibitions", exhibitions)):
        for record in records:
            url = f"http://testserver/api/v1/{kind}/{record.uuid}/manifest/"
            response = api.get(url)
            if kind == "exhibitions" and response.status_code == 404:
                continue  # an exhibition without images has no manifest
            assert response.status_code == 200, url
            assert_valid_manifest(response.json(), url)
            checked += 1
    assert checked >= len(images) + 1


def test_every_demo_exhibition_bundle_manifest_is_valid_iiif(demo, tmp_path):
    for exhibition in m.Exhibition.objects.public():
        target = tmp_path / exhibition.slug
        call_command("export_exhibition", exhibition.slug, str(target))
        if (target / "manifest.json").exists():
            manifest = json.loads((target / "manifest.json").read_text())
            assert_valid_manifest(manifest, manifest["id"])
