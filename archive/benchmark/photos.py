"""Photographs for benchmarks and synthetic images: deterministic, and realistic enough
that JPEG encoding and decoding cost what they would for a scanned photograph.

Pure Pillow; no Django. Used by `manage.py bench_renditions` (large test images) and by
the synthetic archive (its image files).
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter


def realistic_photo(width: int, height: int, seed: int) -> Image.Image:
    """A deterministic stand-in for a scanned photograph: smooth gradients, many
    overlapping shapes at every scale, soft edges and film grain. Unlike a flat
    colour it compresses like a real photo, so JPEG decoding costs what it would."""
    rng = random.Random(seed)
    gradient = Image.linear_gradient("L")
    channels = [
        gradient.rotate(rng.uniform(0, 360)).resize((width // 4, height // 4))
        for _ in range(3)
    ]
    canvas = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(canvas)
    small_w, small_h = canvas.size
    for index in range(600):
        x, y = rng.randrange(small_w), rng.randrange(small_h)
        # Few large shapes, many small ones, as in a real scene.
        radius = max(2, int(small_w / 6 * rng.random() ** 3))
        colour = tuple(rng.randrange(256) for _ in range(3))
        kind = index % 4
        if kind == 0:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
        elif kind == 1:
            draw.rectangle((x, y, x + radius, y + radius // 2 + 1), fill=colour)
        elif kind == 2:
            points = [
                (x + rng.randint(-radius, radius), y + rng.randint(-radius, radius))
                for _ in range(5)
            ]
            draw.polygon(points, fill=colour)
        else:
            draw.line(
                (x, y, rng.randrange(small_w), rng.randrange(small_h)),
                fill=colour,
                width=rng.randint(1, 4),
            )
    canvas = canvas.filter(ImageFilter.GaussianBlur(1.2))
    photo = canvas.resize((width, height), Image.Resampling.BICUBIC)
    photo = ImageChops.add(
        photo, Image.merge("RGB", [_grain(photo.size, rng)] * 3), 1.0, -128
    )
    return photo


def _grain(size: tuple[int, int], rng: random.Random, tile: int = 1024) -> Image.Image:
    """Seeded film grain (Pillow's effect_noise ignores Python's seed): a random
    tile of +-16 levels around 128, repeated over the image."""
    side = min(tile, max(size))
    noise = Image.frombytes("L", (side, side), rng.randbytes(side * side))
    noise = noise.point(lambda value: 128 + (value - 128) // 8)
    grain = Image.new("L", size)
    for top in range(0, size[1], side):
        for left in range(0, size[0], side):
            grain.paste(noise, (left, top))
    return grain


def write_samples(folder: Path, count: int, size: tuple[int, int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(count):
        path = folder / f"photo-{seed}.jpg"
        realistic_photo(*size, seed=seed).save(path, "JPEG", quality=90)
        paths.append(path)
    return paths
