"""The picture library: every image once, with its credit, found by what it shows."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from editorial.admin.guards import GuardedAdmin
from images.models import Image


def _smallest(image, use: str):
    found = [r for r in image.renditions_for(use) if r["type"] in ("image/jpeg", "image/png")]
    return found[0] if found else None


@admin.register(Image)
class ImageAdmin(GuardedAdmin):
    """Editors upload a picture once and pick it for any story, person or organization."""

    list_display = ["thumbnail", "alt", "credit", "licence", "created_at"]
    list_display_links = ["thumbnail", "alt"]
    search_fields = ["alt", "caption", "credit", "licence", "source_url"]
    list_filter: list[str] = []
    readonly_fields = ["focal_point_picker", "size"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["file", "alt", "caption"]}),
        ("Credit and rights", {"fields": ["credit", "licence", "source_url"]}),
        (
            "Focal point",
            {
                "fields": ["focal_point_picker", "focal_x", "focal_y", "size"],
                "description": (
                    "Crops for phones, cards and link previews keep this point in view. Click "
                    "the picture where it matters most, or type the two numbers."
                ),
            },
        ),
    ]

    class Media:
        js = ["js/focal-point.js"]
        css = {"all": ["css/admin.css"]}

    @admin.display(description="picture")
    def thumbnail(self, image):
        small = _smallest(image, "square")
        if small is None:
            return "—"
        return format_html(
            '<img src="{}" width="48" height="48" alt="" class="image-thumb">', small["url"]
        )

    @admin.display(description="pixels")
    def size(self, image):
        return f"{image.width:,} × {image.height:,}" if image.width else "—"

    @admin.display(description="picture")
    def focal_point_picker(self, image):
        if not image.pk or not image.file:
            return "Save the picture first; then click it to set where crops centre."
        preview = [
            r for r in image.renditions_for("hero") if r["type"] in ("image/jpeg", "image/png")
        ]
        url = preview[0]["url"] if preview else image.file.url
        return format_html(
            '<span class="focal-picker" data-focal-x="id_focal_x" data-focal-y="id_focal_y">'
            '<img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal-marker" hidden aria-hidden="true"></span>'
            "</span>",
            url,
            image.alt,
            image.width,
            image.height,
        )
