"""Template helpers for the reader site: relative days, dates in the readers' time zone,
absolute links and the story's structured data."""

import datetime
import json
import zoneinfo

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from core.dates import Precision, format_partial_date
from stories.bylines import byline_names
from stories.jsonld import news_article

register = template.Library()

# Escapes that keep JSON inert inside <script>: "</script>" or "<!--" cannot end the block.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def display_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.DISPLAY_TIME_ZONE)


def display_today() -> datetime.date:
    """Today's date where the readers are (settings.DISPLAY_TIME_ZONE)."""
    return timezone.localdate(timezone=display_zone())


def relative_day(
    value: datetime.date, precision: str, label: str = "", *, today: datetime.date | None = None
) -> str:
    """ "Today", "Yesterday", "3 days ago" within a week; otherwise the date at its precision."""
    if not label and precision == Precision.DAY and value is not None:
        days = ((today or display_today()) - value).days
        if days == 0:
            return "Today"
        if days == 1:
            return "Yesterday"
        if 1 < days <= 7:
            return f"{days} days ago"
    return label or format_partial_date(value, precision)


@register.filter
def when(update) -> str:
    """The latest-update line's day for a LatestUpdate or a TimelineEvent."""
    if update is None:
        return ""
    return relative_day(update.date, update.precision, getattr(update, "label", "") or "")


@register.filter
def local_date(value: datetime.datetime | None) -> str:
    """A stored (UTC) time as the readers' calendar date, e.g. "5 Feb 2026"."""
    if value is None:
        return ""
    return format_partial_date(timezone.localtime(value, display_zone()).date(), Precision.DAY)


@register.filter
def iso_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.simple_tag
def today_long() -> str:
    """Today in the readers' time zone, e.g. "Sunday 22 November 2026"."""
    today = display_today()
    return f"{today:%A} {today.day} {today:%B %Y}"


@register.simple_tag(takes_context=True)
def absolute(context, location: str) -> str:
    """`location` as an absolute URL for the current request (canonical links, feeds, cards)."""
    request = context.get("request")
    return request.build_absolute_uri(location) if request is not None else location


def event_datetime(value: datetime.date) -> datetime.datetime:
    """The start of an event's day in the readers' time zone, for feeds and structured data."""
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=display_zone())


@register.filter
def byline(value: str) -> str:
    """The names a byline credits, without a "By" of its own: "By {{ story.byline|byline }}"."""
    return byline_names(value)


@register.simple_tag(takes_context=True)
def story_json_ld(context, story):
    """The NewsArticle JSON-LD block, escaped so no text in it can close the script element."""
    payload = json.dumps(news_article(story, context["request"]), ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's canonical absolute URL: the path, plus `?page=N` past the first page."""
    request = context.get("request")
    if request is None:
        return ""
    url = request.build_absolute_uri(request.path)
    page = context.get("page_obj")
    if page is not None and getattr(page, "number", 1) > 1:
        url += f"?page={page.number}"
    return url


@register.simple_tag(takes_context=True)
def absolute_static(context, path: str) -> str:
    return absolute(context, static(path))


@register.filter
def machine_date(item) -> str:
    """A <time datetime> value at the item's precision: "2026-02-05", "2021-10" or "1963"."""
    value, precision = item.date, item.precision
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


@register.filter
def iso_datetime(value: datetime.datetime | None) -> str:
    """W3C/ISO 8601 to the second with its offset, as sitemaps and Open Graph expect."""
    return value.isoformat(timespec="seconds") if value else ""


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, or "" when absent: {{ news|get_item:event.pk }}."""
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def citations(item) -> str:
    """An item's citation marks, linking to its numbered sources (as includes/citations.html).

    A tag rather than an include: the story page shows one per event, indicator and scenario,
    and an include costs a template render each time.
    """
    cited = getattr(item, "citations", None)
    if not cited:
        return mark_safe("\n")  # noqa: S308 - constant
    marks = "".join(
        f' <a class="cite" href="#source-{number}" title="{publisher}: {title}" '
        f'aria-label="Source {number}: {publisher}">{number}</a>'
        for number, publisher, title in (
            (
                int(number),
                conditional_escape(source.publisher),
                conditional_escape(source.title),
            )
            for number, source in cited
        )
    )
    label = "Source" if len(cited) == 1 else "Sources"
    return mark_safe(  # noqa: S308 - every value above is escaped or an int
        f'<p class="cites"><span class="cites-label">{label}</span>{marks}</p>\n'
    )
