"""A published story in standard formats: schema.org NewsArticle, IPTC ninjs 3.0, TimelineJS 3.

Each function takes a story loaded by `selectors.story_detail` (sections prefetched, citations
attached) and the request (for absolute URLs), and returns plain JSON-ready data.
"""

import datetime as dt

import nh3
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from stories.models import Story
from timelines.dates import Precision

NINJS_SCHEMA = "https://www.iptc.org/std/ninjs/ninjs-schema_3.0.json"


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def _text(html: str) -> str:
    """Plain text of sanitised HTML, paragraphs separated by blank lines."""
    spaced = html.replace("</p>", "</p>\n\n").replace("<br>", "\n")
    return nh3.clean(spaced, tags=set()).strip()


def _date_at_precision(value: dt.date, precision: str) -> str:
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def _site(request) -> dict:
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri("/"),
    }


def _author(byline: str) -> dict:
    # Staff bylines ("Newsroom Staff") credit the organization, not a person.
    kind = "Organization" if byline.lower().endswith("staff") else "Person"
    return {"@type": kind, "name": byline}


def news_article(story: Story, request) -> dict:
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
        "datePublished": _iso(story.published_at),
        "dateModified": _iso(max(filter(None, [story.updated_at, story.published_at]))),
        "author": [_author(story.byline)],
        "publisher": _site(request),
        "articleBody": "\n\n".join(
            filter(None, [_text(story.overview_html), _text(story.why_it_matters_html)])
        ),
        "mentions": [
            {
                "@type": "Person",
                "name": row.person.name,
                "jobTitle": row.person.title or None,
                "url": request.build_absolute_uri(row.person.get_absolute_url()),
            }
            for row in story.story_people.all()
        ]
        + [
            {
                "@type": "Organization",
                "name": row.organization.name,
                "url": request.build_absolute_uri(row.organization.get_absolute_url()),
            }
            for row in story.story_organizations.all()
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
            for row in story.story_sources.all()
        ],
    }
    if story.hero_image:
        data["image"] = [
            {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(story.hero_image.url),
                "width": story.hero_image_width,
                "height": story.hero_image_height,
                "caption": story.hero_image_alt,
            }
        ]
    return _without_nulls(data)


def _without_nulls(value):
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def ninjs(story: Story, request) -> dict:
    """IPTC ninjs 3.0: the story as a news item, its timeline as `events`."""
    page = request.build_absolute_uri(story.get_absolute_url())
    host = request.get_host().split(":")[0]
    data = {
        "uri": f"tag:{host},{story.created_at.year}:newsroom:story:{story.pk}",
        "standard": {"name": "ninjs", "version": "3.0", "schema": NINJS_SCHEMA},
        "type": "text",
        "representationType": "full",
        "profile": "newsroom-explainer",
        "version": str(int(story.updated_at.timestamp())),
        "firstCreated": _iso(story.created_at),
        "versionCreated": _iso(story.updated_at),
        "contentCreated": _iso(story.published_at),
        "pubStatus": "usable",
        "language": settings.LANGUAGE_CODE,
        "slugline": story.slug,
        "by": story.byline,
        "headlines": [{"role": "main", "value": story.headline}],
        "descriptions": [{"role": "summary", "contentType": "text/plain", "value": story.dek}],
        "bodies": [
            {"role": "main", "contentType": "text/html", "value": story.overview_html},
        ],
        "subjects": [
            {
                "name": story.category.name,
                "rel": "category",
                "literal": story.category.slug,
                "uri": request.build_absolute_uri(story.category.get_absolute_url()),
            }
        ],
        "people": [
            {
                "name": row.person.name,
                "rel": row.role or "mentioned",
                "literal": row.person.slug,
                "uri": request.build_absolute_uri(row.person.get_absolute_url()),
            }
            for row in story.story_people.all()
        ],
        "organisations": [
            {
                "name": row.organization.name,
                "rel": row.role or row.status or "mentioned",
                "literal": row.organization.slug,
                "uri": request.build_absolute_uri(row.organization.get_absolute_url()),
            }
            for row in story.story_organizations.all()
        ],
        "events": [
            {
                "id": str(event.pk),
                "name": event.title,
                "rel": event.kind,
                "literal": _date_at_precision(event.date, event.precision),
            }
            for event in story.events.all()
        ],
        "infoSources": [
            {
                "name": row.source.publisher,
                "role": "source",
                "literal": row.source.title,
                **({"uri": row.source.url} if row.source.url else {}),
            }
            for row in story.story_sources.all()
        ],
        "altIds": [
            {"role": "newsroom-id", "value": str(story.pk)},
            {"role": "url", "value": page},
        ],
    }
    if story.why_it_matters_html:
        data["bodies"].append(
            {
                "role": "why-it-matters",
                "contentType": "text/html",
                "value": story.why_it_matters_html,
            }
        )
    if story.hero_image:
        data["renditions"] = [
            {
                "name": "hero",
                "href": request.build_absolute_uri(story.hero_image.url),
                "width": story.hero_image_width,
                "height": story.hero_image_height,
                "title": story.hero_image_alt,
            }
        ]
    return data


def _timeline_date(value: dt.date, precision: str, display: str = "") -> dict:
    date = {"year": value.year}
    if precision in (Precision.MONTH, Precision.DAY):
        date["month"] = value.month
    if precision == Precision.DAY:
        date["day"] = value.day
    if display:
        date["display_date"] = escape(display)
    return date


def timelinejs(story: Story, request) -> dict:
    """TimelineJS 3 JSON: events as slides grouped by kind, historical contexts as eras.

    TimelineJS puts headlines, texts, display dates and group names into the page as HTML,
    and every one of them here is plain staff text: each is escaped, so a `<` stays a `<`.
    """
    today = timezone.localdate()
    return {
        "title": {
            "text": {"headline": escape(story.headline), "text": escape(story.dek)},
            "unique_id": f"story-{story.pk}",
        },
        "events": [
            {
                "unique_id": f"event-{event.pk}",
                "start_date": _timeline_date(event.date, event.precision, event.date_label),
                "display_date": escape(event.date_display),
                "text": {"headline": escape(event.title), "text": escape(event.description)},
                "group": escape(event.get_kind_display()),
            }
            for event in story.events.all()
        ],
        "eras": [
            {
                "start_date": _timeline_date(context.period_start, context.period_start_precision),
                "end_date": _timeline_date(
                    context.period_end or today,
                    context.period_end_precision if context.period_end else Precision.DAY,
                ),
                "text": {"headline": escape(context.title)},
            }
            for context in story.historical_contexts.all()
        ],
    }
