"""The picture library in the admin: upload, refusals as form errors, search, focal point."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from images.models import Image
from tests.images.pictures import picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def _form(file, **fields):
    return {
        "file": file,
        "alt": "Two capitals joined by a dashed line",
        "caption": "",
        "credit": "Illustration: Newsroom",
        "licence": "Own work",
        "source_url": "",
        "focal_x": "0.3",
        "focal_y": "0.6",
        **fields,
    }


def test_an_editor_uploads_a_picture_and_its_renditions_are_made(staff):
    response = staff.post(reverse("admin:images_image_add"), _form(picture(900, 600)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert (image.focal_x, image.focal_y) == (0.3, 0.6)
    assert {r["use"] for r in image.renditions} >= {"hero", "card", "square", "og"}
    page = staff.get(reverse("admin:images_image_change", args=[image.pk]))
    html = page.content.decode()
    assert 'class="focal-picker"' in html, html[html.find("Focal point") :][:800]
    assert "focal-point" in html


def test_an_svg_upload_is_a_form_error_on_the_file(staff):
    svg = SimpleUploadedFile("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    response = staff.post(reverse("admin:images_image_add"), _form(svg))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "SVG" in errors["file"][0]
    assert not Image.objects.exists()


def test_editors_find_a_picture_by_what_it_shows_or_its_credit(staff):
    Image.objects.create(file=picture(), alt="Strait at dusk", credit="Photo: A. Reporter")
    Image.objects.create(file=picture(), alt="Moscow skyline", credit="Illustration: Newsroom")
    found = staff.get(reverse("admin:images_image_changelist"), {"q": "reporter"})
    assert b"Strait at dusk" in found.content and b"Moscow skyline" not in found.content
    found = staff.get(reverse("admin:images_image_changelist"), {"q": "skyline"})
    assert b"Moscow skyline" in found.content and b"<img" in found.content
