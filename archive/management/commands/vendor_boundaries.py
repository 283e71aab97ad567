"""Write the country boundaries the place maps draw (archive/site/boundaries.json)
from the `world-atlas` package on the npm registry (Natural Earth 1:50m, public
domain; TopoJSON by Mike Bostock, ISC licence).

    python manage.py vendor_boundaries            # runs `npm pack world-atlas@2.0.2`
    python manage.py vendor_boundaries --from DIR # an unpacked package already here

The file is committed: the site never calls a tile server or a CDN, and visitors'
browsers load nothing from elsewhere.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from archive.site.maps import BOUNDARIES_FILE, REGION

PACKAGE = "world-atlas@2.0.2"


def decode(topology: dict, bbox: tuple[float, float, float, float]) -> dict:
    """Country name -> list of rings [[lon, lat], ...] of countries touching bbox."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append(
                (round(x * scale_x + shift_x, 2), round(y * scale_y + shift_y, 2))
            )
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc[1:] if points else arc)
        return points

    west, south, east, north = bbox
    countries: dict[str, list] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = [ring(polygon[0]) for polygon in polygons]
        rings = [
            r
            for r in rings
            if any(west <= x <= east and south <= y <= north for x, y in r)
        ]
        if rings:
            countries[geometry["properties"]["name"]] = rings
    return countries


class Command(BaseCommand):
    help = "Write archive/site/boundaries.json from the world-atlas npm package."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", help="unpacked package folder")

    def handle(self, *args, source: str | None = None, **options):
        with tempfile.TemporaryDirectory() as tmp:
            if source is None:
                subprocess.run(
                    ["npm", "pack", PACKAGE, "--pack-destination", tmp],
                    check=True,
                    capture_output=True,
                )
                archive = next(Path(tmp).glob("world-atlas-*.tgz"))
                with tarfile.open(archive) as tar:
                    tar.extractall(tmp, filter="data")
                source = str(Path(tmp) / "package")
            topology = json.loads((Path(source) / "countries-50m.json").read_text())
        countries = decode(topology, REGION)
        BOUNDARIES_FILE.write_text(
            json.dumps(
                {
                    "source": "Natural Earth 1:50m via world-atlas 2.0.2 (npm)",
                    "licence": "Natural Earth: public domain; world-atlas: ISC",
                    "countries": countries,
                },
                separators=(",", ":"),
            )
        )
        self.stdout.write(f"{len(countries)} countries written to {BOUNDARIES_FILE}")
