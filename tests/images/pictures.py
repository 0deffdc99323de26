"""Pictures made for tests, in memory."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def picture(width=64, height=36, kind="PNG", name=None, exif=None, color=(200, 80, 40)):
    image = Image.new("RGB", (width, height), color)
    if width > 1:  # something to crop by: the left half dark
        ImageDraw.Draw(image).rectangle([0, 0, width // 2 - 1, height], fill=(20, 20, 20))
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(out, kind, **options)
    extension = {"JPEG": "jpg"}.get(kind, kind.lower())
    return SimpleUploadedFile(name or f"picture.{extension}", out.getvalue())


def gps_exif(orientation=None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 0.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "W", (0.0, 7.0, 0.0)
    if orientation:
        exif[0x0112] = orientation
    return exif.tobytes()


def png_bomb(width=30_000, height=30_000) -> SimpleUploadedFile:
    """A valid PNG header declaring `width` × `height` pixels, with one tiny compressed row:
    decoding it would take gigabytes; its header says so in 33 bytes."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data)


def noise(width, height) -> SimpleUploadedFile:
    """A PNG that does not compress: `width` × `height` × 3 bytes or more."""
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG")
    return SimpleUploadedFile("noise.png", out.getvalue())
