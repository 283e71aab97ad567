"""Benchmark the rendition pipeline against a naive Pillow thumbnail."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.benchmark import photos

TARGET_SPEEDUP = 3.0
TARGET_PEAK_MB = 64


def _size(value: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError as error:
        raise CommandError(
            f"--size must look like 6000x4000, not {value!r}."
        ) from error
    if not (16 <= width <= 20000 and 16 <= height <= 20000):
        raise CommandError("--size sides must be between 16 and 20000 pixels.")
    return width, height


class Command(BaseCommand):
    help = (
        "Generate large realistic JPEGs and report the median seconds per 400x300 "
        "thumbnail and the peak memory of the archive's pipeline next to a naive "
        "Pillow baseline (open, ImageOps.fit with Lanczos, save), each variant in "
        "its own process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--images", type=int, default=3)
        parser.add_argument("--repeats", type=int, default=5)
        parser.add_argument("--size", default="6000x4000")
        parser.add_argument(
            "--keep", metavar="FOLDER", help="Write the test images here and keep them."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the raw results as JSON."
        )

    def handle(self, *args, **options):
        size = _size(options["size"])
        if options["images"] < 1 or options["repeats"] < 1:
            raise CommandError("--images and --repeats must be at least 1.")
        with tempfile.TemporaryDirectory(prefix="bench-renditions-") as scratch:
            folder = Path(options["keep"] or scratch)
            began = time.perf_counter()
            paths = photos.write_samples(folder, options["images"], size)
            megabytes = sum(path.stat().st_size for path in paths) / 1e6
            self.stdout.write(
                f"Generated {len(paths)} JPEGs of {size[0]}x{size[1]} "
                f"({size[0] * size[1] / 1e6:.0f} MP, {megabytes / len(paths):.1f} MB "
                f"each) in {time.perf_counter() - began:.1f} s; "
                f"{options['repeats']} rounds per variant."
            )
            results = {
                variant: self._run(variant, options["repeats"], paths)
                for variant in ("naive", "pipeline")
            }
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
        self._report(results)

    def _run(self, variant: str, repeats: int, paths: list[Path]) -> dict:
        command = [
            sys.executable,
            "-m",
            "archive.benchmark.renditions",
            variant,
            str(repeats),
            *map(str, paths),
        ]
        completed = subprocess.run(
            command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
        )
        if completed.returncode != 0:
            raise CommandError(f"The {variant} run failed:\n{completed.stderr}")
        return json.loads(completed.stdout)

    def _report(self, results: dict) -> None:
        rows = []
        for variant, result in results.items():
            median = statistics.median(result["timings"])
            result["median_s"] = median
            rows.append(
                f"{variant:<9} {median:>10.3f} s {result['peak_rss_kb'] / 1024:>10.1f} MB"
                f" {result['peak_above_start_kb'] / 1024:>12.1f} MB"
            )
        self.stdout.write(
            f"{'variant':<9} {'median/thumb':>12} {'peak RSS':>13} {'above start':>15}"
        )
        for row in rows:
            self.stdout.write(row)
        naive, pipeline = results["naive"], results["pipeline"]
        speedup = naive["median_s"] / max(pipeline["median_s"], 1e-9)
        peak_mb = pipeline["peak_rss_kb"] / 1024
        verdict = speedup >= TARGET_SPEEDUP and peak_mb < TARGET_PEAK_MB
        message = (
            f"Pipeline: {speedup:.1f}x faster than the baseline (target >= "
            f"{TARGET_SPEEDUP:g}x); process peak {peak_mb:.1f} MB (target < "
            f"{TARGET_PEAK_MB} MB); baseline peak {naive['peak_rss_kb'] / 1024:.1f} MB. "
            f"Memory measured with {pipeline['method']}."
        )
        style = self.style.SUCCESS if verdict else self.style.WARNING
        self.stdout.write(style(message))
