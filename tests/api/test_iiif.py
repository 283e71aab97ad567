"""IIIF Presentation 3 manifests: the structure the specification requires, with the
credit line in `requiredStatement` and the rights URI in `rights`; canvases painted
with the whole image fit to view, thumbnails apart, sections as Ranges.
Specification: https://iiif.io/api/presentation/3.0/

Every manifest is also validated against the specification's schema as the IIIF
community publishes it on PyPI: the pydantic models of iiif-prezi3, generated from the
IIIF presentation validator's JSON schema, loaded from the wheel that
`tests/api/iiif-prezi3.txt` pins (docs/iiif.md says how it is fetched, and what the
models do not check). `IIIF_SCHEMA` may name a copy of the validator's JSON schema
itself (`schema/iiif_3_0.json`), which is then applied as well."""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import os
import re
import subprocess
import sys
import types
from functools import cache
from pathlib import Path
from typing import NoReturn

import jsonschema
import pydantic
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import models as m
from archive import tasks
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


ROOT = Path(__file__).resolve().parents[2]
PREZI3_PIN = Path(__file__).with_name("iiif-prezi3.txt")
PREZI3_DIR = Path(os.environ.get("IIIF_PREZI3_DIR") or ROOT / ".cache" / "iiif-prezi3")
FETCH_PREZI3 = (
    "python -m pip download --no-deps --only-binary :all: --require-hashes "
    f"-r {PREZI3_PIN.relative_to(ROOT)} -d {PREZI3_DIR}"
)


def fetch_prezi3_wheel() -> None:
    """Download the pinned wheel once (PyPI is the one network a fresh machine has), so
    the README's test command checks manifests too; offline, the check is skipped."""
    command = [sys.executable, *FETCH_PREZI3.split()[1:]]
    subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300, check=False)


def missing_schema(message: str) -> NoReturn:
    """Skipped locally; a failure where the schema must be there (REQUIRE_IIIF_SCHEMA=1,
    set by .ci/run, which fetches it)."""
    if os.environ.get("REQUIRE_IIIF_SCHEMA") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@cache
def prezi3_manifest_model() -> type[pydantic.BaseModel]:
    """iiif-prezi3's `Manifest` model, read from the pinned wheel without installing
    it (its Pillow pin clashes with ours) and without its builder helpers, which
    loosen the models (a plain-string label would become a language map)."""
    version, digest = re.search(
        r"^iiif-prezi3==(\S+) --hash=sha256:([0-9a-f]{64})$",
        PREZI3_PIN.read_text(),
        re.MULTILINE,
    ).groups()
    wheel = PREZI3_DIR / f"iiif_prezi3-{version}-py3-none-any.whl"
    if not wheel.is_file():
        fetch_prezi3_wheel()
    if not wheel.is_file():
        missing_schema(
            f"No IIIF Presentation 3 schema: {wheel} is missing; fetch it with "
            f"`{FETCH_PREZI3}` (docs/iiif.md)."
        )
    if hashlib.sha256(wheel.read_bytes()).hexdigest() != digest:
        pytest.fail(f"{wheel} is not the wheel {PREZI3_PIN.name} pins", pytrace=False)
    # A package of the wheel's folder whose __init__ is not run: only the generated
    # models (skeleton.py) and their base class (base.py) are imported.
    package = types.ModuleType("iiif_prezi3_schema")
    package.__path__ = [str(wheel / "iiif_prezi3")]
    sys.modules[package.__name__] = package
    skeleton = importlib.import_module(f"{package.__name__}.skeleton")
    return skeleton.Manifest


