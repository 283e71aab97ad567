"""Maps drawn on the server as SVG from shipped country boundaries: no tile
server, no script, printable, and readable as text (every map has a list beside it).

`boundaries.json` is written by `python manage.py vendor_boundaries` from the
`world-atlas` package (Natural Earth, public domain). Projection: equirectangular
scaled by the cosine of the view's middle latitude, which keeps Belgium's shape
at this scale.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

BOUNDARIES_FILE = Path(__file__).parent / "boundaries.json"
#: West, south, east, north of what the file keeps (Europe and the Near East).
REGION = (-11.0, 29.0, 42.0, 61.0)
#: Views: Belgium and its neighbours; Europe for the camps and Jerusalem.
BELGIUM = (2.3, 49.3, 6.6, 51.7)
EUROPE = (-6.0, 30.0, 38.0, 58.0)
WIDTH = 600


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    title: Any
    url: str


@cache
def _countries() -> dict[str, list]:
    return json.loads(BOUNDARIES_FILE.read_text())["countries"]


def _projector(view: tuple[float, float, float, float]):
    west, south, east, north = view
    k = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * k)
    height = (north - south) * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - west) * k * scale, 1), round((north - lat) * scale, 1)

    return project, round(height)


def inside(view, lon: float, lat: float) -> bool:
    west, south, east, north = view
    return west <= lon <= east and south <= lat <= north


@cache
def _outlines(view: tuple[float, float, float, float]) -> tuple[tuple[str, str], ...]:
    """(country, SVG path) of every country in the view, once per view."""
    project, _height = _projector(view)
    west, south, east, north = view
    margin = 2.0
    outlines = []
    for name, rings in _countries().items():
        parts = []
        for ring in rings:
            if not any(
                west - margin <= x <= east + margin
                and south - margin <= y <= north + margin
                for x, y in ring
            ):
                continue
            points = [project(x, y) for x, y in ring]
            parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
        if parts:
            outlines.append((name, "".join(parts)))
    return tuple(outlines)


def draw(
    places: list[dict[str, Any]], view: tuple[float, float, float, float] | None = None
) -> dict[str, Any] | None:
    """A map of the places that have coordinates (presented place records), in
    `view` or the smallest view that holds them; None when none has coordinates."""
    located = [p for p in places if p.get("latitude") is not None]
    if not located:
        return None
    points = [(float(p["longitude"]), float(p["latitude"])) for p in located]
    if view is None:
        view = BELGIUM if all(inside(BELGIUM, *pt) for pt in points) else EUROPE
    project, height = _projector(view)
    markers = [
        Marker(*project(*point), title=place.get("title"), url=place.get("web_url", ""))
        for point, place in zip(points, located, strict=True)
        if inside(view, *point)
    ]
    return {
        "width": WIDTH,
        "height": height,
        "countries": [
            {"name": name, "path": path, "home": name == "Belgium"}
            for name, path in _outlines(view)
        ],
        "markers": markers,
    }


def place_map(record: dict[str, Any]) -> dict[str, Any] | None:
    return draw([record])
