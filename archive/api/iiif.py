"""IIIF Presentation API 3.0 manifests for images and exhibitions.

Built from the same presented records as the JSON answers, so a manifest can never
show more than the API does: only visible images, only their public renditions, and
always with their credit line (`requiredStatement`) and rights URI (`rights`).

A canvas is painted with the whole image fit to view (the `view` rendition, 1,600 px
on its long side, made in the background when the image is published), never with
a crop; the thumbnail is separate. An exhibition's sections are its `structures`
(one Range per section, in order). Nothing is rendered while answering: an image
whose whole-image rendition is not made yet has no canvas. Every manifest is
validated against the specification's JSON schema in tests/api/test_iiif.py.
Specification: https://iiif.io/api/presentation/3.0/
"""

from __future__ import annotations

from typing import Any

from archive.api.context import LANGUAGES
from archive.renditions import NAMED_SPECS, parse_spec

#: The rendition that paints a canvas: the whole image, long side 1,600 px.
VIEW_SPEC = str(parse_spec(NAMED_SPECS["view"]))
THUMBNAIL_SPEC = str(parse_spec(NAMED_SPECS["thumbnail"]))

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
CONTENT_TYPE = f'application/ld+json;profile="{CONTEXT}"'


def language_map(value: Any, fallback: str | None = None) -> dict[str, list[str]]:
    """An API translated value (map or string) as a IIIF language map."""
    result: dict[str, list[str]] = {}
    if isinstance(value, dict):
        for code in LANGUAGES:
            if value.get(code):
                result[code] = [value[code]]
    elif isinstance(value, str) and value:
        result["none"] = [value]
    if not result and fallback is not None:
        result["none"] = [fallback]
    return result


def _whole(rendition: dict) -> bool:
    """Whether a rendition shows the whole image (a `fill-` spec is a crop)."""
    return not rendition["spec"].startswith("fill-")


def _painting_rendition(image: dict) -> dict | None:
    """The whole image fit to view, as JPEG (every viewer decodes it); else the
    largest whole-image JPEG, else None (the canvas waits for the background task)."""
    whole = [r for r in image["renditions"] if r["format"] == "jpeg" and _whole(r)]
    for rendition in whole:
        if rendition["spec"] == VIEW_SPEC:
            return rendition
    return max(whole, key=lambda r: r["width"] * r["height"], default=None)


def _thumbnail(image: dict) -> list[dict]:
    """The named thumbnail (JPEG), else the smallest JPEG."""
    renditions = [r for r in image["renditions"] if r["format"] == "jpeg"]
    named = [r for r in renditions if r["spec"] == THUMBNAIL_SPEC]
    small = min(
        named or renditions, key=lambda r: r["width"] * r["height"], default=None
    )
    if small is None:
        return []
    return [_image_resource(small)]


def _image_resource(rendition: dict) -> dict:
    return {
        "id": rendition["url"],
        "type": "Image",
        "format": rendition["mime_type"],
        "width": rendition["width"],
        "height": rendition["height"],
    }


def credit(image: dict) -> dict:
    return {
        "label": {
            "en": ["Credit"],
            "fr": ["Crédit"],
            "nl": ["Bron"],
            "de": ["Nachweis"],
        },
        "value": language_map(image["credit_line"], fallback=image["title"] or ""),
    }


def canvas(image: dict, canvas_id: str) -> dict | None:
    """One Canvas painted with the image, or None when it has no rendition yet."""
    body = _painting_rendition(image)
    if body is None:
        return None
    result: dict[str, Any] = {
        "id": canvas_id,
        "type": "Canvas",
        "label": language_map(image["title"], fallback="Image"),
        "width": body["width"],
        "height": body["height"],
        "items": [
            {
                "id": f"{canvas_id}/page",
                "type": "AnnotationPage",
                "items": [
                    {
                        "id": f"{canvas_id}/page/painting",
                        "type": "Annotation",
                        "motivation": "painting",
                        "body": _image_resource(body),
                        "target": canvas_id,
                    }
                ],
            }
        ],
        "requiredStatement": credit(image),
        "homepage": [_homepage(image)],
    }
    if image["rights"]:
        result["rights"] = image["rights"]["uri"]
    summary = language_map(image["caption"])
    if summary:
        result["summary"] = summary
    thumbnail = _thumbnail(image)
    if thumbnail:
        result["thumbnail"] = thumbnail
    return result


