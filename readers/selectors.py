"""Reads for a reader's Following list and what is new to them."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from readers.models import Follow
from stories.models import Story
from timelines.models import TimelineEvent


def _count_events(**filters) -> Coalesce:
    counted = (
        TimelineEvent.objects.filter(story=OuterRef("story"), **filters)
        .order_by()
        .values("story")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def following_list(*, reader) -> QuerySet[Follow]:
    """The reader's follows of public stories, those with news first, then most recently updated.

    Each follow carries `new_count` (events added since the reader last opened the story) and
    `updated_count` (older events edited since then). One query whatever the number of follows.
    """
    return (
        Follow.objects.filter(reader=reader, story__in=Story.objects.published())
        .select_related("story", "story__category")
        .annotate(
            new_count=_count_events(created_at__gt=OuterRef("last_seen_at")),
            updated_count=_count_events(
                created_at__lte=OuterRef("last_seen_at"), updated_at__gt=OuterRef("last_seen_at")
            ),
        )
        .annotate(
            has_news=ExpressionWrapper(
                Q(new_count__gt=0) | Q(updated_count__gt=0), output_field=BooleanField()
            )
        )
        .order_by(F("has_news").desc(), "-story__updated_at", "-pk")
    )


def follow_for(*, reader, story: Story) -> Follow | None:
    """The reader's follow of `story`, or None (anonymous readers follow nothing)."""
    if not reader.is_authenticated:
        return None
    return Follow.objects.filter(reader=reader, story=story).first()


def event_news(*, follow: Follow | None, events) -> dict[int, str]:
    """For already-fetched `events`: id -> "new" or "updated" relative to the follow's read mark."""
    if follow is None:
        return {}
    seen = follow.last_seen_at
    news = {}
    for event in events:
        if event.created_at > seen:
            news[event.pk] = "new"
        elif event.updated_at > seen:
            news[event.pk] = "updated"
    return news
