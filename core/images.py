"""Uploaded images: what the site accepts, decided once for every image field.

`validate_image` is the rule: at most `IMAGE_MAX_BYTES`, `IMAGE_MAX_PIXELS` and
`IMAGE_MAX_SIDE` pixels a side, a sane shape, and a JPEG, PNG, GIF or WebP by its content
(Pillow reads the header only; nothing is decoded). The model field (`ImageField`), its form
field (admin) and the API's upload field (core.rest.fields.ImageUploadField) apply it before Django's own
image check, which opens the file with Pillow and would refuse a huge image with only "not a
valid image".
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import signals
from PIL import Image

FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP"}
# Wider than a panorama banner needs; thinner than this is a strip, not a picture.
MAX_ASPECT_RATIO = 20

# Pillow's own decompression-bomb guard (89 megapixels by default) follows the site's limit,
# for any image opened outside an upload too: it warns past the limit and refuses past twice it.
Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1e6:.1f}".removesuffix(".0") + " megapixels"


def _looks_like_svg(file) -> bool:
    head = file.read(1024)
    head = head if isinstance(head, bytes) else head.encode()
    return b"<svg" in head.lower()


def validate_image(file) -> None:
    """Refuse an upload that is too big in bytes or pixels, oddly shaped, or not an image."""
    if not file or getattr(file, "_committed", False):
        # No file, or one stored before (a FieldFile already saved): only new uploads are
        # checked, so a story whose image predates a rule stays editable.
        return
    if file.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            f"This file is {_megabytes(file.size)}; images may be at most "
            f"{_megabytes(settings.IMAGE_MAX_BYTES)}.",
            code="image_too_large",
        )
    max_pixels = settings.IMAGE_MAX_PIXELS
    limits = (
        f"images may be at most {_megapixels(max_pixels)} and "
        f"{settings.IMAGE_MAX_SIDE:,} pixels a side"
    )
    start = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as image:  # reads the header; the pixels stay undecoded
            kind, (width, height) = image.format, image.size
    except Image.DecompressionBombError:
        raise ValidationError(
            f"This image is over {_megapixels(2 * max_pixels)}; {limits}.",
            code="image_too_many_pixels",
        ) from None
    except Exception:
        file.seek(start)
        if _looks_like_svg(file):
            raise ValidationError(
                "SVG images are not accepted: they can carry scripts. Upload a PNG or JPEG "
                "export of it.",
                code="image_format",
            ) from None
        raise ValidationError(
            "Upload a JPEG, PNG, GIF or WebP image; this file is not one, or it is damaged.",
            code="invalid_image",
        ) from None
    finally:
        file.seek(start)
    if kind not in FORMATS:
        raise ValidationError(
            f"This is a {kind} image; upload a JPEG, PNG, GIF or WebP.", code="image_format"
        )
    if width * height > max_pixels or max(width, height) > settings.IMAGE_MAX_SIDE:
        raise ValidationError(
            f"This image is {width:,} × {height:,} pixels ({_megapixels(width * height)}); "
            f"{limits}.",
            code="image_too_many_pixels",
        )
    if max(width, height) > MAX_ASPECT_RATIO * max(min(width, height), 1):
        raise ValidationError(
            f"This image is {width:,} × {height:,} pixels: too narrow to show. Crop it to at most "
            f"{MAX_ASPECT_RATIO} times as long as it is wide.",
            code="image_shape",
        )


class ImageFormField(forms.ImageField):
    """Django's image form field, with `validate_image` before Django opens the file."""

    def to_python(self, data):
        if data not in self.empty_values and getattr(data, "size", 0):
            validate_image(data)
        return super().to_python(data)


class ImageField(models.ImageField):
    """Django's ImageField with the site's upload rule, in the admin and in model validation."""

    default_validators = [*models.ImageField.default_validators, validate_image]

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        # Django measures the image on every load (post_init) when its width or height is
        # empty: a file read per instance read. Saving a new file measures it already
        # (FieldFile.save assigns it again, which updates the dimensions), so loads need not.
        signals.post_init.disconnect(self.update_dimension_fields, sender=cls)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageFormField, **kwargs})
