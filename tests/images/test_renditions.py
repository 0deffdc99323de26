"""Renditions: each use's shape and widths, modern formats first, cropped at the focal point,
made once (images.renditions)."""

import pytest
from django.core.files.storage import FileSystemStorage
from PIL import Image as Pillow

from images import renditions
from images.models import Image
from tests.images.pictures import picture

pytestmark = pytest.mark.django_db


def _image(width, height, **fields):
    return Image.objects.create(
        file=picture(width, height), alt="A map", credit="Illustration: Newsroom", **fields
    )


def test_each_use_gets_its_widths_in_avif_webp_and_a_fallback():
    image = _image(1700, 1000)
    hero = image.renditions_for("hero")
    assert sorted({r["width"] for r in hero}) == [480, 800, 1200, 1600]
    assert {r["type"] for r in hero} == {"image/avif", "image/webp", "image/png"}
    for r in hero:
        assert r["height"] == round(r["width"] * 9 / 16)
        assert r["url"].startswith("/media/")
        with image.file.storage.open(r["name"]) as file, Pillow.open(file) as made:
            assert made.size == (r["width"], r["height"])
            assert Pillow.MIME[made.format] == r["type"]
    assert {r["width"] for r in image.renditions_for("square")} == {96, 192, 384}
    assert [(r["width"], r["height"]) for r in image.renditions_for("og")] == [(1200, 630)]


def test_a_jpeg_falls_back_to_jpeg():
    image = Image.objects.create(
        file=picture(500, 300, kind="JPEG"), alt="A map", credit="Illustration: Newsroom"
    )
    assert {r["type"] for r in image.renditions_for("card")} == {
        "image/avif",
        "image/webp",
        "image/jpeg",
    }


def test_nothing_is_enlarged():
    image = _image(600, 400)
    assert {r["width"] for r in image.renditions_for("hero")} == {480}
    small = _image(100, 50)
    assert {(r["width"], r["height"]) for r in small.renditions_for("hero")} == {(88, 50)}


def test_the_crop_keeps_the_focal_point_and_a_new_point_is_a_new_url():
    image = _image(800, 200, focal_x=0.0)  # the left half is dark (tests.images.pictures)
    left = [r for r in image.renditions_for("square") if r["type"] == "image/png"][0]
    with image.file.storage.open(left["name"]) as file, Pillow.open(file) as made:
        assert made.convert("L").getpixel((2, 0)) < 60  # from the dark left edge
    image.focal_x = 1.0
    image.save()
    right = [r for r in image.renditions_for("square") if r["type"] == "image/png"][0]
    assert right["url"] != left["url"]
    with image.file.storage.open(right["name"]) as file, Pillow.open(file) as made:
        assert made.convert("L").getpixel((made.width - 3, 1)) > 60  # the light right edge


def test_renditions_are_made_once(monkeypatch):
    image = _image(500, 300)
    made = []
    real = renditions.ImageCacheFile.generate
    monkeypatch.setattr(
        renditions.ImageCacheFile,
        "generate",
        lambda self, force=False: made.append(self.name) or real(self, force),
    )
    writes = []
    real_save = FileSystemStorage._save
    monkeypatch.setattr(
        FileSystemStorage,
        "_save",
        lambda self, name, content: writes.append(name) or real_save(self, name, content),
    )
    image.caption = "Changed words only"
    image.save()
    assert made and not writes  # every name looked up, nothing drawn again
