"""A reader's follow of a story and what is new to them since their read mark."""

from readers.models import Follow


def follow_for(*, reader, story) -> Follow | None:
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
