"""What an upload must be to be kept, and what is kept of it (images.uploads, core.images)."""

import io
import re
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Pillow

from images.models import Image
from tests.images.pictures import gps_exif, noise, picture, png_bomb

pytestmark = pytest.mark.django_db


def _save(file, **fields):
    image = Image(file=file, alt="A map of the strait", credit="Illustration: Newsroom", **fields)
    image.full_clean()
    image.save()
    return image


def _refusal(file) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        _save(file)
    return refused.value


def test_a_decompression_bomb_is_refused_quickly_from_its_header():
    started = time.monotonic()
    refused = _refusal(png_bomb())
    assert time.monotonic() - started < 1.0
    assert "file" in refused.message_dict
    assert "megapixels" in refused.message_dict["file"][0]


def test_svg_is_refused_with_a_reason():
    svg = SimpleUploadedFile(
        "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    message = _refusal(svg).message_dict["file"][0]
    assert "SVG" in message and "PNG" in message


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name():
    pdf = SimpleUploadedFile("photo.jpg", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    assert "not one" in _refusal(pdf).message_dict["file"][0]


def test_an_oversized_file_is_refused(settings):
    settings.IMAGE_MAX_BYTES = 1000
    big = noise(40, 30)
    assert big.size > 1000
    assert "at most" in _refusal(big).message_dict["file"][0]


def test_the_type_comes_from_the_content_not_the_name():
    image = _save(picture(kind="PNG", name="holiday.jpg"))
    assert image.file.name.endswith(".png")
    with image.file.storage.open(image.file.name) as file, Pillow.open(file) as stored:
        assert stored.format == "PNG"


def test_exif_and_gps_are_removed_and_the_orientation_applied():
    # Orientation 6: the camera was turned; the picture is shown turned 90° clockwise.
    upload = picture(60, 40, kind="JPEG", exif=gps_exif(orientation=6))
    with Pillow.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get_ifd(0x8825)  # the GPS position is there before
    upload.seek(0)
    image = _save(upload)
    with image.file.storage.open(image.file.name) as file, Pillow.open(file) as stored:
        assert not stored.getexif()  # no EXIF at all: no GPS, no camera, no orientation
        assert "exif" not in stored.info
        assert stored.size == (40, 60)  # upright
    assert (image.width, image.height) == (40, 60)
    for rendition in image.renditions:
        with image.file.storage.open(rendition["name"]) as file, Pillow.open(file) as made:
            assert not made.getexif(), rendition["name"]


def test_file_names_are_made_safe():
    image = _save(picture(name="../../etc/passwd <script>x</script>.png"))
    stored = image.file.name
    assert stored.startswith("images/") and ".." not in stored
    assert "<" not in stored and " " not in stored
    assert re.fullmatch(r"images/\d{4}/\d{2}/[a-z0-9-]+-[0-9a-f]{8}\.png", stored), stored


def test_a_too_narrow_strip_is_refused():
    assert "too narrow" in _refusal(picture(2100, 10)).message_dict["file"][0]


def test_alt_text_and_credit_are_required():
    image = Image(file=picture())
    with pytest.raises(ValidationError) as refused:
        image.full_clean()
    assert {"alt", "credit"} <= set(refused.value.message_dict)


def test_the_focal_point_stays_inside_the_picture():
    with pytest.raises(ValidationError) as refused:
        _save(picture(), focal_x=1.5)
    assert "focal_x" in refused.value.message_dict
