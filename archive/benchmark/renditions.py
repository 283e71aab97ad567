"""The rendition benchmark's moving parts (pure Pillow; no Django, no database).

`manage.py bench_renditions` generates the test photographs (`photos.py`) and runs
each variant in its own process (`python -m archive.benchmark.renditions VARIANT
REPEATS FILE...`), so peak memory is measured per process and one variant's memory
never hides in the other's. Peak memory is read from the kernel: the process's
resident set high-water mark (VmHWM) is reset after start-up, so the figure is what
the work itself needs on top of the interpreter; the absolute peak of the process is
reported too.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import time

from PIL import Image, ImageOps

THUMBNAIL_SPEC = "fill-400x300"
THUMBNAIL_SIZE = (400, 300)
JPEG_QUALITY = 82


def naive_thumbnail(path: str) -> bytes:
    """The baseline: what most code does (full decode, Lanczos fit, save)."""
    with Image.open(path) as image:
        fitted = ImageOps.fit(image, THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        fitted.save(buffer, "JPEG", quality=JPEG_QUALITY)
        return buffer.getvalue()


def pipeline_thumbnail(path: str) -> bytes:
    """The archive's pipeline, exactly as `Image.get_rendition` runs it."""
    from archive.renditions import render

    with open(path, "rb") as handle:
        return render(handle, THUMBNAIL_SPEC, "jpeg", jpeg_quality=JPEG_QUALITY).data


VARIANTS = {"naive": naive_thumbnail, "pipeline": pipeline_thumbnail}


def _status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter for this process (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def run_variant(variant: str, repeats: int, paths: list[str]) -> dict:
    work = VARIANTS[variant]
    if variant == "pipeline":
        import archive.renditions  # noqa: F401  (import cost is not part of the work)
    start_kb = _status_kb("VmRSS") or 0
    reset = _reset_peak()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings = []
    for _round in range(repeats):
        for path in paths:
            began = time.perf_counter()
            work(path)
            timings.append(time.perf_counter() - began)
    peak_kb = _status_kb("VmHWM") if reset else None
    if peak_kb is None:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        method = "ru_maxrss"
    else:
        method = "VmHWM"
    return {
        "variant": variant,
        "timings": timings,
        "start_rss_kb": start_kb,
        "peak_rss_kb": peak_kb,
        "peak_above_start_kb": max(0, peak_kb - start_kb),
        "maxrss_before_kb": maxrss_before,
        "method": method,
    }


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in VARIANTS:
        print(
            "usage: python -m archive.benchmark.renditions {naive|pipeline} REPEATS FILE...",
            file=sys.stderr,
        )
        return 2
    print(json.dumps(run_variant(argv[0], int(argv[1]), argv[2:])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
