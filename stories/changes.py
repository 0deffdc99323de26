"""The content change log: every change readers could see, written as it commits.

Every save or delete of something readers see (a story or any of its sections, a category, a
person, an organization, a source) is recorded as a `ContentChange` once the transaction
commits. Offline sync (the sync app) reads the log to send apps what changed; the page cache
keys on its newest position (stories.versions.content_version); the API's Last-Modified on
its newest time. `public_records` is which shared records readers may see.

A writer that sends no signals (a queryset `update()`, `bulk_create`) must call
`record_changes` itself, as stories.services and stories.generator do: whatever is not in the
log reaches neither the apps nor the page cache.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import (
    Category,
    ContentChange,
    KeyIndicator,
    Scenario,
    Source,
    Story,
    StorySource,
)
from stories.sections import CITING, SECTIONS
from timelines.models import TimelineEvent

Kind = ContentChange.Kind

# Rows that belong to one story, as readers and apps get it (stories.sections): a change to
# any of them changes the story's representation. Voices, read on demand by signed-in readers
# only, are not part of what sync sends.
STORY_PARTS = tuple(section.model for section in SECTIONS if section.on_detail)
# Every process that keeps the content version in memory (stories.versions) listens here.
CHANNEL = "newsroom_content_changed"

CITATION_TABLES = tuple(section.model.sources.through for section in CITING)
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
                # Delivered when, and only if, these rows commit: each process then forgets
                # the content version it kept (core.db.listen), so none serves a stale page.
                cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])
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


# Reading the log ---------------------------------------------------------------------


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


def latest_change_time():
    """When readers' content last changed, by the log; None before the first change."""
    return ContentChange.objects.order_by("-id").values_list("changed_at", flat=True).first()


def last_change_id_of_story():
    """A subquery for annotating stories with their newest change-log position (None before
    their first change): what a stored document of the story is checked against."""
    return Subquery(
        ContentChange.objects.filter(kind=Kind.STORY, object_id=OuterRef("pk"))
        .order_by("-id")
        .values("id")[:1]
    )


def last_change_of_story():
    """A subquery for annotating stories with their newest change-log time."""
    return Subquery(
        ContentChange.objects.filter(kind=Kind.STORY, object_id=OuterRef("pk"))
        .order_by("-id")
        .values("changed_at")[:1]
    )
