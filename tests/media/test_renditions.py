"""The pixel pipeline (archive/renditions.py): pure Pillow, tested without a database."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from archive import renditions
from tests.media import samples


def read(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("thumbnail", "fill-200x200"),
        ("card", "fill-400x300"),
        ("medium", "width-800"),
        ("large", "width-1600"),
        ("fill-640x480", "fill-640x480"),
        ("width-1200", "width-1200"),
    ],
)
def test_specs_parse_from_names_and_strings(value, expected):
    assert str(renditions.parse_spec(value)) == expected


@pytest.mark.parametrize(
    "value", ["fill-0x10", "width-0", "width-99999", "fill-10", "crop-1x1", "", "x"]
)
def test_bad_specs_are_refused(value):
    with pytest.raises(renditions.InvalidSpec):
        renditions.parse_spec(value)


def test_formats_are_jpeg_and_webp_only():
    assert renditions.FORMATS == ("jpeg", "webp")
    assert renditions.parse_format("JPG") == "jpeg"
    with pytest.raises(renditions.InvalidSpec):
        renditions.parse_format("gif")


@pytest.mark.parametrize("fmt", renditions.FORMATS)
def test_fill_gives_exact_size_in_the_requested_format(fmt):
    result = renditions.render(samples.jpeg_bytes(600, 400), "fill-90x90", fmt)
    image = read(result.data)
    assert image.size == (90, 90) == (result.width, result.height)
    assert image.format == fmt.upper()


def test_width_keeps_the_aspect_ratio():
    result = renditions.render(samples.png_bytes(600, 400), "width-300")
    assert (result.width, result.height) == (300, 200)


def test_small_originals_are_never_enlarged():
    assert renditions.render(samples.png_bytes(120, 80), "width-800").width == 120
    fill = renditions.render(samples.png_bytes(120, 80), "fill-400x300")
    assert (fill.width, fill.height) == (107, 80)


def test_fill_crop_follows_the_focal_point():
    """Left half red, right half blue: the crop shows the side the focal point is on."""
    image = Image.new("RGB", (400, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 200, 100))
    data = samples.encode(image, "PNG")
    left = read(renditions.render(data, "fill-50x50", focal=(0.1, 0.5)).data)
    right = read(renditions.render(data, "fill-50x50", focal=(0.9, 0.5)).data)
    assert left.getpixel((25, 25))[0] > 200 and left.getpixel((25, 25))[2] < 60
    assert right.getpixel((25, 25))[2] > 200 and right.getpixel((25, 25))[0] < 60


def test_focal_point_near_an_edge_keeps_the_crop_inside_the_image():
    box, size = renditions.plan(
        renditions.parse_spec("fill-100x100"), (400, 100), (1, 1)
    )
    assert box == (300.0, 0.0, 400.0, 100.0) and size == (100, 100)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(
    ("spec", "focal"),
    [("fill-60x60", (0.2, 0.3)), ("width-90", (0.5, 0.5)), ("fill-80x40", (0.9, 0.9))],
)
def test_exif_orientation_is_applied(orientation, spec, focal):
    """Each of the 8 EXIF orientations gives the same pixels as rotating first."""
    exif = Image.Exif()
    exif[samples.ORIENTATION] = orientation
    data = samples.encode(samples.picture(300, 200), "PNG", exif=exif.tobytes())
    result = read(
        renditions.render(data, spec, "webp", focal=focal, webp_quality=100).data
    )
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    box, size = renditions.plan(renditions.parse_spec(spec), upright.size, focal)
    expected = upright.resize(size, Image.Resampling.LANCZOS, box=box)
    assert result.size == expected.size
    difference = ImageStat.Stat(ImageChops.difference(result.convert("RGB"), expected))
    assert max(difference.mean) < 6, difference.mean


def test_portrait_photo_with_orientation_6_comes_out_portrait():
    data = samples.jpeg_with_metadata(200, 100, orientation=6)
    result = renditions.render(data, "width-50")
    assert (result.width, result.height) == (50, 100)


@pytest.mark.parametrize("fmt", renditions.FORMATS)
def test_renditions_carry_no_metadata(fmt):
    """No EXIF (GPS, serial, owner), XMP, comment or ICC profile survives."""
    source = read(samples.jpeg_with_metadata(orientation=1))
    assert source.getexif().get_ifd(samples.GPS_IFD)  # the original does have GPS
    assert {"exif", "xmp", "comment", "icc_profile"} <= set(source.info)

    data = renditions.render(samples.jpeg_with_metadata(), "card", fmt).data
    image = read(data)
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(samples.GPS_IFD) == {}
    for key in ("exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp"):
        assert key not in image.info
    for needle in (b"Jane Private", b"SN-123456789", b"ExampleCam", b"Example Street"):
        assert needle not in data


def test_colour_is_converted_to_srgb_with_the_embedded_profile():
    """Red under a profile whose red primary is sRGB blue renders as blue."""
    tagged = samples.encode(
        Image.new("RGB", (40, 40), (255, 0, 0)),
        "PNG",
        icc_profile=samples.icc_profile_swapping_red_and_blue(),
    )
    red, _green, blue = read(renditions.render(tagged, "width-20").data).getpixel(
        (10, 10)
    )
    assert blue > 200 and red < 40


def test_cmyk_jpeg_becomes_rgb():
    data = samples.encode(Image.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG")
    image = read(renditions.render(data, "width-32").data)
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((16, 12))
    assert red > 200 and green < 80 and blue < 80


@pytest.mark.parametrize(
    "image",
    [
        Image.new("P", (50, 40), 3),
        Image.new("1", (50, 40), 1),
        Image.new("L", (50, 40), 128),
        Image.new("LA", (50, 40), (128, 100)),
        Image.new("RGBA", (50, 40), (10, 200, 30, 128)),
        Image.new("I;16", (50, 40), 40000),
    ],
    ids=lambda image: image.mode,
)
@pytest.mark.parametrize("fmt", renditions.FORMATS)
def test_every_common_mode_renders(image, fmt):
    result = renditions.render(samples.encode(image, "PNG"), "fill-20x20", fmt)
    assert read(result.data).mode in ("RGB", "RGBA")


def test_sixteen_bit_samples_are_scaled_not_clipped():
    data = samples.encode(Image.new("I;16", (50, 40), 32768), "PNG")
    value = read(renditions.render(data, "width-10").data).getpixel((5, 5))
    assert 110 < value[0] < 145


def test_transparency_is_kept_in_webp_and_flattened_on_white_in_jpeg():
    data = samples.encode(Image.new("RGBA", (40, 40), (0, 0, 0, 0)), "PNG")
    assert (
        read(renditions.render(data, "width-20", "webp").data).getpixel((5, 5))[3] == 0
    )
    assert read(renditions.render(data, "width-20", "jpeg").data).getpixel((5, 5)) >= (
        250,
        250,
        250,
    )


def test_large_jpeg_thumbnail_decodes_at_reduced_scale():
    """Draft mode: a 4000x3000 JPEG is decoded at 1/8 scale for a thumbnail."""
    data = samples.jpeg_bytes(4000, 3000)
    result = renditions.render(data, "thumbnail")
    assert result.decoded_size == (500, 375)
    assert result.source_size == (4000, 3000)
    assert (result.width, result.height) == (200, 200)


def test_reduce_is_used_when_there_is_no_draft_mode(monkeypatch):
    """PNG has no draft mode: reduce() shrinks by a whole factor before Lanczos."""
    calls = []
    original = Image.Image.reduce

    def spy(self, factor, box=None):
        calls.append(factor)
        return original(self, factor, box)

    monkeypatch.setattr(Image.Image, "reduce", spy)
    result = renditions.render(samples.png_bytes(2000, 1500), "fill-200x150")
    assert calls == [(5, 5)]
    assert (result.width, result.height) == (200, 150)


def test_only_allowed_formats_are_decoded():
    gif = samples.encode(Image.new("P", (10, 10)), "GIF")
    with pytest.raises(renditions.RenditionError):
        renditions.render(gif, "thumbnail")


def test_bomb_is_refused_by_the_pipeline_too():
    with pytest.raises(renditions.RenditionError):
        renditions.render(samples.png_bomb(), "thumbnail")
    with pytest.raises(renditions.RenditionError):
        renditions.render(samples.png_bytes(200, 100), "thumbnail", max_pixels=100)


def test_damaged_original_raises_a_rendition_error():
    with pytest.raises(renditions.RenditionError):
        renditions.render(samples.truncated_jpeg(), "thumbnail")


def test_the_callers_file_stays_open():
    handle = io.BytesIO(samples.png_bytes())
    renditions.render(handle, "thumbnail")
    assert not handle.closed
