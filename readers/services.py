"""Writes for readers: follows, read marks, their data and their account."""

from django.db import transaction
from django.utils import timezone

from readers.models import Follow


def follow_story(*, reader, story) -> Follow:
    """Follow `story` (idempotent); the read mark starts now, so nothing old shows as new."""
    follow, _ = Follow.objects.get_or_create(reader=reader, story=story)
    return follow


def unfollow_story(*, reader, story) -> bool:
    """Stop following `story`; returns whether there was a follow to remove."""
    deleted, _ = Follow.objects.filter(reader=reader, story=story).delete()
    return bool(deleted)


def follow_mark_seen(*, follow: Follow, at=None) -> None:
    """Move the read mark to `at` (now by default); it never moves backwards."""
    at = at or timezone.now()
    Follow.objects.filter(pk=follow.pk, last_seen_at__lt=at).update(last_seen_at=at)
    follow.last_seen_at = max(follow.last_seen_at, at)


def reader_export(*, reader) -> dict:
    """Everything Newsroom keeps about a reader, as JSON-ready data."""
    follows = Follow.objects.filter(reader=reader).select_related("story").order_by("created_at")
    return {
        "account": {
            "username": reader.username,
            "email": reader.email,
            "date_joined": reader.date_joined.isoformat(),
            "last_login": reader.last_login.isoformat() if reader.last_login else None,
        },
        "follows": [
            {
                "story": f.story.slug,
                "headline": f.story.headline,
                "followed_at": f.created_at.isoformat(),
                "last_seen_at": f.last_seen_at.isoformat(),
            }
            for f in follows
        ],
        "exported_at": timezone.now().isoformat(),
    }


@transaction.atomic
def reader_delete(*, reader) -> None:
    """Delete the reader's account with their follows, read marks and API tokens."""
    Follow.objects.filter(reader=reader).delete()
    reader.delete()
