"""schema.org JSON-LD for a record's page, built from the record as presented (so
it never says more than the page): Person, Event, Place, Organization,
CreativeWork/ImageObject with licence and credit, Dataset for figures."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.templatetags.site import text

SCHEMA_TYPES = {
    "person": "Person",
    "event": "Event",
    "place": "Place",
    "organisation": "Organization",
    "image": "ImageObject",
    "source": "CreativeWork",
    "testimony": "CreativeWork",
    "recognition": "CreativeWork",
    "figure": "Dataset",
    "exhibition": "ExhibitionEvent",
}


def _date(date: dict | None) -> str | None:
    if not date or not date.get("earliest"):
        return None
    if date["earliest"] == date.get("latest"):
        return date["earliest"]
    return f"{date['earliest']}/{date.get('latest') or '..'}"


def _ref(ref: dict | None) -> dict[str, Any] | None:
    if not ref:
        return None
    return {
        "@type": SCHEMA_TYPES.get(ref.get("type"), "Thing"),
        "name": text(ref.get("title")),
        "url": ref.get("web_url"),
    }


def for_record(record: dict[str, Any], context: dict[str, Any]) -> SafeString:
    """A `<script type="application/ld+json">` body, safe to put in the page."""
    kind = record["type"]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES[kind],
        "@id": record["web_url"],
        "url": record["web_url"],
        "name": text(record["title"]),
        "identifier": record["id"],
        "dateModified": record.get("updated_at"),
    }
    description = (
        record.get("story")
        or record.get("description")
        or record.get("biography")
        or record.get("summary")
        or record.get("caption")
    )
    if text(description):
        data["description"] = text(description)
    if kind == "person":
        data["familyName"] = record.get("family_name")
        data["givenName"] = record.get("given_names")
        data["birthDate"] = _date(record.get("birth"))
        data["deathDate"] = _date(record.get("death"))
        data["deathPlace"] = _ref(record.get("death_place"))
        data["birthPlace"] = _ref(record.get("birth_place"))
        data["alternateName"] = [v["name"] for v in record.get("name_variants") or []]
    elif kind == "event":
        data["startDate"] = (record.get("date") or {}).get("earliest")
        data["endDate"] = (record.get("date") or {}).get("latest")
        data["location"] = [_ref(p) for p in record.get("places") or []]
    elif kind == "place":
        if record.get("latitude") is not None:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": record["latitude"],
                "longitude": record["longitude"],
            }
        data["containedInPlace"] = _ref(record.get("parent"))
    elif kind == "organisation":
        data["alternateName"] = record.get("acronym")
        data["member"] = [
            _ref(member.get("person")) for member in record.get("members") or []
        ]
    elif kind == "image":
        data["caption"] = text(record.get("caption"))
        data["creditText"] = text(record.get("credit_line"))
        data["creator"] = record.get("creator")
        data["license"] = (record.get("rights") or {}).get("uri")
        data["copyrightHolder"] = record.get("rights_holder")
        largest = max(
            record.get("renditions") or [], key=lambda r: r["width"], default=None
        )
        if largest:
            data["contentUrl"] = largest["url"]
    elif kind == "figure":
        data["variableMeasured"] = record.get("measure")
        data["temporalCoverage"] = _date(record.get("date"))
    elif kind in ("source", "testimony", "recognition"):
        data["dateCreated"] = _date(record.get("date"))
    data["citation"] = [
        _ref(citation["source"]) for citation in record.get("citations") or []
    ]
    data = {key: value for key, value in data.items() if value not in (None, "", [])}
    # `</script>` inside a value must not end the element: escape < > &.
    body = json.dumps(data, ensure_ascii=False)
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(body)


__all__ = ["for_record", "escape"]