@cache
def json_schema_validator() -> jsonschema.protocols.Validator | None:
    """The validator's own JSON schema, when `IIIF_SCHEMA` names a copy of it."""
    if not os.environ.get("IIIF_SCHEMA"):
        return None
    path = Path(os.environ["IIIF_SCHEMA"])
    if not path.is_file():
        missing_schema(f"IIIF_SCHEMA names {path}, which is not a file.")
    schema = json.loads(path.read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(manifest: dict) -> list[str]:
    """What the specification's schema finds wrong in a manifest."""
    errors = []
    try:
        # Strict, as the models' base class is; their scalar types (a width) still
        # coerce: see MODEL_GAPS.
        prezi3_manifest_model().model_validate_json(json.dumps(manifest), strict=True)
    except pydantic.ValidationError as error:
        errors += [f"{list(e['loc'])}: {e['msg'][:300]}" for e in error.errors()]
    if validator := json_schema_validator():
        errors += [
            f"{list(e.absolute_path)}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(manifest), key=lambda e: e.path)
        ]
    return errors


def assert_schema_valid(manifest: dict) -> None:
    """No error from the specification's schema (all of them listed)."""
    errors = schema_errors(manifest)
    assert not errors, "\n".join(errors)


def painted(image: m.Image) -> m.Image:
    """The image as the background task leaves it once it is published."""
    tasks.sync_image_renditions(image.pk)
    return image


def assert_valid_manifest(manifest: dict, url: str) -> None:
    assert_schema_valid(manifest)
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
        for side in ("width", "height"):
            assert isinstance(canvas.get(side), int) and canvas[side] > 0, side
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
    painted(archive.image)
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
    # The whole image fit to view paints the canvas; the thumbnail is apart.
    view = archive.image.renditions.get(spec="max-1600x1600", format="jpeg")
    assert body["id"].endswith(view.file.url)
    assert (body["width"], body["height"]) == (
        archive.image.width,
        archive.image.height,
    )
    thumbnail = archive.image.renditions.get(spec="fill-200x200", format="jpeg")
    assert canvas["thumbnail"][0]["id"].endswith(thumbnail.file.url)


def test_exhibition_manifest_has_a_canvas_per_visible_image(api):
    archive = full_archive()
    painted(archive.image)
    second = f.make_image(status=m.Status.PUBLISHED, rights_uri=m.Rights.CC_BY)
    hidden = f.make_image(status=m.Status.DRAFT)
    for image in (second, hidden):
        painted(image).get_rendition("large")
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


def wide_image(width: int = 3000, height: int = 1000) -> m.Image:
    """A published chart-like image, wider than the view size."""
    from django.core.files.base import ContentFile

    from archive.media import ingest_image

    image = m.Image(
        title="A wide chart",
        alt_text="A wide test chart.",
        credit_line="Test chart, CC0 1.0",
        rights_uri=m.Rights.CC0,
        status=m.Status.PUBLISHED,
    )
    ingest_image(
        image=image,
        upload=ContentFile(f.jpeg_bytes(width, height)),
        filename="chart.jpg",
    )
    return painted(image)


def test_a_canvas_paints_the_whole_image_fit_to_view(api):
    """A 3,000 x 1,000 image paints a 1,600 x 533 canvas: nothing cropped, even
    when crops (card, thumbnail) exist."""
    image = wide_image()
    image.get_rendition("card")
    url = f"http://testserver/api/v1/images/{image.uuid}/manifest/"
    manifest = api.get(url).json()
    assert_valid_manifest(manifest, url)
    [canvas] = manifest["items"]
    body = canvas["items"][0]["items"][0]["body"]
    assert (canvas["width"], canvas["height"]) == (1600, 533)
    assert (body["width"], body["height"]) == (1600, 533)
    assert manifest["thumbnail"][0]["width"] == 200


def test_a_manifest_request_renders_nothing(api):
    """An image whose whole-image size is not made yet has no canvas; asking for
    its manifest makes no rendition (that is the background task's work)."""
    image = f.make_image(status=m.Status.PUBLISHED)
    image.get_rendition("card")  # a crop only
    before = image.renditions.count()
    response = api.get(f"/api/v1/images/{image.uuid}/manifest/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert image.renditions.count() == before


def test_exhibition_sections_are_ranges_of_their_canvases(api):
    first, second, third = (
        painted(f.make_image(status=m.Status.PUBLISHED)) for _ in range(3)
    )
    person = f.published(f.make_person())
    exhibition = f.make_exhibition(
        items=[first, person], status=m.Status.PUBLISHED, title_fr="Exposition"
    )
    other = exhibition.sections.create(title="Second section", position=2)
    for position, image in enumerate((second, third, first)):
        other.items.create(
            position=position, content_type=ct(image), object_id=image.pk
        )
    empty = exhibition.sections.create(title="Text only", position=3)
    empty.items.create(position=0, content_type=ct(person), object_id=person.pk)
    url = f"http://testserver/api/v1/exhibitions/{exhibition.uuid}/manifest/"
    manifest = api.get(url).json()
    assert_valid_manifest(manifest, url)
    canvas_ids = [canvas["id"] for canvas in manifest["items"]]
    assert len(canvas_ids) == 3
    ranges = manifest["structures"]
    assert [r["label"] for r in ranges] == [
        {"en": ["Section"]},
        {"en": ["Second section"]},
    ]
    assert all(r["type"] == "Range" for r in ranges)
    assert [item["id"] for item in ranges[0]["items"]] == [canvas_ids[0]]
    assert [item["id"] for item in ranges[1]["items"]] == [
        canvas_ids[1],
        canvas_ids[2],
        canvas_ids[0],
    ]


def first_canvas(manifest: dict) -> dict:
    return manifest["items"][0]


BREAKAGES = {
    "a Manifest typed otherwise": lambda m: m.update(type="Collection"),
    "a Canvas typed otherwise": lambda m: first_canvas(m).update(type="Page"),
    "a label that is not a language map": lambda m: m.update(label="A chart"),
    "an id that is not a URI": lambda m: first_canvas(m).update(id="canvas 1"),
    "a Manifest without items": lambda m: m.pop("items"),
    "a Canvas without items": lambda m: first_canvas(m).pop("items"),
    "an Annotation without target": lambda m: first_canvas(m)["items"][0]["items"][
        0
    ].pop("target"),
    "a rights value that is no licence URI": lambda m: m.update(rights="CC0"),
    "a Range whose items are not a list": lambda m: m["structures"][0].update(
        items=first_canvas(m)["id"]
    ),
}


#: The manifest the breakage tests start from, made once: each test breaks its own
#: copy (making the wide image's renditions is the slow part).
_VALID_MANIFEST: dict = {}


@pytest.fixture
def exhibition_manifest(api) -> dict:
    """A real exhibition's manifest (a Range, one licence), valid before it is
    broken."""
    if not _VALID_MANIFEST:
        image = wide_image()
        exhibition = f.make_exhibition(items=[image], status=m.Status.PUBLISHED)
        url = f"http://testserver/api/v1/exhibitions/{exhibition.uuid}/manifest/"
        manifest = api.get(url).json()
        assert_valid_manifest(manifest, url)
        assert manifest["structures"] and manifest["rights"]
        _VALID_MANIFEST.update(manifest)
    return copy.deepcopy(_VALID_MANIFEST)


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_schema_rejects_a_broken_manifest(exhibition_manifest, breakage):
    """The schema check is real: each of these breaks fails it."""
    BREAKAGES[breakage](exhibition_manifest)
    assert schema_errors(exhibition_manifest), breakage
    with pytest.raises(AssertionError):
        assert_schema_valid(exhibition_manifest)


# Rules of the validator's JSON schema that iiif-prezi3's generated models lost
# (docs/iiif.md): the structural checks every served manifest goes through hold them.
MODEL_GAPS = {
    "a Canvas without height": lambda m: first_canvas(m).pop("height"),
    "a width given as text": lambda m: first_canvas(m).update(width="1600"),
    "a zero width": lambda m: first_canvas(m).update(width=0),
}


@pytest.mark.parametrize("breakage", MODEL_GAPS)
def test_what_the_models_miss_the_structural_checks_reject(
    exhibition_manifest, breakage
):
    MODEL_GAPS[breakage](exhibition_manifest)
    with pytest.raises(AssertionError):
        assert_valid_manifest(exhibition_manifest, exhibition_manifest["id"])
    if json_schema_validator():  # the JSON schema itself, when given, rejects it
        assert schema_errors(exhibition_manifest), breakage


def test_manifest_queries_do_not_grow_with_renditions(api):
    """A manifest is read from the presented record: a fixed number of queries."""
    image = wide_image()
    url = f"/api/v1/images/{image.uuid}/manifest/"
    with CaptureQueriesContext(connection) as first:
        api.get(url, HTTP_CACHE_CONTROL="no-cache")
    image.get_rendition("medium")
    image.get_rendition("large", "webp")
    m.ArchiveVersion.bump()
    with CaptureQueriesContext(connection) as second:
        api.get(url)
    assert len(second) == len(first)
