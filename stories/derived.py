"""Columns on Story derived from its sections, kept in step so lists can order by an index.

`Story.latest_update_on` is the day of the latest-update line: the newest timeline event's
date or the newest update note's day in the readers' time zone, whichever is later. The Daily
Brief, category pages, related stories and search order by it through one index instead of
working it out for every story (a subquery per story cost seconds at 100,000 stories).

Signals keep it after every save or delete of an event or note, in the same transaction;
bulk writers (the API's whole-story write, the generator) call `latest_update_refresh`.
"""

import contextlib
import threading
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import F, Max, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import NO_UPDATE_DAY, Story, UpdateNote
from timelines.models import TimelineEvent


def latest_update_day(*, event_day, note_at):
    """The later of an event's date and a note's day in the readers' time zone, or
    NO_UPDATE_DAY when there is neither."""
    note_day = None
    if note_at is not None:
        zone = zoneinfo.ZoneInfo(settings.DISPLAY_TIME_ZONE)
        note_day = timezone.localtime(note_at, zone).date()
    days = [day for day in (event_day, note_day) if day is not None]
    return max(days) if days else NO_UPDATE_DAY


def latest_update_refresh(story_ids: Iterable[int]) -> None:
    """Recompute `latest_update_on` for these stories: two queries, and one update per story
    whose day actually moved."""
    ids = {int(i) for i in story_ids if i is not None}
    if not ids:
        return
    event_days = dict(
        TimelineEvent.objects.filter(story_id__in=ids)
        .order_by()
        .values("story_id")
        .annotate(day=Max("date"))
        .values_list("story_id", "day")
    )
    note_times = dict(
        UpdateNote.objects.filter(story_id__in=ids)
        .order_by()
        .values("story_id")
        .annotate(at=Max("created_at"))
        .values_list("story_id", "at")
    )
    current = dict(Story.all_objects.filter(pk__in=ids).values_list("pk", "latest_update_on"))
    for story_id, stored in current.items():
        day = latest_update_day(
            event_day=event_days.get(story_id), note_at=note_times.get(story_id)
        )
        if day != stored:
            # update(): no save(), so neither the version nor updated_at moves for a derived column.
            Story.all_objects.filter(pk=story_id).update(latest_update_on=day)


# Batching -----------------------------------------------------------------------------------
# Inside `refresh_once()`, the receivers below only note which stories changed, and each derived
# column is recomputed once per story when the block ends: a whole-story write that replaces
# 300 events otherwise recomputed both columns 300 times.

_batch = threading.local()


@contextlib.contextmanager
def refresh_once():
    """Collect the stories whose sections change inside the block; refresh them at its end."""
    if getattr(_batch, "pending", None) is not None:  # nested: the outer block refreshes
        yield
        return
    _batch.pending = {"latest": set(), "search": set()}
    try:
        yield
        pending = _batch.pending
    finally:
        _batch.pending = None
    latest_update_refresh(pending["latest"])
    search_document_refresh(pending["search"])


def sections_changed(story_ids: Iterable[int]) -> None:
    """Bulk writers (no signals) call this: both derived columns of these stories are
    refreshed, at the end of the enclosing `refresh_once()` block or at once outside one."""
    story_ids = list(story_ids)
    _later_or_now("latest", story_ids)
    _later_or_now("search", story_ids)


def _later_or_now(column: str, story_ids: Iterable[int]) -> None:
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending[column].update(i for i in story_ids if i is not None)
    elif column == "latest":
        latest_update_refresh(story_ids)
    else:
        search_document_refresh(story_ids)


def _remember_story(sender, instance, raw=False, **kwargs):
    # A section moved to another story changes both stories: note where it was (one query,
    # on saves of existing rows only).
    instance._derived_old_story_id = None
    if not raw and instance.pk is not None:
        instance._derived_old_story_id = (
            sender._base_manager.filter(pk=instance.pk).values_list("story_id", flat=True).first()
        )


def _stories_of(instance) -> list[int]:
    return [instance.story_id, getattr(instance, "_derived_old_story_id", None)]


