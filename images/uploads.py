"""What is kept of an upload: the picture, upright, without its metadata, under a safe name.

core.images decides whether an upload is accepted (bytes, pixels read from the header only,
the format from the content). This decides what is stored once it is: the pixels decoded and
turned by their EXIF orientation, then encoded again in the same format with nothing of the
original's metadata (EXIF with its GPS position, XMP, comments) but the colour profile, under
a name made of the original's stem as a slug and a random part, with the format's extension.
"""

import io
import secrets
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageOps

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
_SAVE = {
    "JPEG": {"quality": 92, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 92},
    "GIF": {},
}


def safe_name(original: str, kind: str) -> str:
    stem = slugify(PurePath(original or "").stem)[:60].strip("-") or "image"
    return f"{stem}-{secrets.token_hex(4)}.{EXTENSIONS[kind]}"


def sanitised(file) -> ContentFile:
    """`file` (an accepted upload) as it is stored: see the module's docstring."""
    file.seek(0)
    with Image.open(file) as image:
        kind = image.format
        if kind == "GIF" and getattr(image, "n_frames", 1) > 1:
            # An animation keeps its frames; GIF carries no EXIF, and comments are dropped.
            out = io.BytesIO()
            image.save(out, "GIF", save_all=True, loop=image.info.get("loop", 0))
            return ContentFile(out.getvalue(), name=safe_name(file.name, kind))
        image.load()
        upright = ImageOps.exif_transpose(image)
        icc = image.info.get("icc_profile")
    options = dict(_SAVE[kind])
    if icc and kind != "GIF":
        options["icc_profile"] = icc
    if kind == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    upright.info.clear()  # exif, xmp, comment: nothing of it is written again
    out = io.BytesIO()
    upright.save(out, kind, **options)
    return ContentFile(out.getvalue(), name=safe_name(file.name, kind))
