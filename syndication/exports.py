"""A published story in standard formats: schema.org NewsArticle, IPTC ninjs 3.0, TimelineJS 3.

Each function takes a story loaded by `selectors.story_detail` (sections prefetched, citations
attached) and the request (for absolute URLs), and returns plain JSON-ready data. NewsArticle
is built by stories.jsonld, which the story page's JSON-LD uses too.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from core.dates import Precision
from stories.bylines import byline_names
from stories.jsonld import iso_utc
from stories.jsonld import news_article as news_article  # the export's name for the one builder
from stories.models import Story

NINJS_SCHEMA = "https://www.iptc.org/std/ninjs/ninjs-schema_3.0.json"


def _date_at_precision(value: dt.date, precision: str) -> str:
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


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
        "firstCreated": iso_utc(story.created_at),
        "versionCreated": iso_utc(story.updated_at),
        "contentCreated": iso_utc(story.published_at),
        "pubStatus": "usable",
        "language": settings.LANGUAGE_CODE,
        "slugline": story.slug,
        "by": byline_names(story.byline),
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
            for row in story.sections.story_people
        ],
        "organisations": [
            {
                "name": row.organization.name,
                "rel": row.role or row.status or "mentioned",
                "literal": row.organization.slug,
                "uri": request.build_absolute_uri(row.organization.get_absolute_url()),
            }
            for row in story.sections.story_organizations
        ],
        "events": [
            {
                "id": str(event.pk),
                "name": event.title,
                "rel": event.kind,
                "literal": _date_at_precision(event.date, event.precision),
            }
            for event in story.sections.events
        ],
        "infoSources": [
            {
                "name": row.source.publisher,
                "role": "source",
                "literal": row.source.title,
                **({"uri": row.source.url} if row.source.url else {}),
            }
            for row in story.sections.story_sources
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
            for event in story.sections.events
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
            for context in story.sections.historical_contexts
        ],
    }