def _homepage(record: dict) -> dict:
    return {
        "id": record["web_url"],
        "type": "Text",
        "label": language_map(record["title"], fallback=record["id"]),
        "format": "text/html",
    }


def _see_also(record: dict) -> dict:
    return {
        "id": record["api_url"],
        "type": "Dataset",
        "format": "application/json",
        "label": {"en": ["The record in the archive's API"]},
    }


def image_manifest(image: dict, manifest_url: str) -> dict:
    painted = canvas(image, f"{manifest_url}canvas/1")
    manifest: dict[str, Any] = {
        "@context": CONTEXT,
        "id": manifest_url,
        "type": "Manifest",
        "label": language_map(image["title"], fallback="Image"),
        "requiredStatement": credit(image),
        "homepage": [_homepage(image)],
        "seeAlso": [_see_also(image)],
        "items": [painted] if painted else [],
    }
    if image["rights"]:
        manifest["rights"] = image["rights"]["uri"]
    summary = language_map(image["caption"])
    if summary:
        manifest["summary"] = summary
    metadata = _metadata(image)
    if metadata:
        manifest["metadata"] = metadata
    thumbnail = _thumbnail(image)
    if thumbnail:
        manifest["thumbnail"] = thumbnail
    return manifest


def _metadata(image: dict) -> list[dict]:
    entries = []
    for label, value in (
        ("Creator", image["creator"]),
        ("Date", (image["date"] or {}).get("edtf")),
        ("Source", image["source_institution"]),
    ):
        if value:
            entries.append({"label": {"en": [label]}, "value": {"none": [value]}})
    return entries


def exhibition_images(exhibition: dict) -> list[dict]:
    """The hero image and every image item, in the exhibition's order, once each."""
    images: list[dict] = []
    seen: set[str] = set()
    candidates = [exhibition["hero_image"]] if exhibition["hero_image"] else []
    for section in exhibition.get("sections", []):
        for item in section["items"]:
            if item["type"] == "image":
                candidates.append(item["record"])
    for image in candidates:
        if image["id"] not in seen:
            seen.add(image["id"])
            images.append(image)
    return images


def structures(exhibition: dict, canvas_ids: dict[str, str], manifest_url: str):
    """One Range per section that shows at least one painted image, in order."""
    ranges = []
    for number, section in enumerate(exhibition.get("sections", []), start=1):
        members = []
        for item in section["items"]:
            canvas_id = (
                canvas_ids.get(item["record"]["id"])
                if item["type"] == "image"
                else None
            )
            if canvas_id and canvas_id not in members:
                members.append(canvas_id)
        if members:
            ranges.append(
                {
                    "id": f"{manifest_url}range/{number}",
                    "type": "Range",
                    "label": language_map(
                        section["title"], fallback=f"Section {number}"
                    ),
                    "items": [{"id": member, "type": "Canvas"} for member in members],
                }
            )
    return ranges


def exhibition_manifest(exhibition: dict, manifest_url: str) -> dict:
    canvases = []
    canvas_ids: dict[str, str] = {}
    for number, image in enumerate(exhibition_images(exhibition), start=1):
        painted = canvas(image, f"{manifest_url}canvas/{number}")
        if painted is not None:
            canvases.append(painted)
            canvas_ids[image["id"]] = painted["id"]
    credits: dict[str, list[str]] = {}
    for painted in canvases:
        for code, values in painted["requiredStatement"]["value"].items():
            for value in values:
                if value not in credits.setdefault(code, []):
                    credits[code].append(value)
    manifest: dict[str, Any] = {
        "@context": CONTEXT,
        "id": manifest_url,
        "type": "Manifest",
        "label": language_map(exhibition["title"], fallback="Exhibition"),
        "homepage": [_homepage(exhibition)],
        "seeAlso": [_see_also(exhibition)],
        "items": canvases,
    }
    if credits:
        manifest["requiredStatement"] = {
            "label": {"en": ["Image credits"], "fr": ["Crédits des images"]},
            "value": credits,
        }
    rights = {painted.get("rights") for painted in canvases}
    if len(rights) == 1 and None not in rights:
        manifest["rights"] = rights.pop()
    summary = language_map(exhibition["summary"])
    if summary:
        manifest["summary"] = summary
    ranges = structures(exhibition, canvas_ids, manifest_url)
    if ranges:
        manifest["structures"] = ranges
    if exhibition["curators"]:
        manifest["metadata"] = [
            {
                "label": {"en": ["Curated by"]},
                "value": {"none": [exhibition["curators"]]},
            }
        ]
    return manifest
