"""The sizes each picture is made in, for each place it shows, and the one way to read them.

A rendition is a crop of the picture to the use's shape, around its focal point (pilkit's
ResizeToFill anchored at it, as CSS's object-position), at one of the use's widths, in AVIF
and WebP with a JPEG (or, for pictures with transparency, PNG) fallback. django-imagekit
names each file by a hash of its source, processors and format, writes it through Django's
storage API once, and never looks again (its Optimistic strategy): a changed focal point is a
new name, so every URL can be cached for ever. What was made is listed on the image
(`Image.renditions`), so a read is a list, with no storage call and no name to compute.

Widths larger than the picture are not made: nothing is enlarged.
"""

from dataclasses import dataclass

from django.core.files.storage import default_storage
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from PIL import features
from pilkit.processors import ResizeToFill


@dataclass(frozen=True)
class Use:
    ratio: tuple[int, int]  # width : height
    widths: tuple[int, ...]
    formats: tuple[str, ...] = ("AVIF", "WEBP", "FALLBACK")


USES = {
    # The top of a story: full width on a phone, the column's width on a desktop.
    "hero": Use((16, 9), (480, 800, 1200, 1600)),
    # Brief and list cards.
    "card": Use((3, 2), (240, 480, 720)),
    # Portraits and logos, shown at 48 and 96 CSS pixels.
    "square": Use((1, 1), (96, 192, 384)),
    # Link previews and search engines: what Open Graph and Google's NewsArticle ask for.
    "og": Use((1200, 630), (1200,), ("FALLBACK",)),
    "1x1": Use((1, 1), (1200,), ("FALLBACK",)),
    "4x3": Use((4, 3), (1200,), ("FALLBACK",)),
    "16x9": Use((16, 9), (1200,), ("FALLBACK",)),
}
# What this Pillow can write: AVIF and WebP where it was built with them, JPEG and PNG always.
MADE = {"JPEG", "PNG"} | {kind for kind in ("AVIF", "WEBP") if features.check(kind.lower())}
MIME = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png"}
_OPTIONS = {
    "AVIF": {"quality": 60, "speed": 8},
    "WEBP": {"quality": 78, "method": 4},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
}


class Rendition(ImageSpec):
    """One crop of `source` at (width, height) around `focal`, in `format`."""

    def __init__(self, source, *, width, height, focal, format):
        self.processors = [ResizeToFill(width, height, anchor=focal, upscale=False)]
        self.format = format
        self.options = _OPTIONS[format]
        super().__init__(source)


def boxes(image, use: Use) -> list[tuple[int, int]]:
    """The (width, height) of each of the use's renditions that `image` is large enough for;
    one smaller box of the use's shape when it is too small for any."""
    rw, rh = use.ratio
    fitting = [(w, round(w * rh / rw)) for w in use.widths]
    fitting = [(w, h) for w, h in fitting if w <= image.width and h <= image.height]
    if fitting or not image.width or not image.height:
        return fitting
    width = min(image.width, image.height * rw // rh)
    return [(width, max(1, round(width * rh / rw)))] if width else []


def _fallback(image) -> str:
    return "PNG" if image.file.name.lower().endswith((".png", ".gif")) else "JPEG"


def make(image) -> list[dict]:
    """Make (or find already made) every rendition of `image` and return their list, for
    `Image.renditions`."""
    made = []
    focal = (image.focal_x, image.focal_y)
    for name, use in USES.items():
        for width, height in boxes(image, use):
            for kind in use.formats:
                kind = _fallback(image) if kind == "FALLBACK" else kind
                if kind not in MADE:
                    continue  # this Pillow cannot write it (AVIF before Pillow 11.2)
                spec = Rendition(image.file, width=width, height=height, focal=focal, format=kind)
                file = ImageCacheFile(spec)
                file.generate()  # once: a name already stored is not made again
                made.append(
                    {
                        "use": name,
                        "name": file.name,
                        "width": width,
                        "height": height,
                        "type": MIME[kind],
                    }
                )
    return made


def of(image, use: str) -> list[dict]:
    """The renditions of `image` for `use`, each with its `url`: widest last, each format's
    together (AVIF, WebP, then the fallback)."""
    found = [r for r in (image.renditions or []) if r["use"] == use]
    return [{**r, "url": default_storage.url(r["name"])} for r in found]
