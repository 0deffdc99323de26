"""Whole-story writes: a story and its sections created or replaced in one transaction."""

import reversion
from django.db import transaction
from django.utils import timezone

from core.rest.views import unchanged
from stories.concurrency import lock_row, lock_stories, stories_changed
from stories.derived import refresh_once, sections_changed
from stories.models import Category, Source, Story, StorySource
from stories.sections import WRITTEN
from stories.services import audit_record, story_sync_cited_sources, transition_audit_action
from timelines.models import TimelineEvent

# The sections the API writes (stories.sections), by their name in the request.
SECTION_NAMES = tuple(WRITTEN)
# The numbered source list, which the others' citations count in.
SOURCES = "sources"
# Rows that name a person or organization with their part in the story: replaced as a list.
LINKED = {name: section for name, section in WRITTEN.items() if section.joined and name != SOURCES}
# Rows of the story's own (indicators, events...): kept by id, changed in place.
ROW_SECTIONS = {name: section for name, section in WRITTEN.items() if not section.joined}


@transaction.atomic
def story_write(*, story: Story | None, data: dict, replace_all_sections: bool, user=None) -> Story:
    """Create a story (`story` None) or change one; the sections in `data` replace the old ones.

    `data` is validated input (see `StoryWriteSerializer`). With `replace_all_sections`, a
    section missing from `data` is emptied (PUT); otherwise it is left alone (PATCH). Rows of
    indicators, events, scenarios and contexts that carry an `id` are updated in place, so
    their ids survive. Citations are source numbers in the story's list. Everything happens in
    one transaction: on any error nothing is written. The result is kept as a revision (with
    every section) by `user`, and a change of status is audited, as an admin save would be.

    The story's row is locked first; `story` must be the stored version, read under that lock
    after the caller compared it with what the client saw (a stale copy raises EditConflict).
    """
    if story is not None:
        stored = lock_stories(story.pk).get(story.pk)
        if stored != story.version:
            raise EditConflict(f"Story {story.pk} is at version {stored}, not {story.version}.")
        if _story_unchanged(story, data, replace_all_sections=replace_all_sections):
            return story  # nothing to write: same version, no revision, nothing logged
    old_status = story.status if story is not None else None
    with reversion.create_revision(), refresh_once():
        story = _story_write(
            story=story, data=data, replace_all_sections=replace_all_sections, user=user
        )
        reversion.set_user(user if getattr(user, "pk", None) else None)
        reversion.set_comment("Saved through the API.")
    action = transition_audit_action(old_status=old_status, story=story)
    if action:
        audit_record(actor=user, action=action, story=story)
    return story


def _story_write(
    *, story: Story | None, data: dict, replace_all_sections: bool, user=None
) -> Story:
    data, sections = _sections_of(data, replace_all_sections=replace_all_sections)
    new_category = data.pop("new_category", None)
    if new_category is not None:
        data["category"] = Category.objects.create(**new_category)

    story = story or Story(created_by=user if getattr(user, "pk", None) else None)
    for name, value in data.items():
        setattr(story, name, value)
    story.save()

    if SOURCES in sections:
        _replace_sources(story, sections[SOURCES])
    source_ids = list(
        story.story_sources.order_by("position", "pk").values_list("source_id", flat=True)
    )
    for name, section in LINKED.items():
        if name in sections:
            _replace_links(story, section, sections[name])
    for name, section in ROW_SECTIONS.items():
        if name in sections:
            _replace_rows(
                story,
                section.model,
                sections[name],
                source_ids if section.cites_sources else None,
                positioned=section.positioned,
            )
    # Sources replaced on their own may leave older citations pointing outside the list.
    story_sync_cited_sources(story=story)
    # Rows were bulk-written (no signals): the derived columns are refreshed once, at the end of
    # story_write's refresh_once() block, with whatever the deletes' signals noted.
    sections_changed([story.pk])
    return story


