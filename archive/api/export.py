"""Exhibition bundles for offline kiosks.

A bundle is a folder a kiosk can show with no network:

- `exhibition.json`: the API's answer for the exhibition (the whole tree), each
  rendition's `url` (and `file`) its path inside the bundle, the exhibition's
  `iiif_manifest` the bundle's `manifest.json`;
- `renditions/`: every rendition file the exhibition uses (all named sizes, JPEG and
  WebP, made first if missing);
- `manifest.json`: the IIIF Presentation 3 manifest, its images and thumbnails
  the bundle's own files. IIIF requires every `id` to be an absolute HTTP(S) URI,
  so they are named under the bundle's base URL, the address the kiosk serves the
  folder from (`--base-url`, default `http://localhost/`): `<base>renditions/...`
  is the file `renditions/...` of the bundle. The manifest's, canvases' and
  ranges' identifiers stay the archive's canonical URIs (identities, never loaded);
- `index.html`: the exhibition as a plain page that opens from the folder;
- `SHA256SUMS`: the SHA-256 of every other file, in `sha256sum -c` format.

Self-contained: nothing in the bundle loads anything from outside it (tested by
opening index.html in Chromium with the network blocked). The records' `web_url`
and `api_url` remain, as links to where they live online, never loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.template.loader import render_to_string

from archive import models as m
from archive.api import iiif
from archive.api.context import ApiContext, Audience
from archive.api.files import ensure_named_renditions, exhibition_image_ids
from archive.api.presenters import TYPES
from archive.storage import rendition_storage

EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "png": "png"}
#: Where a kiosk serves the bundle unless told otherwise: the folder as the web
#: root of the kiosk machine itself.
DEFAULT_BASE_URL = "http://localhost/"


class ExportError(Exception):
    """The exhibition cannot be exported (not found, not visible, bad target)."""


@dataclass
class Bundle:
    path: Path
    files: list[str]
    renditions: int


def audience_for(tier: str) -> Audience:
    if tier == "public":
        return Audience(None)
    return Audience(m.ApiClient(tier=m.Tier.EXHIBITION, is_active=True))


def images_in(data: Any) -> list[dict]:
    """Every image object anywhere in an answer (they carry `renditions`)."""
    found: list[dict] = []
    if isinstance(data, dict):
        if "renditions" in data and data.get("type") == "image":
            found.append(data)
        for value in data.values():
            found.extend(images_in(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(images_in(value))
    return found


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def export_exhibition(
    *,
    slug: str,
    target: Path,
    tier: str = "public",
    base_url: str = DEFAULT_BASE_URL,
) -> Bundle:
    """Write the bundle of the exhibition `slug`, as `tier` clients see it, its
    IIIF images named under `base_url` (where the kiosk serves the folder)."""
    base_url = bundle_base_url(base_url)
    audience = audience_for(tier)
    exhibition = (
        m.Exhibition.objects.filter(audience.visible_q(m.Exhibition), slug=slug)
        .only("pk")
        .first()
    )
    if exhibition is None:
        raise ExportError(f"No exhibition '{slug}' visible to {tier} clients.")
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExportError(f"{target} exists and is not an empty folder.")

    ensure_named_renditions(exhibition_image_ids(exhibition.pk))
    ctx = ApiContext.offline(audience)
    data = TYPES["exhibition"].load(ctx, [exhibition.pk], detail=True)[exhibition.pk]
    manifest_url = ctx.api_url("exhibition", data["id"], "manifest/")

    staging = target.with_name(target.name + ".partial")
    if staging.exists():
        shutil.rmtree(staging)
    (staging / "renditions").mkdir(parents=True)
    copied = _copy_renditions(data, staging)
    # Made from the rewritten answer, so its images are the bundle's files.
    manifest = iiif.exhibition_manifest(data, manifest_url) if images_in(data) else None
    if manifest is not None:
        _name_images_under(manifest, base_url)
        data["iiif_manifest"] = "manifest.json"
    _write_json(staging / "exhibition.json", data)
    if manifest is not None:
        _write_json(staging / "manifest.json", manifest)
    html = render_to_string(
        "archive/api/export_index.html", page_context(data, manifest is not None)
    )
    (staging / "index.html").write_text(html, encoding="utf-8")
    files = sorted(
        str(path.relative_to(staging)).replace(os.sep, "/")
        for path in staging.rglob("*")
        if path.is_file()
    )
    sums = "".join(f"{sha256_of(staging / name)}  {name}\n" for name in files)
    (staging / "SHA256SUMS").write_text(sums, encoding="ascii")
    # Appear complete or not at all.
    if target.exists():
        target.rmdir()
    staging.rename(target)
    return Bundle(path=target, files=[*files, "SHA256SUMS"], renditions=copied)


def bundle_base_url(url: str) -> str:
    """An absolute HTTP(S) URL ending in `/`, or ExportError saying what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ExportError(f"The base URL {url!r} is not an http(s) address.")
    if parts.query or parts.fragment:
        raise ExportError(f"The base URL {url!r} has a query or a fragment.")
    return url if url.endswith("/") else url + "/"


