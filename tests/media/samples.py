"""Test files made in memory: good images, and every kind of bad upload."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

#: EXIF tags that identify people and places; none may reach a rendition.
GPS_IFD = 0x8825
MAKE, MODEL, SERIAL, OWNER, ARTIST, ORIENTATION = (
    0x010F,
    0x0110,
    0xA431,  # BodySerialNumber
    0xA430,  # CameraOwnerName
    0x013B,
    0x0112,
)


def picture(width: int = 120, height: int = 80) -> Image.Image:
    """A small picture with distinct regions, so crops and rotations are visible."""
    image = Image.new("RGB", (width, height), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 3, height // 3), fill=(220, 20, 20))
    draw.ellipse(
        (width // 3, height // 4, 2 * width // 3, 3 * height // 4), fill=(20, 160, 40)
    )
    draw.rectangle((2 * width // 3, 2 * height // 3, width, height), fill=(20, 40, 220))
    return image


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg_bytes(width: int = 120, height: int = 80, **params) -> bytes:
    return encode(picture(width, height), "JPEG", **params)


def png_bytes(width: int = 120, height: int = 80) -> bytes:
    return encode(picture(width, height), "PNG")


def webp_bytes(width: int = 120, height: int = 80) -> bytes:
    return encode(picture(width, height), "WEBP")


def tiff_bytes(width: int = 120, height: int = 80) -> bytes:
    return encode(picture(width, height), "TIFF")


def private_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone or camera writes it: GPS position, serial number, owner."""
    exif = Image.Exif()
    exif[MAKE] = "ExampleCam"
    exif[MODEL] = "X100"
    exif[ARTIST] = "Jane Private"
    exif[ORIENTATION] = orientation
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[SERIAL] = "SN-123456789"
    exif_ifd[OWNER] = "Jane Private"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (50.0, 50.0, 30.0)
    gps[3] = "E"
    gps[4] = (4.0, 21.0, 0.0)
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
    b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"'
    b' dc:creator="Jane Private"/></rdf:RDF></x:xmpmeta>'
)


def jpeg_with_metadata(
    width: int = 120, height: int = 80, orientation: int = 1
) -> bytes:
    """A JPEG carrying EXIF (GPS, serial, owner), XMP, a comment and an ICC profile."""
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(
        picture(width, height),
        "JPEG",
        exif=private_exif(orientation).tobytes(),
        xmp=XMP,
        comment=b"Owner: Jane Private, 12 Example Street",
        icc_profile=srgb,
        quality=95,
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width: int = 40000, height: int = 40000) -> bytes:
    """A tiny PNG that declares a huge canvas: a decompression bomb's header."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def psd_bytes(width: int = 8, height: int = 8) -> bytes:
    """A minimal Photoshop document (raw RGB)."""
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    sections = struct.pack(">III", 0, 0, 0)
    data = struct.pack(">H", 0) + b"\x80" * (width * height * 3)
    return header + sections + data


EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
    b"newpath 0 0 moveto 10 10 lineto stroke\nshowpage\n%%EOF\n"
)
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><script>alert(document.cookie)</script><rect width="10" '
    b'height="10"/></svg>\n'
)
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
FAKE_PDF = b"<html><body><script>alert(1)</script>Not a PDF</body></html>\n"


def truncated_jpeg() -> bytes:
    data = encode(picture(400, 300), "JPEG", quality=90)
    return data[: len(data) // 2]


def icc_profile_swapping_red_and_blue() -> bytes:
    """A matrix/TRC RGB ICC profile whose red primary is sRGB's blue and vice versa.

    A pixel (255, 0, 0) tagged with it *means* blue, so correct conversion to sRGB
    gives a blue rendition: a plain test that the profile is honoured.
    """

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + b"\x00" * 4 + s15(x) + s15(y) + s15(z)

    curve = (
        b"curv"
        + b"\x00" * 4
        + struct.pack(">I", 1)
        + struct.pack(">H", 0x0233)
        + b"\x00\x00"
    )
    description = (
        b"desc" + b"\x00" * 4 + struct.pack(">I", 5) + b"swap\x00" + b"\x00" * 79
    )
    # sRGB (D50-adapted) primaries, red and blue swapped.
    red, green, blue = (
        (0.4361, 0.2225, 0.0139),
        (0.3851, 0.7169, 0.0971),
        (0.1431, 0.0606, 0.7141),
    )
    tags = [
        (b"desc", description),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*blue)),
        (b"gXYZ", xyz(*green)),
        (b"bXYZ", xyz(*red)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        while len(body) % 4:
            body += b"\x00"
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\x00" * 12
        + b"acsp"
        + b"\x00" * 24
        + struct.pack(">I", 0)
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + b"\x00" * 48
    )
    assert len(header) == 128, len(header)
    return header + struct.pack(">I", len(tags)) + table + data