def _sections_of(data: dict, *, replace_all_sections: bool) -> tuple[dict, dict]:
    data = dict(data)
    sections = {name: data.pop(name) for name in SECTION_NAMES if name in data}
    if replace_all_sections:
        for name in SECTION_NAMES:
            sections.setdefault(name, [])
    return data, sections


def _story_unchanged(story: Story, data: dict, *, replace_all_sections: bool) -> bool:
    """Whether `story_write` with `data` would leave the story and every section it names as
    stored (rows in the same places, citing the same sources): reads only, no write."""
    fields, sections = _sections_of(data, replace_all_sections=replace_all_sections)
    if fields.pop("new_category", None) is not None or not unchanged(story, fields):
        return False
    source_ids = list(
        story.story_sources.order_by("position", "pk").values_list("source_id", flat=True)
    )
    if SOURCES in sections:
        rows = sections[SOURCES]
        if any(row.get("source") is None for row in rows):
            return False
        positions = list(story.story_sources.order_by("position", "pk").values_list("position"))
        if [row["source"].pk for row in rows] != source_ids or positions != [
            (i,) for i in range(1, len(rows) + 1)
        ]:
            return False
    for name, section in LINKED.items():
        if name not in sections:
            continue
        model, key = section.model, section.joined
        rows = sections[name]
        if any(row.get(key) is None for row in rows):
            return False
        wanted = [
            (row[key].pk, row.get("role", ""), row.get("status", ""), position)
            for position, row in enumerate(rows, start=1)
        ]
        stored = model.objects.filter(story=story).order_by("position", "pk")
        if list(stored.values_list(f"{key}_id", "role", "status", "position")) != wanted:
            return False
    for name, section in ROW_SECTIONS.items():
        if name in sections and not _rows_unchanged(
            story, section.model, sections[name], source_ids, positioned=section.positioned
        ):
            return False
    return True


def _rows_unchanged(story, model, rows, source_ids, *, positioned: bool) -> bool:
    existing = {obj.pk: obj for obj in model.objects.filter(story=story)}
    if len(rows) != len(existing):
        return False
    wanted_cites = {}
    for position, row in enumerate(rows, start=1):
        values = dict(row)
        cites = values.pop("cites", [])
        obj = existing.get(values.pop("id", None))
        if positioned:
            values["position"] = position
        if obj is None or not unchanged(obj, values):
            return False
        wanted_cites[obj.pk] = sorted(source_ids[number - 1] for number in cites)
    if not hasattr(model, "sources"):
        return True
    owner = f"{model._meta.model_name}_id"
    stored_cites = {pk: [] for pk in existing}
    through = model.sources.through.objects.filter(**{f"{owner}__in": list(existing)})
    for owner_id, source_id in through.values_list(owner, "source_id"):
        stored_cites[owner_id].append(source_id)
    return wanted_cites == {pk: sorted(ids) for pk, ids in stored_cites.items()}


def _replace_sources(story: Story, rows: list[dict]) -> None:
    sources = [row.get("source") or Source.objects.create(**row["new_source"]) for row in rows]
    story.story_sources.all().delete()
    StorySource.objects.bulk_create(
        StorySource(story=story, source=source, position=position)
        for position, source in enumerate(sources, start=1)
    )


def _replace_links(story: Story, section, rows: list[dict]) -> None:
    """Make the story's people (or organizations) exactly `rows`, in order, creating the new
    records named in `new_person` (`new_organization`)."""
    key = section.joined
    record_model = section.model._meta.get_field(key).related_model
    records = [row.get(key) or record_model.objects.create(**row[f"new_{key}"]) for row in rows]
    getattr(story, section.name).all().delete()
    section.model.objects.bulk_create(
        section.model(
            story=story,
            **{key: record},
            role=row.get("role", ""),
            status=row.get("status", ""),
            position=position,
        )
        for position, (record, row) in enumerate(zip(records, rows, strict=True), start=1)
    )


