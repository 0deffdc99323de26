"""The editors' desk: what an editor or writer works from, first on the admin's start page.

Each list is one query of at most DESK_ROWS rows, whatever the archive's size; the count of
stories waiting for review is one more, on every admin page for those who may publish.
"""

from stories.models import AuditEntry, Story
from stories.permissions import can_publish

DESK_ROWS = 8
CARD_FIELDS = ("headline", "slug", "status", "published_at", "updated_at", "deleted_at")


def waiting_for_review():
    """Stories a writer submitted, oldest first: the one waiting longest is read first."""
    return Story.objects.filter(status=Story.Status.IN_REVIEW).order_by("updated_at", "pk")


def waiting_count(user) -> int | None:
    """How many stories wait for review, for someone who may publish them (else None)."""
    return waiting_for_review().count() if can_publish(user) else None


def desk(user) -> dict:
    """The desk's lists for `user`: their own drafts, the review queue, what is scheduled,
    what was published lately, and the latest editorial actions."""
    cards = Story.objects.only(*CARD_FIELDS)
    mine = cards.filter(
        created_by=user, status__in=[Story.Status.DRAFT, Story.Status.IN_REVIEW]
    ).order_by("-updated_at", "-pk")
    return {
        "mine": list(mine[:DESK_ROWS]),
        "waiting": list(waiting_for_review().only(*CARD_FIELDS)[:DESK_ROWS]),
        "may_publish": can_publish(user),
        "scheduled": list(cards.scheduled().order_by("published_at", "pk")[:DESK_ROWS]),
        "published": list(cards.published().order_by("-published_at", "-pk")[:DESK_ROWS]),
        "activity": list(AuditEntry.objects.order_by("-at", "-pk")[:DESK_ROWS]),
    }
