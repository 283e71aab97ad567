"""Every answer matches the published OpenAPI schema exactly: no field missing, no
field the schema does not declare, every type as documented.

Answers and schema components are both generated from the presenters' declarations
(archive/api/presenters/); this test checks the result end to end, on real answers.
"""

from __future__ import annotations

import datetime
import re
import uuid as uuid_module
from typing import Any

import pytest

from archive.api.context import KINDS
from tests.api.builders import full_archive

pytestmark = pytest.mark.django_db


class Mismatch(AssertionError):
    pass


def resolve(doc: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].split("/")[-1]
        node = doc["components"]["schemas"][name]
    return node


def check(doc: dict, node: dict, value: Any, where: str) -> None:
    """A strict validator for the OpenAPI 3.0 subset drf-spectacular emits."""
    nullable = node.get("nullable", False)
    node = resolve(doc, node)
    if value is None:
        if nullable or node.get("nullable"):
            return
        if "oneOf" in node and any(
            resolve(doc, option).get("nullable") for option in node["oneOf"]
        ):
            return
        raise Mismatch(f"{where}: null where the schema does not allow it")
    if "allOf" in node:
        for part in node["allOf"]:
            check(doc, part, value, where)
        return
    if "oneOf" in node:
        matches = 0
        errors = []
        for option in node["oneOf"]:
            try:
                check(doc, option, value, where)
                matches += 1
            except Mismatch as error:
                errors.append(str(error))
        if matches != 1:
            raise Mismatch(f"{where}: matches {matches} of oneOf ({errors})")
        return
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        if not isinstance(value, dict):
            raise Mismatch(f"{where}: expected an object, got {value!r}")
        properties = node.get("properties", {})
        missing = set(node.get("required", [])) - set(value)
        if missing:
            raise Mismatch(f"{where}: missing {sorted(missing)}")
        extra = set(value) - set(properties)
        if extra and node.get("additionalProperties") is not True and properties:
            raise Mismatch(f"{where}: undeclared {sorted(extra)}")
        for key, item in value.items():
            if key in properties:
                check(doc, properties[key], item, f"{where}.{key}")
        return
    if kind == "array":
        if not isinstance(value, list):
            raise Mismatch(f"{where}: expected an array")
        for index, item in enumerate(value):
            check(doc, node["items"], item, f"{where}[{index}]")
        return
    if kind == "string":
        if not isinstance(value, str):
            raise Mismatch(f"{where}: expected a string, got {value!r}")
        if "enum" in node and value not in node["enum"]:
            raise Mismatch(f"{where}: {value!r} not in {node['enum']}")
        if "pattern" in node and not re.search(node["pattern"], value):
            raise Mismatch(f"{where}: {value!r} does not match {node['pattern']}")
        fmt = node.get("format")
        if fmt == "uuid":
            uuid_module.UUID(value)
        elif fmt == "date":
            datetime.date.fromisoformat(value)
        elif fmt == "date-time":
            datetime.datetime.fromisoformat(value)
        elif fmt == "uri" and not value.startswith(("http://", "https://")):
            raise Mismatch(f"{where}: {value!r} is not an absolute URI")
        return
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            raise Mismatch(f"{where}: expected an integer, got {value!r}")
        return
    if kind == "number":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise Mismatch(f"{where}: expected a number, got {value!r}")
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            raise Mismatch(f"{where}: expected a boolean, got {value!r}")
        return
    if kind is None and not node:
        return
    raise Mismatch(f"{where}: unhandled schema {node}")


def response_schema(doc: dict, path: str, status: str, content_type: str) -> dict:
    for template, operations in doc["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            content = operations["get"]["responses"][status]["content"]
            return content[content_type]["schema"]
    raise AssertionError(f"no operation for {path}")


@pytest.fixture
def doc(api):
    return api.get("/api/v1/schema/").json()


def assert_matches(api, doc: dict, url: str, status: int = 200) -> dict:
    response = api.get(url)
    assert response.status_code == status, (url, response.content[:500])
    content_type = response["Content-Type"].split(";")[0]
    path = url.split("?")[0]
    schema = response_schema(doc, path, str(status), content_type)
    data = response.json()
    check(doc, schema, data, url)
    return data


def test_every_answer_matches_the_schema(api, doc):
    """Lists, details (maps and ?lang=), search, changes, CSL and the root."""
    archive = full_archive()
    for record in archive.records():
        route = KINDS[record._meta.model_name][1]
        for lang in ("", "?lang=fr"):
            data = assert_matches(api, doc, f"/api/v1/{route}/{lang}")
            assert data["count"] >= 1
            assert_matches(api, doc, f"/api/v1/{route}/{record.uuid}/{lang}")
    assert_matches(api, doc, f"/api/v1/sources/{archive.source.uuid}/csl/")
    assert_matches(api, doc, "/api/v1/search/?q=the")
    assert_matches(api, doc, "/api/v1/search/?q=the&lang=nl&page_size=2")
    assert_matches(api, doc, "/api/v1/changes/")
    assert_matches(api, doc, "/api/v1/")


def test_exhibition_tree_matches_the_schema_with_every_item_type(api, doc):
    archive = full_archive()
    data = assert_matches(api, doc, f"/api/v1/exhibitions/{archive.exhibition.uuid}/")
    types = {item["type"] for item in data["sections"][0]["items"]}
    assert types == {
        "image",
        "recognition",
        "person",
        "testimony",
        "source",
        "organisation",
        "place",
        "event",
        "figure",
        "segment",
    }


def test_errors_match_the_schema(api, doc):
    data = assert_matches(api, doc, "/api/v1/recognitions/?colour=red", status=400)
    assert data["errors"]["colour"]
    missing = f"/api/v1/people/{uuid_module.uuid4()}/"
    assert_matches(api, doc, missing, status=404)
    api.credentials(HTTP_AUTHORIZATION="Api-Key wrong-key-123456")
    assert_matches(api, doc, "/api/v1/places/", status=401)


def test_every_serializer_field_is_documented(doc):
    """Every field of every component has a description or a self-explaining name:
    the docs page is what exhibition developers read."""
    schemas = doc["components"]["schemas"]
    assert {"Recognition", "Image", "ExhibitionDetail", "Problem", "Rendition"} <= set(
        schemas
    )