def _replace_rows(story, model, rows, source_ids, *, positioned: bool) -> None:
    """Make the story's rows of `model` exactly `rows`: update by id, create, delete the rest."""
    existing = {obj.pk: obj for obj in model.objects.filter(story=story)}
    kept, created, changed_fields = [], [], set()
    cites_by_row = []
    has_updated_at = any(f.name == "updated_at" for f in model._meta.fields)
    now = timezone.now()
    for position, row in enumerate(rows, start=1):
        values = dict(row)
        cites = values.pop("cites", [])
        row_id = values.pop("id", None)
        if positioned:
            values["position"] = position
        obj = existing.get(row_id) if row_id is not None else None
        if obj is None:
            obj = model(story=story, **values)
            created.append(obj)
        else:
            differs = [name for name, value in values.items() if getattr(obj, name) != value]
            for name in differs:
                setattr(obj, name, values[name])
            if differs:
                changed_fields.update(differs)
                if has_updated_at:
                    obj.updated_at = now
                    changed_fields.add("updated_at")
                kept.append((obj, True))
            else:
                kept.append((obj, False))
        cites_by_row.append((obj, cites))

    kept_ids = [obj.pk for obj, _ in kept]
    model.objects.filter(story=story).exclude(pk__in=kept_ids).delete()
    to_update = [obj for obj, changed in kept if changed]
    if to_update:
        model.objects.bulk_update(to_update, fields=sorted(changed_fields))
    model.objects.bulk_create(created)

    if source_ids is None:
        return
    through = model.sources.through
    owner = f"{model._meta.model_name}_id"
    through.objects.filter(**{f"{owner}__in": [obj.pk for obj, _ in cites_by_row]}).delete()
    through.objects.bulk_create(
        through(**{owner: obj.pk, "source_id": source_ids[number - 1]})
        for obj, cites in cites_by_row
        for number in cites
    )


class EditConflict(Exception):
    """A write was handed a copy older than the stored row: compare versions under the lock."""


@transaction.atomic
def event_write(*, event: TimelineEvent | None, data: dict) -> TimelineEvent:
    """Create or change one timeline event; `cites` are numbers in its story's source list.

    Locks the story (both, when the event moves) and the event, and moves the stories'
    versions on: the event is part of what each story shows. A change to nothing writes
    nothing, so neither version moves.
    """
    data = dict(data)
    cites = data.pop("cites", None)
    if event is not None:
        lock_row(TimelineEvent, event.pk)
        if unchanged(event, data) and (cites is None or _cites_unchanged(event, cites)):
            return event
    new_story = data.get("story")
    event = event or TimelineEvent()
    previous_story_id = event.story_id
    lock_stories(previous_story_id, new_story.pk if new_story is not None else None)
    for name, value in data.items():
        setattr(event, name, value)
    event.save()
    if cites is not None:
        source_ids = list(
            StorySource.objects.filter(story_id=event.story_id)
            .order_by("position", "pk")
            .values_list("source_id", flat=True)
        )
        event.sources.set([source_ids[number - 1] for number in cites])
    stories_changed(event.story_id, previous_story_id)
    return event


def _cites_unchanged(event: TimelineEvent, cites: list[int]) -> bool:
    source_ids = list(
        StorySource.objects.filter(story_id=event.story_id)
        .order_by("position", "pk")
        .values_list("source_id", flat=True)
    )
    stored = TimelineEvent.sources.through.objects.filter(timelineevent_id=event.pk)
    wanted = sorted(source_ids[number - 1] for number in cites)
    return wanted == sorted(stored.values_list("source_id", flat=True))


@transaction.atomic
def event_delete(*, event: TimelineEvent) -> None:
    """Delete one timeline event, its story locked; the story's version moves on."""
    lock_row(TimelineEvent, event.pk)
    story_id = event.story_id
    event.delete()
    stories_changed(story_id)
