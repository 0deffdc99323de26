"""schema.org NewsArticle JSON-LD for a story: the one builder the story page and the export use.

Takes a story loaded by `selectors.story_page` or `selectors.story_detail` (sections loaded,
newest update note known) and the request (for absolute URLs); returns JSON-ready data with no
nulls. It reads only what those selectors loaded: no query of its own.

Choices, after Google's Article structured data guidelines:
- `author`: one entry per person or desk the byline credits, the name alone (no "By"), a desk
  as an Organization (stories.bylines);
- `dateModified`: the story's last content change: its own row's save or a timeline event's
  edit or an update note, whichever is newest, never before `datePublished`;
- `image`: the hero image when there is one, else the site's default article images in the
  three shapes Google asks for (16:9, 4:3, 1:1), so the article is always eligible.
"""

import datetime as dt

import nh3
from django.conf import settings
from django.templatetags.static import static

from stories.bylines import byline_credits

# The default article images (static/img), drawn for the site: (path, width, height).
DEFAULT_IMAGES = (
    ("img/article-default-16x9.png", 1200, 675),
    ("img/article-default-4x3.png", 1200, 900),
    ("img/article-default-1x1.png", 1200, 1200),
)
LOGO = ("img/logo.png", 512, 512)


def iso_utc(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a "Z", as the exports write every time."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def plain_text(html: str) -> str:
    """Plain text of sanitised HTML, paragraphs separated by blank lines."""
    spaced = html.replace("</p>", "</p>\n\n").replace("<br>", "\n")
    return nh3.clean(spaced, tags=set()).strip()


def last_content_change(story) -> dt.datetime | None:
    """When the story's content last changed: its row, a timeline event or an update note."""
    if hasattr(story, "latest_note_at"):
        note_at = story.latest_note_at
    else:
        notes = story.sections.update_notes  # newest first
        note_at = notes[0].created_at if notes else None
    moments = [story.published_at, story.updated_at, note_at]
    moments += [event.updated_at for event in story.sections.events]
    return max(filter(None, moments), default=None)


def _image(request, path: str, width: int, height: int, caption: str | None = None) -> dict:
    return {
        "@type": "ImageObject",
        "url": request.build_absolute_uri(path),
        "width": width,
        "height": height,
        "caption": caption or None,
    }


def article_images(story, request) -> list[dict]:
    """The hero image, or the default article images when the story has none."""
    if story.hero_image:
        hero = story.hero_image
        return [
            _image(
                request,
                hero.url,
                story.hero_image_width,
                story.hero_image_height,
                story.hero_image_alt,
            )
        ]
    return [_image(request, static(path), w, h) for path, w, h in DEFAULT_IMAGES]


def _publisher(request) -> dict:
    path, width, height = LOGO
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri("/"),
        "logo": _image(request, static(path), width, height),
    }


def _authors(story, request) -> list[dict]:
    home = request.build_absolute_uri("/")
    return [
        {"@type": "Organization", "name": credit.name, "url": home}
        if credit.is_organization
        else {"@type": "Person", "name": credit.name}
        for credit in byline_credits(story.byline)
    ]


def news_article(story, request) -> dict:
    """schema.org `NewsArticle` JSON-LD, as search engines read it."""
    page = request.build_absolute_uri(story.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": f"{page}#article",
        "url": page,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page},
        "headline": story.headline[:110],
        "alternativeHeadline": story.dek,
        "description": story.dek,
        "articleSection": story.category.name,
        "inLanguage": settings.LANGUAGE_CODE,
        "isAccessibleForFree": True,
        "datePublished": iso_utc(story.published_at),
        "dateModified": iso_utc(last_content_change(story)),
        "author": _authors(story, request),
        "publisher": _publisher(request),
        "image": article_images(story, request),
        "articleBody": "\n\n".join(
            filter(None, [plain_text(story.overview_html), plain_text(story.why_it_matters_html)])
        ),
        "mentions": [
            {
                "@type": "Person",
                "name": row.person.name,
                "jobTitle": row.person.title or None,
                "url": request.build_absolute_uri(row.person.get_absolute_url()),
            }
            for row in story.sections.story_people
        ]
        + [
            {
                "@type": "Organization",
                "name": row.organization.name,
                "url": request.build_absolute_uri(row.organization.get_absolute_url()),
            }
            for row in story.sections.story_organizations
        ],
        "citation": [
            {
                "@type": "CreativeWork",
                "name": row.source.title,
                "publisher": {"@type": "Organization", "name": row.source.publisher},
                "author": row.source.authors or None,
                "url": row.source.url or None,
                "datePublished": row.source.published_on.isoformat()
                if row.source.published_on
                else None,
            }
            for row in story.sections.story_sources
        ],
    }
    return without_nulls(data)


def without_nulls(value):
    """`value` with every None left out of its objects (schema.org has no use for nulls)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value
