"""Offline sync for the apps: the change log behind `/api/v1/sync/` and the reads that use it.

Every save or delete of something readers see (a story or any of its sections, a category, a
person, an organization, a source) is recorded as a `ContentChange` once the transaction
commits. A sync token is a signed position in that log; a later sync returns what changed
since, with tombstones for whatever a reader may no longer see. The newest log position is
also the content version the page cache keys on (stories.versions.content_version).

A writer that sends no signals (a queryset `update()`, `bulk_create`) must call
`record_changes` itself, as stories.services and stories.generator do: whatever is not in the
log reaches neither the apps nor the page cache.
"""

import dataclasses
from collections.abc import Iterable, Mapping

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import (
    Category,
    ContentChange,
    HistoricalContext,
    KeyIndicator,
    Scenario,
    Source,
    Story,
    StorySource,
    UpdateNote,
)
from stories.sync_tokens import SNAPSHOT_PHASES, SyncPosition
from stories.sync_tokens import TOKEN_SALT as TOKEN_SALT  # re-exported: the API and tests
from stories.sync_tokens import InvalidToken as InvalidToken  # name them from stories.sync
from timelines.models import TimelineEvent

Kind = ContentChange.Kind

# Rows that belong to one story: a change to any of them changes the story's representation.
STORY_PARTS = (
    UpdateNote,
    KeyIndicator,
    Scenario,
    HistoricalContext,
    StorySource,
    StoryPerson,
    StoryOrganization,
    TimelineEvent,
)
CITATION_TABLES = (
    TimelineEvent.sources.through,
    KeyIndicator.sources.through,
    Scenario.sources.through,
)
SHARED_RECORDS = {
    Category: Kind.CATEGORY,
    Person: Kind.PERSON,
    Organization: Kind.ORGANIZATION,
    Source: Kind.SOURCE,
}


# Recording ---------------------------------------------------------------------------------


def record_changes(kind: str, object_ids: Iterable[int]) -> None:
    """Note that these objects changed; the log rows are written when the transaction commits.

    Changes made in one transaction are collected per connection and written together, once
    per object, by whichever of its on-commit callbacks runs first.
    """
    ids = {int(i) for i in object_ids if i is not None}
    if not ids:
        return
    pending = _pending_changes()
    pending.update((kind, object_id) for object_id in ids)
    transaction.on_commit(_write_pending_changes)


def _pending_changes() -> set[tuple[str, int]]:
    if not hasattr(connection, "_newsroom_pending_changes"):
        connection._newsroom_pending_changes = set()
    return connection._newsroom_pending_changes


def _write_pending_changes() -> None:
    pending = _pending_changes()
    if not pending:
        return
    rows = [ContentChange(kind=kind, object_id=object_id) for kind, object_id in sorted(pending)]
    pending.clear()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Ids must become visible in the order they are handed out, or a sync that reads
            # id 11 before id 10 commits would skip 10 for ever. The lock serialises writers of
            # the log only; readers (SELECT) are not blocked. SQLite serialises writes anyway.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(ContentChange._meta.db_table)} "
                    "IN EXCLUSIVE MODE"
                )
        ContentChange.objects.bulk_create(rows)


def _stories_citing(source_ids: Iterable[int]) -> set[int]:
    """Ids of stories that list or cite any of these sources."""
    source_ids = list(source_ids)
    listed = StorySource.objects.filter(source_id__in=source_ids).values_list("story_id")
    events = TimelineEvent.objects.filter(sources__in=source_ids).values_list("story_id")
    indicators = KeyIndicator.objects.filter(sources__in=source_ids).values_list("story_id")
    scenarios = Scenario.objects.filter(sources__in=source_ids).values_list("story_id")
    return {
        story_id
        for (story_id,) in listed.order_by().union(
            events.order_by(), indicators.order_by(), scenarios.order_by()
        )
    }


def _stories_showing(instance) -> set[int]:
    """Ids of the stories whose representation embeds this shared record."""
    if isinstance(instance, Category):
        return set(Story.objects.filter(category=instance).values_list("pk", flat=True))
    if isinstance(instance, Person):
        return set(StoryPerson.objects.filter(person=instance).values_list("story_id", flat=True))
    if isinstance(instance, Organization):
        return set(
            StoryOrganization.objects.filter(organization=instance).values_list(
                "story_id", flat=True
            )
        )
    return _stories_citing([instance.pk])


