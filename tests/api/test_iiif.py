"""IIIF Presentation 3 manifests: the structure the specification requires, with the
credit line in `requiredStatement` and the rights URI in `rights`.
Specification: https://iiif.io/api/presentation/3.0/"""

from __future__ import annotations

import re

import pytest

from archive import models as m
from tests import factories as f
from tests.api.builders import ct, full_archive

pytestmark = pytest.mark.django_db

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
LANGUAGE_KEY = re.compile(r"^([a-z]{2,3}(-[A-Za-z0-9]+)*|none)$")
RIGHTS = re.compile(
    r"^http://(creativecommons\.org/(licenses|publicdomain)/|rightsstatements\.org/vocab/)"
)


def assert_language_map(value, where):
    assert isinstance(value, dict) and value, where
    for key, texts in value.items():
        assert LANGUAGE_KEY.match(key), (where, key)
        assert isinstance(texts, list) and texts, where
        assert all(isinstance(text, str) for text in texts), where


def assert_uri(value, where):
    assert isinstance(value, str) and value.startswith(("http://", "https://")), where


def assert_statement(statement, where):
    assert set(statement) == {"label", "value"}, where
    assert_language_map(statement["label"], where + ".label")
    assert_language_map(statement["value"], where + ".value")


def assert_resources(resources, where, types):
    assert isinstance(resources, list) and resources, where
    for resource in resources:
        assert_uri(resource["id"], where)
        assert resource["type"] in types, where
        if "label" in resource:
            assert_language_map(resource["label"], where)


def assert_valid_manifest(manifest: dict, url: str) -> None:
    ids: list[str] = []
    assert manifest["@context"] == CONTEXT
    assert manifest["id"] == url
    assert manifest["type"] == "Manifest"
    assert_language_map(manifest["label"], "label")
    ids.append(manifest["id"])
    if "summary" in manifest:
        assert_language_map(manifest["summary"], "summary")
    if "requiredStatement" in manifest:
        assert_statement(manifest["requiredStatement"], "requiredStatement")
    if "rights" in manifest:
        assert RIGHTS.match(manifest["rights"])
    for entry in manifest.get("metadata", []):
        assert_statement(entry, "metadata")
    assert_resources(manifest["homepage"], "homepage", {"Text"})
    assert_resources(manifest["seeAlso"], "seeAlso", {"Dataset"})
    assert manifest["items"], "a Manifest has at least one Canvas"
    for canvas in manifest["items"]:
        assert canvas["type"] == "Canvas"
        assert_uri(canvas["id"], "canvas.id")
        ids.append(canvas["id"])
        assert isinstance(canvas["width"], int) and canvas["width"] > 0
        assert isinstance(canvas["height"], int) and canvas["height"] > 0
        assert_language_map(canvas["label"], "canvas.label")
        assert_statement(canvas["requiredStatement"], "canvas.requiredStatement")
        if "rights" in canvas:
            assert RIGHTS.match(canvas["rights"])
        if "thumbnail" in canvas:
            assert_resources(canvas["thumbnail"], "thumbnail", {"Image"})
        assert canvas["items"]
        for page in canvas["items"]:
            assert page["type"] == "AnnotationPage"
            assert_uri(page["id"], "page.id")
            ids.append(page["id"])
            assert page["items"]
            for annotation in page["items"]:
                assert annotation["type"] == "Annotation"
                assert annotation["motivation"] == "painting"
                assert annotation["target"] == canvas["id"]
                assert_uri(annotation["id"], "annotation.id")
                ids.append(annotation["id"])
                body = annotation["body"]
                assert body["type"] == "Image"
                assert_uri(body["id"], "body.id")
                assert body["format"] in ("image/jpeg", "image/webp")
                # The painted image fills the canvas exactly.
                assert (body["width"], body["height"]) == (
                    canvas["width"],
                    canvas["height"],
                )
    assert len(ids) == len(set(ids)), "ids are unique within a manifest"


def test_image_manifest_structure_credit_and_rights(api):
    archive = full_archive()
    url = f"http://testserver/api/v1/images/{archive.image.uuid}/manifest/"
    response = api.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert (
        'profile="http://iiif.io/api/presentation/3/context.json"'
        in response["Content-Type"]
    )
    manifest = response.json()
    assert_valid_manifest(manifest, url)
    assert manifest["requiredStatement"]["value"]["en"] == [
        archive.image.credit_line_en
    ]
    assert manifest["rights"] == archive.image.rights_uri
    [canvas] = manifest["items"]
    body = canvas["items"][0]["items"][0]["body"]
    # Made on demand: the largest named size paints the canvas.
    large = archive.image.renditions.get(spec="width-1600", format="jpeg")
    assert body["width"] == large.width == canvas["width"]


def test_exhibition_manifest_has_a_canvas_per_visible_image(api):
    archive = full_archive()
    second = f.make_image(status=m.Status.PUBLISHED, rights_uri=m.Rights.CC_BY)
    hidden = f.make_image(status=m.Status.DRAFT)
    for image in (second, hidden):
        image.get_rendition("thumbnail")
        archive.exhibition.sections.get().items.create(
            position=30, content_type=ct(image), object_id=image.pk
        )
    url = f"http://testserver/api/v1/exhibitions/{archive.exhibition.uuid}/manifest/"
    manifest = api.get(url).json()
    assert_valid_manifest(manifest, url)
    assert len(manifest["items"]) == 2  # the hero image and the second one
    credits = manifest["requiredStatement"]["value"]["en"]
    assert archive.image.credit_line_en in credits and second.credit_line_en in credits
    assert "rights" not in manifest  # two licences: each canvas carries its own
    assert {c["rights"] for c in manifest["items"]} == {m.Rights.CC0, m.Rights.CC_BY}


def test_manifest_of_hidden_image_is_404(api):
    hidden = f.make_image(status=m.Status.PUBLISHED, access=m.Access.STAFF)
    assert api.get(f"/api/v1/images/{hidden.uuid}/manifest/").status_code == 404


def test_exhibition_without_images_has_no_manifest(api):
    event = f.make_event(status=m.Status.PUBLISHED)
    exhibition = f.make_exhibition(items=[event], status=m.Status.PUBLISHED)
    response = api.get(f"/api/v1/exhibitions/{exhibition.uuid}/manifest/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