def _section_changed(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures and backups carry the stored column already
        return
    _later_or_now("latest", _stories_of(instance))


for _model in (TimelineEvent, UpdateNote):
    pre_save.connect(_remember_story, sender=_model, dispatch_uid=f"derived-{_model.__name__}")
    post_save.connect(_section_changed, sender=_model, dispatch_uid=f"derived-{_model.__name__}")
    post_delete.connect(_section_changed, sender=_model, dispatch_uid=f"derived-{_model.__name__}")


# ---------------------------------------------------------------------------------------------
# Search document (PostgreSQL only)
#
# `Story.search_document` is the one weighted tsvector reader search matches and ranks with
# (stories.search), through one GIN index (stories/migrations/0008_search_document.py):
#   A  headline                                        english
#   B  names of the story's people and organizations   simple (no stemming: "geras:*" finds
#                                                               Gerasimov)
#   B  dek                                             english
#   C  overview and the titles of its timeline events  english
# It is recomputed in the database, one UPDATE for any number of stories, after every change to
# what it reads; on SQLite it stays NULL (search falls back to icontains there).
# ---------------------------------------------------------------------------------------------


SEARCH_TEXT_CONFIG = "english"
SEARCH_NAME_CONFIG = "simple"
# Fields of Story the document reads: a save that names none of them leaves it alone.
SEARCH_STORY_FIELDS = frozenset({"headline", "dek", "overview"})


def _joined(rows: QuerySet, text: str, ordering: tuple) -> Coalesce:
    """One story's `text` values of `rows` (its people, organizations or events), joined by
    spaces in page order, as a subquery of the story being updated."""
    joined = (
        rows.filter(story=OuterRef("pk"))
        .order_by()
        .values("story")
        .annotate(text=StringAgg(text, " ", order_by=ordering))
        .values("text")
    )
    return Coalesce(Subquery(joined), Value(""), output_field=TextField())


def search_document() -> SearchVector:
    """The search document of the story being updated: the headline weighs most, then the
    names of its people and organizations (matched as written) and its standfirst, then its
    overview and event titles."""
    names = Concat(
        _joined(StoryPerson.objects, "person__name", ("position", "id")),
        Value(" "),
        _joined(StoryOrganization.objects, "organization__name", ("position", "id")),
        output_field=TextField(),
    )
    body = Concat(
        Coalesce(F("overview"), Value(""), output_field=TextField()),
        Value(" "),
        _joined(TimelineEvent.objects, "title", ("date", "sequence", "id")),
        output_field=TextField(),
    )
    return (
        SearchVector("headline", config=SEARCH_TEXT_CONFIG, weight="A")
        + SearchVector(names, config=SEARCH_NAME_CONFIG, weight="B")
        + SearchVector("dek", config=SEARCH_TEXT_CONFIG, weight="B")
        + SearchVector(body, config=SEARCH_TEXT_CONFIG, weight="C")
    )


def search_document_refresh(story_ids: Iterable[int]) -> None:
    """Recompute `search_document` for these stories (trashed ones included) in one UPDATE.
    Does nothing, and costs no query, on databases other than PostgreSQL."""
    if connection.vendor != "postgresql":
        return
    ids = sorted({int(i) for i in story_ids if i is not None})
    if ids:
        Story.all_objects.filter(pk__in=ids).update(search_document=search_document())


def search_document_refresh_involving(*, person_ids=(), organization_ids=()) -> None:
    """`search_document_refresh` for every story showing these people or organizations: one
    UPDATE (after a rename, say)."""
    if connection.vendor != "postgresql":
        return
    person_ids = sorted({int(i) for i in person_ids})
    organization_ids = sorted({int(i) for i in organization_ids})
    if not person_ids and not organization_ids:
        return
    showing = (
        StoryPerson.objects.filter(person_id__in=person_ids)
        .values("story_id")
        .union(
            StoryOrganization.objects.filter(organization_id__in=organization_ids).values(
                "story_id"
            )
        )
    )
    Story.all_objects.filter(pk__in=showing).update(search_document=search_document())


def _deleted_with_its_story(origin) -> bool:
    # A section deleted because its story is being deleted: no document left to keep.
    if isinstance(origin, Story):
        return True
    return isinstance(origin, QuerySet) and issubclass(origin.model, Story)


def _search_story_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and not SEARCH_STORY_FIELDS & set(update_fields):
        return
    _later_or_now("search", [instance.pk])


def _search_part_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _later_or_now("search", _stories_of(instance))


def _search_part_deleted(sender, instance, origin=None, **kwargs):
    if _deleted_with_its_story(origin):
        return
    _later_or_now("search", [instance.story_id])


def _remember_name(sender, instance, raw=False, update_fields=None, **kwargs):
    # The stored name, read when an existing record is saved with its name, so the save can
    # tell a rename from other edits. Read here, one query per save, rather than remembered on
    # every load (a post_init hook ran for every person and organization ever read).
    instance._search_stored_name = None
    if raw or instance._state.adding or instance.pk is None:
        return  # a new person or organization is in no story yet
    if update_fields is not None and "name" not in update_fields:
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list("name", flat=True).first()
    instance._search_stored_name = stored


def _search_name_saved(sender, instance, created=False, raw=False, **kwargs):
    stored = instance.__dict__.pop("_search_stored_name", None)
    if raw or created or stored is None or stored == instance.name:
        return
    if sender is Person:
        search_document_refresh_involving(person_ids=[instance.pk])
    else:
        search_document_refresh_involving(organization_ids=[instance.pk])


post_save.connect(_search_story_saved, sender=Story, dispatch_uid="search-document-Story")
for _model in (StoryPerson, StoryOrganization):
    pre_save.connect(_remember_story, sender=_model, dispatch_uid=f"derived-{_model.__name__}")
for _model in (TimelineEvent, StoryPerson, StoryOrganization):
    post_save.connect(
        _search_part_saved, sender=_model, dispatch_uid=f"search-document-{_model.__name__}"
    )
    post_delete.connect(
        _search_part_deleted, sender=_model, dispatch_uid=f"search-document-{_model.__name__}"
    )
for _model in (Person, Organization):
    pre_save.connect(
        _remember_name, sender=_model, dispatch_uid=f"search-document-{_model.__name__}"
    )
    post_save.connect(
        _search_name_saved, sender=_model, dispatch_uid=f"search-document-{_model.__name__}"
    )