@receiver(pre_save, sender=Story, dispatch_uid="sync-story-category")
def _story_saving(sender, instance, raw=False, **kwargs):
    old = sender._base_manager.filter(pk=instance.pk) if instance.pk and not raw else None
    instance._sync_left_category = old and old.values_list("category_id", flat=True).first()


@receiver(post_save, sender=Story)
def _story_saved(sender, instance, **kwargs):
    record_changes(Kind.STORY, [instance.pk])
    # The category a story left lost one: `_incremental_batch` finds only the one it is in now.
    if getattr(instance, "_sync_left_category", None) not in (None, instance.category_id):
        record_changes(Kind.CATEGORY, [instance._sync_left_category])


@receiver(post_delete, sender=Story)
def _story_deleted(sender, instance, **kwargs):
    record_changes(Kind.STORY, [instance.pk])
    record_changes(Kind.CATEGORY, [instance.category_id])


def _story_part_changed(sender, instance, **kwargs):
    record_changes(Kind.STORY, [instance.story_id])


for _model in STORY_PARTS:
    post_save.connect(_story_part_changed, sender=_model, dispatch_uid=f"sync-{_model.__name__}")
    post_delete.connect(_story_part_changed, sender=_model, dispatch_uid=f"sync-{_model.__name__}")


def _shared_record_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    record_changes(SHARED_RECORDS[sender], [instance.pk])
    # A story embeds the names of its category, people, organizations and sources.
    record_changes(Kind.STORY, _stories_showing(instance))


def _shared_record_deleting(sender, instance, **kwargs):
    # Read before the delete: a source's citation rows go with it, silently.
    record_changes(Kind.STORY, _stories_showing(instance))


def _shared_record_deleted(sender, instance, **kwargs):
    record_changes(SHARED_RECORDS[sender], [instance.pk])


for _model in SHARED_RECORDS:
    uid = f"sync-{_model.__name__}"
    post_save.connect(_shared_record_saved, sender=_model, dispatch_uid=uid)
    pre_delete.connect(_shared_record_deleting, sender=_model, dispatch_uid=uid)
    post_delete.connect(_shared_record_deleted, sender=_model, dispatch_uid=uid)


def _citations_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:
        # instance is the event, indicator or scenario.
        record_changes(Kind.STORY, [instance.story_id])
    elif action == "pre_clear":
        record_changes(Kind.STORY, _stories_citing([instance.pk]))
    else:
        # instance is the source; pk_set holds events, indicators or scenarios of `model`.
        record_changes(
            Kind.STORY, model.objects.filter(pk__in=pk_set).values_list("story_id", flat=True)
        )


for _through in CITATION_TABLES:
    m2m_changed.connect(
        _citations_changed, sender=_through, dispatch_uid=f"sync-{_through.__name__}"
    )


# Reading -----------------------------------------------------------------------------------

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


def public_records(kind: str, *, after: int | None = None):
    """The categories, people, organizations or sources readers may see (with ids past `after`).

    Every category; a person, organization or source only once a published story involves or
    lists them, as on the reader site: someone known only from drafts stays private. The
    test is an EXISTS on the link table; `after` bounds both sides, so that a page in id order
    walks both indexes from there, not from the start (a merge join otherwise reads every
    link below the cursor).
    """
    since = {} if after is None else {"pk__gt": after}
    if kind == Kind.CATEGORY:
        return Category.objects.filter(**since)
    model, through, field = {
        Kind.PERSON: (Person, StoryPerson, "person"),
        Kind.ORGANIZATION: (Organization, StoryOrganization, "organization"),
        Kind.SOURCE: (Source, StorySource, "source"),
    }[kind]
    links = through.objects.filter(story__in=Story.objects.published(), **{field: OuterRef("pk")})
    if after is not None:
        links = links.filter(**{f"{field}__gt": after})
    return model.objects.filter(Exists(links), **since)


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


def latest_change_time():
    """When readers' content last changed, by the log; None before the first change."""
    return ContentChange.objects.order_by("-id").values_list("changed_at", flat=True).first()


def last_change_of_story():
    """A subquery for annotating stories with their newest change-log time."""
    return Subquery(
        ContentChange.objects.filter(kind=Kind.STORY, object_id=OuterRef("pk"))
        .order_by("-id")
        .values("changed_at")[:1]
    )
