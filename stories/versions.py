"""The content version: what readers' content is at now, for the page cache to key on."""

from django.db.models import Subquery
from django.utils import timezone

from stories.models import ContentChange, Story


def content_version() -> str:
    """One query of three index probes: the newest change-log row (id and time: a database
    rebuilt from scratch starts its ids again, never at the same moment) and the newest
    publication time already passed, which moves by itself when a scheduled story comes out.

    Trashed and withdrawn stories count in the latter too: it is a clock, not a visibility
    rule, and moving it too often is harmless.
    """
    newest = ContentChange.objects.order_by("-id")
    came_out = (
        Story.all_objects.filter(status=Story.Status.PUBLISHED, published_at__lte=timezone.now())
        .order_by("-published_at")
        .values("published_at")[:1]
    )
    parts = {
        "log_id": Subquery(newest.values("id")[:1]),
        "log_at": Subquery(newest.values("changed_at")[:1]),
        "came_out": Subquery(came_out),
    }
    # The three values are scalar subqueries; any one story row carries them, so the query
    # always answers one row (and the probes run once) without SQL written by hand.
    row = Story.all_objects.order_by().annotate(**parts).values_list(*parts)[:1]
    found = next(iter(row), None)
    if found is None:  # no story at all: only the log can have moved
        logged = newest.values_list("id", "changed_at").first() or (None, None)
        found = (*logged, None)
    return "/".join(map(str, found))
