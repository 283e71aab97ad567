"""Pixels only: turn an original image into a small, metadata-free rendition.

Pure Pillow, no ORM and no settings, so it is tested without a database and the
benchmark (`manage.py bench_renditions`) measures exactly this code.

Why it is fast: a thumbnail of a 24-megapixel JPEG never decodes 24 megapixels.
JPEG *draft mode* asks libjpeg to decode at 1/2, 1/4 or 1/8 scale straight from the
DCT coefficients, and `Image.reduce()` then shrinks by a whole factor with a box
filter before the final Lanczos resize works on a small image. Cropping, resizing and
the EXIF rotation all happen on the reduced pixels, never on the full image.

Why it is safe: only JPEG, PNG, WebP and TIFF are decoded, the decompression-bomb
warning is an error, and what comes out carries no metadata at all (no EXIF, GPS,
camera serial, owner name, XMP, comment or ICC profile): colour is converted to sRGB,
which browsers assume for untagged images.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageCms

#: Renditions the site and the API use, by name. Crops are focal-point aware.
NAMED_SPECS: dict[str, str] = {
    "thumbnail": "fill-200x200",
    "card": "fill-400x300",
    "medium": "width-800",
    "large": "width-1600",
    # The whole image fit to view (long side 1,600 px): what IIIF canvases paint.
    "view": "max-1600x1600",
}

#: Output formats: JPEG for every browser, WebP for smaller files.
FORMATS: tuple[str, ...] = ("jpeg", "webp")

#: The only formats Pillow is allowed to decode, here and at upload.
DECODABLE_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "TIFF")

#: No rendition is larger than this on either side; keeps arbitrary specs cheap.
MAX_DIMENSION = 4000

#: Reduce by whole factors only while the image stays at least this many times the
#: target size, so the final Lanczos pass has enough pixels to keep detail crisp.
REDUCING_GAP = 2.0

#: JPEG draft decodes at 1/2, 1/4 or 1/8 scale with libjpeg's scaled inverse DCT,
#: which already filters well; keeping 1.25 times the needed pixels is enough.
DRAFT_GAP = 1.25

#: Media types of every file format the archive stores or serves, by lower-case
#: format name (Pillow's names, lowered); the one table uploads, renditions and the
#: file views read.
MIME_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "tiff": "image/tiff",
    "pdf": "application/pdf",
}
EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}

_SPEC_RE = re.compile(
    r"^(?:(?P<kind>fill|max)-(?P<fw>\d{1,5})x(?P<fh>\d{1,5})|width-(?P<w>\d{1,5}))$"
)

# EXIF orientation -> the transposition that shows the image upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ORIENTATION_TAG = 0x0112


class InvalidSpec(ValueError):
    """A rendition spec or format the archive does not make."""


class RenditionError(ValueError):
    """The original could not be turned into a rendition (damaged, unsupported)."""


@dataclass(frozen=True)
class Spec:
    """A parsed spec: `fill-WxH` (crop to exactly W x H), `max-WxH` (the whole image,
    fit inside W x H) or `width-W` (keep ratio)."""

    kind: str
    width: int
    height: int | None = None

    def __str__(self) -> str:
        if self.kind in ("fill", "max"):
            return f"{self.kind}-{self.width}x{self.height}"
        return f"width-{self.width}"


@dataclass(frozen=True)
class Rendered:
    """The bytes of a rendition and what a caller needs to store and describe it."""

    data: bytes
    width: int
    height: int
    format: str
    #: Size of the pixels actually decoded (smaller than the original with draft).
    decoded_size: tuple[int, int]
    #: Size of the original as displayed (after EXIF rotation).
    source_size: tuple[int, int]

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def parse_spec(value: str | Spec) -> Spec:
    """A spec from a name (`thumbnail`) or a string (`fill-400x300`, `width-800`)."""
    if isinstance(value, Spec):
        return value
    text = NAMED_SPECS.get(str(value).strip(), str(value).strip())
    match = _SPEC_RE.match(text)
    if not match:
        raise InvalidSpec(
            f"Unknown rendition spec {value!r}: use one of {', '.join(NAMED_SPECS)}, "
            "fill-WIDTHxHEIGHT, max-WIDTHxHEIGHT or width-WIDTH."
        )
    if match["w"]:
        spec = Spec("width", int(match["w"]))
    else:
        spec = Spec(match["kind"], int(match["fw"]), int(match["fh"]))
    sides = [spec.width] + ([spec.height] if spec.height is not None else [])
    if any(side < 1 or side > MAX_DIMENSION for side in sides):
        raise InvalidSpec(
            f"Rendition spec {value!r}: sides must be between 1 and {MAX_DIMENSION}."
        )
    return spec


def parse_format(value: str) -> str:
    fmt = str(value).strip().lower()
    fmt = {"jpg": "jpeg"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise InvalidSpec(
            f"Unknown rendition format {value!r}: use {' or '.join(FORMATS)}."
        )
    return fmt


def plan(
    spec: Spec, size: tuple[int, int], focal: tuple[float, float] = (0.5, 0.5)
) -> tuple[tuple[float, float, float, float], tuple[int, int]]:
    """The crop box (in the upright image) and output size for `spec`.

    `fill` crops the largest region with the target's aspect ratio, centred on the
    focal point as far as the edges allow. Nothing is ever enlarged: a source smaller
    than the target gives a smaller rendition with the same shape.
    """
    width, height = size
    if spec.kind == "width":
        out_w = min(spec.width, width)
        out_h = max(1, round(height * out_w / width))
        return (0.0, 0.0, float(width), float(height)), (out_w, out_h)

    assert spec.height is not None
    if spec.kind == "max":
        scale = min(1.0, spec.width / width, spec.height / height)
        out = (max(1, round(width * scale)), max(1, round(height * scale)))
        return (0.0, 0.0, float(width), float(height)), out
    target_ratio = spec.width / spec.height
    if width / height > target_ratio:
        crop_h = float(height)
        crop_w = height * target_ratio
    else:
        crop_w = float(width)
        crop_h = width / target_ratio
    fx = min(max(focal[0], 0.0), 1.0)
    fy = min(max(focal[1], 0.0), 1.0)
    left = min(max(fx * width - crop_w / 2, 0.0), width - crop_w)
    top = min(max(fy * height - crop_h / 2, 0.0), height - crop_h)
    shrink = min(1.0, crop_w / spec.width)
    out = (max(1, round(spec.width * shrink)), max(1, round(spec.height * shrink)))
    return (left, top, left + crop_w, top + crop_h), out


class NonClosing:
    """A view of a caller's file that Pillow cannot close (Pillow closes the file it
    read when the image is closed; the caller still needs it, e.g. to store it)."""

    def __init__(self, fp: BinaryIO) -> None:
        self._fp = fp

    def __getattr__(self, name: str):
        return getattr(self._fp, name)

    def close(self) -> None:
        pass


def open_image(source: BinaryIO | bytes, max_pixels: int | None = None) -> Image.Image:
    """Open with the format allow-list; a decompression-bomb warning is an error."""
    fp = (
        io.BytesIO(source)
        if isinstance(source, bytes | bytearray)
        else NonClosing(source)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(fp, formats=list(DECODABLE_FORMATS))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise RenditionError(f"The image has too many pixels: {error}") from error
        except (OSError, SyntaxError, ValueError) as error:
            raise RenditionError(f"Not a decodable image: {error}") from error
    if max_pixels is not None and image.width * image.height > max_pixels:
        raise RenditionError(
            f"The image has {image.width * image.height} pixels; the limit is "
            f"{max_pixels}."
        )
    return image


def orientation_of(image: Image.Image) -> int:
    try:
        value = int(image.getexif().get(_ORIENTATION_TAG, 1))
    except Exception:  # a damaged EXIF block must not stop the rendition
        return 1
    return value if value in _TRANSPOSE else 1


def _raw_box(
    box: tuple[float, float, float, float], orientation: int, raw: tuple[int, int]
) -> tuple[float, float, float, float]:
    """Map a box in the upright image back to the stored (unrotated) pixels."""
    raw_w, raw_h = raw

    def to_raw(x: float, y: float) -> tuple[float, float]:
        return {
            1: (x, y),
            2: (raw_w - x, y),
            3: (raw_w - x, raw_h - y),
            4: (x, raw_h - y),
            5: (y, x),
            6: (y, raw_h - x),
            7: (raw_w - y, raw_h - x),
            8: (raw_w - y, x),
        }[orientation]

    (x1, y1), (x2, y2) = to_raw(box[0], box[1]), to_raw(box[2], box[3])
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _prepare_mode(image: Image.Image) -> Image.Image:
    """Bring palettes, bilevel and 16-bit images into modes Lanczos resizes well."""
    if image.mode in ("P", "PA"):
        has_alpha = image.mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I;16") or image.mode == "I":
        # Scale 16-bit samples to 8 bits instead of clipping everything to white.
        as_int = image if image.mode == "I" else image.convert("I")
        return as_int.point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "F":
        return image.convert("L")
    return image


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert to sRGB (RGB or RGBA), honouring an embedded ICC profile if any."""
    alpha = None
    if image.mode in ("RGBA", "LA"):
        alpha = image.getchannel("A")
        image = image.convert("RGB" if image.mode == "RGBA" else "L")
    if icc_profile or image.mode == "LAB":
        try:
            source_profile = (
                ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
                if icc_profile
                else ImageCms.createProfile("LAB")
            )
            image = ImageCms.profileToProfile(
                image,
                source_profile,
                ImageCms.createProfile("sRGB"),
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            # A damaged or mismatched profile: fall back to a plain conversion.
            image = image.convert("RGB")
    if image.mode != "RGB":
        image = image.convert("RGB")
    if alpha is not None:
        image.putalpha(alpha)
    return image


def render(
    source: BinaryIO | bytes,
    spec: Spec | str,
    fmt: str = "jpeg",
    *,
    focal: tuple[float, float] = (0.5, 0.5),
    max_pixels: int | None = None,
    jpeg_quality: int = 82,
    webp_quality: int = 80,
) -> Rendered:
    """Render `source` (an open binary file or bytes) to `spec` in `fmt`."""
    spec = parse_spec(spec)
    fmt = parse_format(fmt)
    image = open_image(source, max_pixels=max_pixels)
    try:
        return _render(image, spec, fmt, focal, jpeg_quality, webp_quality)
    except RenditionError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise RenditionError(f"The image could not be decoded: {error}") from error
    finally:
        image.close()


def _render(
    image: Image.Image,
    spec: Spec,
    fmt: str,
    focal: tuple[float, float],
    jpeg_quality: int,
    webp_quality: int,
) -> Rendered:
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    raw_size = image.size
    orientation = orientation_of(image)
    swapped = orientation in (5, 6, 7, 8)
    upright = (raw_size[1], raw_size[0]) if swapped else raw_size
    icc_profile = image.info.get("icc_profile")

    box, out_size = plan(spec, upright, focal)
    box = _raw_box(box, orientation, raw_size)
    raw_out = (out_size[1], out_size[0]) if swapped else out_size

    # Draft: let libjpeg decode at the smallest 1/2^n scale that still leaves
    # DRAFT_GAP times the pixels the crop needs. Other formats have no draft mode.
    scale = raw_out[0] / max(box[2] - box[0], 1e-9)
    wanted = (
        max(1, math.ceil(raw_size[0] * scale * DRAFT_GAP)),
        max(1, math.ceil(raw_size[1] * scale * DRAFT_GAP)),
    )
    if image.format == "JPEG" and wanted[0] < raw_size[0]:
        drafted = image.draft(image.mode, wanted)
        if drafted is not None:
            _mode, draft_box = drafted
            ratio = (draft_box[2] / raw_size[0], draft_box[3] / raw_size[1])
            box = (
                box[0] * ratio[0],
                box[1] * ratio[1],
                box[2] * ratio[0],
                box[3] * ratio[1],
            )
    image.load()
    decoded_size = image.size
    box = (
        max(0.0, box[0]),
        max(0.0, box[1]),
        min(float(image.width), box[2]),
        min(float(image.height), box[3]),
    )

    pixels = _prepare_mode(image)
    # reduce(): shrink by a whole factor with a fast box filter while we keep at
    # least REDUCING_GAP times the output size; Lanczos then does the last step.
    factor_x = int((box[2] - box[0]) / raw_out[0] / REDUCING_GAP)
    factor_y = int((box[3] - box[1]) / raw_out[1] / REDUCING_GAP)
    if factor_x > 1 or factor_y > 1:
        factor = (max(1, factor_x), max(1, factor_y))
        reduce_box = (
            int(box[0]),
            int(box[1]),
            min(pixels.width, math.ceil(box[2])),
            min(pixels.height, math.ceil(box[3])),
        )
        pixels = pixels.reduce(factor, box=reduce_box)
        box = (
            (box[0] - reduce_box[0]) / factor[0],
            (box[1] - reduce_box[1]) / factor[1],
            (box[2] - reduce_box[0]) / factor[0],
            (box[3] - reduce_box[1]) / factor[1],
        )
        box = (box[0], box[1], min(box[2], pixels.width), min(box[3], pixels.height))
    pixels = pixels.resize(raw_out, Image.Resampling.LANCZOS, box=box)
    if orientation in _TRANSPOSE:
        pixels = pixels.transpose(_TRANSPOSE[orientation])

    pixels = _to_srgb(pixels, icc_profile)
    data = _encode(pixels, fmt, jpeg_quality, webp_quality)
    return Rendered(
        data=data,
        width=pixels.width,
        height=pixels.height,
        format=fmt,
        decoded_size=decoded_size,
        source_size=upright,
    )


def _encode(
    image: Image.Image, fmt: str, jpeg_quality: int, webp_quality: int
) -> bytes:
    """Encode with no metadata: Pillow copies some `info` keys (a JPEG comment) on
    save, so the info dictionary is emptied and no EXIF, XMP or ICC is passed."""
    if fmt == "jpeg" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    image.info = {}
    buffer = io.BytesIO()
    if fmt == "jpeg":
        image.save(
            buffer,
            "JPEG",
            quality=jpeg_quality,
            optimize=True,
            progressive=True,
            subsampling="4:2:0",
        )
    else:
        image.save(buffer, "WEBP", quality=webp_quality, method=4)
    return buffer.getvalue()
