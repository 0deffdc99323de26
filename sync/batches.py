"""What one sync response carries: a snapshot page or the changes since a position in the log."""

import dataclasses
from collections.abc import Mapping

from django.db.models import Q, QuerySet
from django.utils import timezone

from people.models import StoryOrganization, StoryPerson
from stories.changes import Kind, public_records
from stories.models import (
    ContentChange,
    Story,
    StorySource,
)
from sync.tokens import SNAPSHOT_PHASES, SyncPosition

RECORD_KINDS = (Kind.CATEGORY, Kind.PERSON, Kind.ORGANIZATION, Kind.SOURCE)


@dataclasses.dataclass
class SyncBatch:
    """What one sync response carries: stories and records to send, tombstones, next position.

    `records` maps each kind of shared record to the objects to send, by id, read from the
    querysets the caller passed to `sync_batch`.
    """

    full: bool
    story_ids: list[int]
    records: dict[str, list]
    deleted: list[dict]
    position: SyncPosition
    has_more: bool


def latest_change_id() -> int:
    """The newest position in the change log, 0 when it is empty."""
    last = ContentChange.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def sync_batch(
    *, position: SyncPosition | None, limit: int, records: Mapping[str, QuerySet]
) -> SyncBatch:
    """Decide what a client at `position` needs next, in pages bounded by `limit`.

    Without a position (first sync), a snapshot in pages: every published story, then every
    public category, person, organization and source (`public_records`), in id order, at
    most `limit` of each kind per page. With a position, every object that changed since is
    sent again if readers can see it, and named in `deleted` if they cannot, at most `limit`
    changed objects per page (plus the people, organizations and sources of the stories
    sent); then stories whose scheduled publication time has passed since the last sync.

    `records` gives, per kind of shared record, the queryset to read the objects to send from
    (annotated as the caller shows them); only public ones are ever read from it.
    """
    now = timezone.now()
    if position is None:
        # Read the log position before the content, so anything changing meanwhile is sent
        # again next time rather than missed.
        position = SyncPosition(
            change_id=latest_change_id(), synced_at=now, phase=SNAPSHOT_PHASES[0]
        )
    if position.phase is not None:
        return _snapshot_batch(position=position, limit=limit, records=records)
    return _incremental_batch(position=position, limit=limit, records=records, now=now)


def _snapshot_batch(
    *, position: SyncPosition, limit: int, records: Mapping[str, QuerySet]
) -> SyncBatch:
    """The next page of a first sync: up to `limit` objects of each kind, kind after kind.

    A page moves on to the next kind only once it holds the last of the current one, so
    each page stops inside at most one kind, and the token says which and where.
    """
    story_ids: list[int] = []
    sent: dict[str, list] = {kind: [] for kind in RECORD_KINDS}
    phase, after = position.phase, position.after
    while True:
        if phase == Kind.STORY:
            rows = list(
                Story.objects.published()
                .filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[: limit + 1]
            )
            story_ids = rows[:limit]
            last = story_ids[-1] if story_ids else after
        else:
            # One query: the page of public ids (a walk of the primary key, with LIMIT)
            # inside the caller's annotated queryset, which then reads only those rows.
            page = public_records(phase, after=after).order_by("pk").values("pk")
            rows = list(records[phase].filter(pk__in=page[: limit + 1]).order_by("pk"))
            sent[phase] = rows[:limit]
            last = sent[phase][-1].pk if sent[phase] else after
        if len(rows) > limit:
            next_position = dataclasses.replace(position, phase=phase, after=last)
            break
        following = SNAPSHOT_PHASES.index(phase) + 1
        if following == len(SNAPSHOT_PHASES):
            # Done: the token holds the log position read before the first page.
            next_position = dataclasses.replace(position, phase=None, after=0)
            break
        phase, after = SNAPSHOT_PHASES[following], 0
    return SyncBatch(
        full=True,
        story_ids=story_ids,
        records=sent,
        deleted=[],
        position=next_position,
        has_more=next_position.phase is not None,
    )


def _incremental_batch(
    *, position: SyncPosition, limit: int, records: Mapping[str, QuerySet], now
) -> SyncBatch:
    changed: dict[str, set[int]] = {kind: set() for kind in Kind.values}
    last_id = position.change_id
    has_more = False
    rows = (
        ContentChange.objects.filter(id__gt=position.change_id)
        .order_by("id")
        .values_list("id", "kind", "object_id")
    )
    for change_id, kind, object_id in rows.iterator(chunk_size=2000):
        if object_id not in changed[kind]:
            if sum(map(len, changed.values())) >= limit:
                has_more = True
                break
            changed[kind].add(object_id)
        last_id = change_id

    # Stories whose scheduled time came since the last sync changed nothing in the log. Once
    # the log is caught up they fill the rest of the page, by publication time then id, and
    # page on by that pair.
    next_position = SyncPosition(
        change_id=last_id, synced_at=position.synced_at, came_out_after=position.came_out_after
    )
    if not has_more:
        room = max(limit - sum(map(len, changed.values())), 0)
        came_out = Story.objects.published().filter(published_at__gt=position.synced_at)
        if position.came_out_after is not None:
            came_out = Story.objects.published().filter(
                Q(published_at__gt=position.synced_at)
                | Q(published_at=position.synced_at, pk__gt=position.came_out_after)
            )
        came = list(
            came_out.order_by("published_at", "pk").values_list("pk", "published_at")[: room + 1]
        )
        changed[Kind.STORY].update(pk for pk, _ in came[:room])
        if len(came) > room:
            has_more = True
            if room:
                pk, published_at = came[room - 1]
                next_position = dataclasses.replace(
                    next_position, synced_at=published_at, came_out_after=pk
                )
        else:
            next_position = SyncPosition(change_id=last_id, synced_at=now)

    # A story published, withdrawn or trashed moves its category's story count and can make
    # its people, organizations and sources public or private: look at them again too.
    stories = changed[Kind.STORY]
    for kind, linked in (
        (Kind.CATEGORY, Story.all_objects.filter(pk__in=stories).values_list("category_id")),
        (Kind.PERSON, StoryPerson.objects.filter(story_id__in=stories).values_list("person_id")),
        (
            Kind.ORGANIZATION,
            StoryOrganization.objects.filter(story_id__in=stories).values_list("organization_id"),
        ),
        (Kind.SOURCE, StorySource.objects.filter(story_id__in=stories).values_list("source_id")),
    ):
        changed[kind].update(object_id for (object_id,) in linked)

    visible_stories = set(
        Story.objects.published().filter(pk__in=changed[Kind.STORY]).values_list("pk", flat=True)
    )
    # The ids twice: as a list, so the planner reads only those rows (with the subquery
    # alone it aggregates the whole table), and through `public_records`.
    sent = {
        kind: list(
            records[kind]
            .filter(pk__in=changed[kind])
            .filter(pk__in=public_records(kind).filter(pk__in=changed[kind]).values("pk"))
            .order_by("pk")
        )
        if changed[kind]
        else []
        for kind in RECORD_KINDS
    }
    deleted = [
        {"type": Kind.STORY.value, "id": pk} for pk in sorted(changed[Kind.STORY] - visible_stories)
    ]
    for kind in RECORD_KINDS:
        kept = {record.pk for record in sent[kind]}
        deleted += [{"type": kind.value, "id": pk} for pk in sorted(changed[kind] - kept)]
    return SyncBatch(
        full=False,
        story_ids=sorted(visible_stories),
        records=sent,
        deleted=deleted,
        position=next_position,
        has_more=has_more,
    )
