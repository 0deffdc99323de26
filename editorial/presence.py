"""Presence on a story's change page (a soft lock) and each editor's private autosave.

An editor's open change page keeps one `EditingSession` row fresh (`session_ping`, on opening
and every ~30 s); `present()` is the one rule of who counts as there. Taking over tells the
others on their next ping; nothing is locked: saving over someone is refused by the story's
edit-conflict check (`stories.services.story_conflict`), as ever.

An autosave is the change form's fields, stored on the editor's own session: it never saves
the story, makes no revision and leaves the story's version alone. It keeps the version the
form was made from, so a restored form carries that version and a save over a newer one is
refused like any other.
"""

import datetime as dt

from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, Value, When
from django.utils import timezone

from editorial.models import EditingSession

# A page pings every 30 s; a session not seen for this long is gone (a closed laptop, a crash).
PRESENCE_WINDOW = dt.timedelta(minutes=2)
# The change form's fields as a browser posts them; a story near this size saves, not autosaves.
AUTOSAVE_MAX_BYTES = 1_048_576


def present(now: dt.datetime | None = None) -> Q:
    """The one rule of who is present: their page is open and pinged within the window."""
    now = now or timezone.now()
    return Q(is_open=True, last_seen_at__gte=now - PRESENCE_WINDOW)


def session_ping(*, story, user, now: dt.datetime | None = None) -> None:
    """Record that `user` has `story`'s change page open now (opening it, or a ping).

    "Since" starts again when the session had lapsed; a lapsed session forgets who took over
    from it. Lapsed sessions of others without an autosave are deleted, so the table stays
    about as small as the number of open pages.
    """
    now = now or timezone.now()
    sessions = EditingSession.objects.filter(story=story)
    was_present = present(now)
    updated = sessions.filter(user=user).update(
        last_seen_at=now,
        is_open=True,
        started_at=Case(When(was_present, then=F("started_at")), default=Value(now)),
        taken_over_by=Case(When(was_present, then=F("taken_over_by")), default=None),
        taken_over_at=Case(When(was_present, then=F("taken_over_at")), default=None),
    )
    if not updated:
        # Two tabs opening at once: the other's row is as good as this one.
        EditingSession.objects.bulk_create(
            [EditingSession(story=story, user=user, started_at=now, last_seen_at=now)],
            ignore_conflicts=True,
        )
    sessions.exclude(user=user).exclude(was_present).filter(autosaved_at__isnull=True).delete()


def session_release(*, story, user) -> None:
    """`user` closed `story`'s page: gone from presence at once; an autosave stays theirs."""
    mine = EditingSession.objects.filter(story=story, user=user)
    mine.filter(autosaved_at__isnull=True).delete()
    mine.update(is_open=False)


def session_take_over(*, story, user, now: dt.datetime | None = None) -> None:
    """`user` takes over editing `story`: everyone else present is told on their next ping."""
    now = now or timezone.now()
    session_ping(story=story, user=user, now=now)
    EditingSession.objects.filter(story=story, user=user).update(
        took_over_at=now, taken_over_by=None, taken_over_at=None
    )
    EditingSession.objects.filter(present(now), story=story).exclude(user=user).update(
        taken_over_by=user, taken_over_at=now, took_over_at=None
    )


def sessions_read(*, story, user, now: dt.datetime | None = None):
    """`(mine, others)`: `user`'s own session on `story` (None when there is none; present or
    not, for its autosave), and the others present, earliest first, with their users."""
    now = now or timezone.now()
    rows = (
        EditingSession.objects.filter(story=story)
        .filter(Q(user=user) | present(now))
        .annotate(present=ExpressionWrapper(present(now), output_field=BooleanField()))
        .select_related("user", "taken_over_by")
        .order_by("started_at", "pk")
    )
    mine, others = None, []
    for row in rows:
        if row.user_id == user.pk:
            mine = row
        elif row.present:
            others.append(row)
    return mine, others


def autosave_store(*, story, user, data: dict[str, list[str]], seen_version: int) -> dt.datetime:
    """Keep `data` (the change form's fields) as `user`'s private copy of `story`, made from
    `seen_version`; return when. The story itself, its version and its history stay as they
    are."""
    now = timezone.now()
    session_ping(story=story, user=user, now=now)
    EditingSession.objects.filter(story=story, user=user).update(
        autosave=data, autosaved_at=now, autosave_version=seen_version
    )
    return now


def autosave_read(*, story_id, user) -> EditingSession | None:
    """`user`'s session on the story when it holds an autosave, else None."""
    return EditingSession.objects.filter(
        story_id=story_id, user=user, autosaved_at__isnull=False
    ).first()


def autosave_discard(*, story, user) -> None:
    """Forget `user`'s autosave of `story` (after a save, or when they discard it)."""
    EditingSession.objects.filter(story=story, user=user).update(
        autosave=None, autosaved_at=None, autosave_version=None
    )