def _name_images_under(data: Any, base_url: str) -> None:
    """Give every image resource of a manifest (painting bodies, thumbnails) whose
    `id` is a path in the bundle the absolute URI of that file under `base_url`."""
    if isinstance(data, list):
        for value in data:
            _name_images_under(value, base_url)
    elif isinstance(data, dict):
        if data.get("type") == "Image" and not urlsplit(data.get("id", "")).scheme:
            data["id"] = base_url + data["id"]
        for value in data.values():
            _name_images_under(value, base_url)


def _copy_renditions(data: dict, staging: Path) -> int:
    """Copy every rendition the answer lists into the bundle and point at it (its
    `url` and `file`); a rendition without a file is dropped from the answer."""
    images = images_in(data)
    uuids = {image["id"] for image in images}
    rows = m.Rendition.objects.filter(image__uuid__in=uuids).values_list(
        "image__uuid", "spec", "format", "file"
    )
    files = {(str(uuid), spec, fmt): name for uuid, spec, fmt, name in rows}
    copied: dict[str, str] = {}
    for image in images:
        kept = []
        for rendition in image["renditions"]:
            name = files.get((image["id"], rendition["spec"], rendition["format"]))
            if name is None:
                continue
            kept.append(rendition)
            extension = EXTENSIONS.get(rendition["format"], rendition["format"])
            relative = f"renditions/{image['id']}-{rendition['spec']}.{extension}"
            if relative not in copied.values():
                with (
                    rendition_storage.open(name, "rb") as source,
                    (staging / relative).open("wb") as out,
                ):
                    shutil.copyfileobj(source, out)
                copied[name] = relative
            rendition["file"] = rendition["url"] = relative
        image["renditions"] = kept
    return len(copied)


def in_english(value: Any) -> str:
    """A translated value for the offline page: English, else any language."""
    if isinstance(value, dict):
        return value.get("en") or next((v for v in value.values() if v), "") or ""
    return value or ""


def _image(image: dict | None) -> dict | None:
    if image is None:
        return None
    files = [r for r in image["renditions"] if r.get("file")]
    jpegs = [r for r in files if r["format"] == "jpeg"] or files
    if not jpegs:
        return None
    best = max(jpegs, key=lambda r: r["width"])
    return {
        "src": best["file"],
        "width": best["width"],
        "height": best["height"],
        "alt": in_english(image["alt_text"]),
        "title": in_english(image["title"]),
        "caption": in_english(image["caption"]),
        "credit": in_english(image["credit_line"]),
        "rights": image["rights"],
        "warning": in_english(image["content_warning"]),
    }


def figure_text(figure: dict) -> str:
    """'about 25,257-25,843 people' from a figure's value, range and unit."""

    def fmt(number: float | int) -> str:
        return f"{number:,.0f}" if float(number).is_integer() else f"{number:,}"

    value = fmt(figure["value"])
    if figure["value_high"] is not None:
        value = f"{value}\u2013{fmt(figure['value_high'])}"
    qualifier = (
        ""
        if figure["qualifier"] == "exact"
        else figure["qualifier"].replace("_", " ") + " "
    )
    note = in_english(figure["note"])
    return f"{qualifier}{value} {in_english(figure['unit'])}" + (
        f". {note}" if note else ""
    )


def page_context(data: dict, has_manifest: bool) -> dict:
    """The exhibition, flattened for the offline page's template."""
    sections = []
    for section in data.get("sections", []):
        items = []
        for item in section["items"]:
            record = item["record"]
            date = record.get("date") or {}
            items.append(
                {
                    "type": item["type"],
                    "caption": in_english(item["caption"]),
                    "title": in_english(record.get("title")),
                    "date": in_english(date.get("display")) or date.get("edtf") or "",
                    "text": figure_text(record)
                    if item["type"] == "figure"
                    else in_english(
                        record.get("story")
                        or record.get("summary")
                        or record.get("description")
                        or record.get("biography")
                        or record.get("synopsis")
                    ),
                    "image": _image(record) if item["type"] == "image" else None,
                    "warning": in_english(record.get("content_warning")),
                }
            )
        sections.append(
            {
                "title": in_english(section["title"]),
                "body": in_english(section["body"]),
                "items": items,
            }
        )
    return {
        "title": in_english(data["title"]),
        "subtitle": in_english(data["subtitle"]),
        "summary": in_english(data["summary"]),
        "curators": data["curators"] or "",
        "hero": _image(data["hero_image"]),
        "sections": sections,
        "has_manifest": has_manifest,
    }


def _write_json(path: Path, data: Any) -> None:
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
        encoding="utf-8",
    )
