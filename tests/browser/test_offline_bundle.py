"""An offline bundle is self-contained: opened from its folder in Chromium with the
network blocked, its page shows every image and no request leaves the bundle; the
URLs its JSON and IIIF manifest give for images are the bundle's own files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.api.export import DEFAULT_BASE_URL
from tests.api.builders import full_archive

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def export(tmp_path: Path) -> Path:
    archive = full_archive()
    target = tmp_path / "bundle"
    call_command("export_exhibition", archive.exhibition.slug, str(target))
    return target


def image_resources(manifest: dict) -> list[str]:
    """Every image a IIIF viewer would load: painting bodies and thumbnails."""
    found = [t["id"] for t in manifest.get("thumbnail", [])]
    for canvas in manifest["items"]:
        found += [t["id"] for t in canvas.get("thumbnail", [])]
        for page in canvas["items"]:
            found += [a["body"]["id"] for a in page["items"]]
    return found


def test_the_bundles_image_urls_are_its_own_files(tmp_path):
    bundle = export(tmp_path)
    data = json.loads((bundle / "exhibition.json").read_text())
    assert data["iiif_manifest"] == "manifest.json"
    urls = [r["url"] for r in data["hero_image"]["renditions"]]
    assert urls
    for url in urls:
        assert not url.startswith(("http:", "https:", "//", "/")), url
        assert (bundle / url).is_file(), url
    # IIIF ids are absolute: the manifest names the same files under the address
    # the kiosk serves the bundle from.
    manifest = json.loads((bundle / "manifest.json").read_text())
    for url in image_resources(manifest):
        assert url.startswith(DEFAULT_BASE_URL), url
        assert (bundle / url.removeprefix(DEFAULT_BASE_URL)).is_file(), url


def test_the_bundle_opens_offline_with_no_outside_request(tmp_path, browser):
    bundle = export(tmp_path)
    context = browser.new_context(offline=True)
    requests: list[str] = []

    def only_the_bundle(route):
        url = route.request.url
        requests.append(url)
        if url.startswith(bundle.as_uri()):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_bundle)
    page = context.new_page()
    try:
        page.goto((bundle / "index.html").as_uri())
        page.wait_for_load_state("load")
        shown = page.evaluate(
            "Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)"
        )
    finally:
        context.close()
    assert shown and all(shown), "every image shows from the bundle"
    outside = [url for url in requests if not url.startswith(bundle.as_uri())]
    assert outside == []
    assert any(url.endswith(".jpg") for url in requests)
