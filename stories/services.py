"""Writes that touch several models of a story."""

from datetime import timedelta

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories import demo_content as demo
from stories.changes import record_changes
from stories.concurrency import lock_stories, lock_story, stories_changed
from stories.models import (
    AuditEntry,
    Category,
    HistoricalContext,
    HistoricalVoice,
    KeyIndicator,
    Scenario,
    Source,
    Story,
    StorySource,
)
from stories.permissions import can_publish, check_can_change_published
from timelines.models import TimelineEvent


@transaction.atomic
def story_sync_cited_sources(*, story: Story) -> list[StorySource]:
    """Add every source cited by the story's events, indicators or scenarios to its source list.

    A citation mark must point at a numbered source, so a cited source missing from the list is
    appended after the last one. Returns the rows it added.
    """
    cited_ids = set(
        Source.objects.filter(events__story=story)
        .order_by()
        .values_list("pk", flat=True)
        .union(
            Source.objects.filter(indicators__story=story).order_by().values_list("pk", flat=True),
            Source.objects.filter(scenarios__story=story).order_by().values_list("pk", flat=True),
        )
    )
    listed = set(story.story_sources.values_list("source_id", flat=True))
    missing = sorted(cited_ids - listed)
    if not missing:
        return []
    last = story.story_sources.aggregate(last=Max("position"))["last"] or 0
    rows = [
        StorySource(story=story, source_id=source_id, position=last + offset)
        for offset, source_id in enumerate(missing, start=1)
    ]
    return StorySource.objects.bulk_create(rows)


def _upsert(model, lookup: dict, values: dict):
    """Get or create the row matching `lookup`; save only when a value differs. Returns (obj, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, bool(changed)


def _set_sources(obj, source_ids: list[int]) -> bool:
    current = set(obj.sources.values_list("pk", flat=True))
    if current == set(source_ids):
        return False
    obj.sources.set(source_ids)
    return True


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create or bring up to date the demo story with every section; a second run changes nothing.

    Returns how many rows were created or changed per kind of row.
    """

    counts: dict[str, int] = {}

    def tally(kind: str, changed: bool) -> None:
        counts[kind] = counts.get(kind, 0) + int(changed)

    category, changed = _upsert(
        Category, {"slug": demo.CATEGORY["slug"]}, {"name": demo.CATEGORY["name"]}
    )
    tally("categories", changed)

    sources = {}
    for key, data in demo.SOURCES.items():
        lookup = {"publisher": data["publisher"], "title": data["title"]}
        values = {k: v for k, v in data.items() if k not in lookup}
        sources[key], changed = _upsert(Source, lookup, values)
        tally("sources", changed)

    # An editor may have the story open: lock it, and move its version on if sections change.
    lock_stories(*Story.all_objects.filter(slug=demo.STORY["slug"]).values_list("pk", flat=True))
    story_values = {k: v for k, v in demo.STORY.items() if k != "slug"}
    story_values.update(category=category, status=Story.Status.PUBLISHED)
    story, changed = _upsert(Story, {"slug": demo.STORY["slug"]}, story_values)
    tally("stories", changed)

    for position, data in enumerate(demo.INDICATORS, start=1):
        values = {k: v for k, v in data.items() if k != "sources"}
        indicator, changed = _upsert(KeyIndicator, {"story": story, "position": position}, values)
        changed |= _set_sources(indicator, [sources[k].pk for k in data["sources"]])
        tally("indicators", changed)

    for position, data in enumerate(demo.PEOPLE, start=1):
        person_values = {k: data[k] for k in ("name", "title", "bio")}
        person, changed = _upsert(Person, {"slug": data["slug"]}, person_values)
        tally("people", changed)
        role = {"role": data["role"], "status": data["status"], "position": position}
        _, changed = _upsert(StoryPerson, {"story": story, "person": person}, role)
        tally("story people", changed)

    for position, data in enumerate(demo.ORGANIZATIONS, start=1):
        org_values = {k: data[k] for k in ("name", "kind", "description")}
        organization, changed = _upsert(Organization, {"slug": data["slug"]}, org_values)
        tally("organizations", changed)
        role = {"status": data["status"], "position": position}
        _, changed = _upsert(
            StoryOrganization, {"story": story, "organization": organization}, role
        )
        tally("story organizations", changed)

    for data in demo.EVENTS:
        values = {k: v for k, v in data.items() if k not in ("title", "sources")}
        values.setdefault("precision", "day")
        values.setdefault("date_label", "")
        values.setdefault("sequence", 0)
        event, changed = _upsert(TimelineEvent, {"story": story, "title": data["title"]}, values)
        changed |= _set_sources(event, [sources[k].pk for k in data["sources"]])
        tally("events", changed)

    for position, data in enumerate(demo.SCENARIOS, start=1):
        _, changed = _upsert(Scenario, {"story": story, "position": position}, data)
        tally("scenarios", changed)

    for position, data in enumerate(demo.CONTEXTS, start=1):
        _, changed = _upsert(HistoricalContext, {"story": story, "position": position}, data)
        tally("historical contexts", changed)

    for position, data in enumerate(demo.VOICES, start=1):
        _, changed = _upsert(HistoricalVoice, {"story": story, "position": position}, data)
        tally("voices", changed)

    for position, key in enumerate(demo.SOURCE_ORDER, start=1):
        _, changed = _upsert(
            StorySource, {"story": story, "source": sources[key]}, {"position": position}
        )
        tally("story sources", changed)
    tally("story sources", bool(story_sync_cited_sources(story=story)))
    section_kinds = set(counts) - {"categories", "sources", "people", "organizations", "stories"}
    if not counts.get("stories") and any(counts[kind] for kind in section_kinds):
        stories_changed(story.pk)
    if any(counts.values()):
        # Its History starts here, so an editor's first change compares with what was loaded.
        with reversion.create_revision():
            reversion.set_comment("Loaded the demo content (manage.py load_demo).")
            reversion.add_to_revision(story)
    return counts


# --- Editorial workflow -------------------------------------------------------------------

TRASH_DAYS = 30


def audit_record(*, actor, action: str, story: Story, detail: str = ""):
    """Write one audit entry; the headline is copied so it outlives the story."""

    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.get_username() if getattr(actor, "pk", None) else "",
        action=action,
        story=story,
        story_headline=story.headline[:200],
        detail=detail[:300],
    )


def transition_audit_action(*, old_status: str | None, story: Story) -> str | None:
    """The audit action a change of status from `old_status` amounts to, or None."""

    if old_status == story.status:
        return None
    if story.status == Story.Status.IN_REVIEW:
        return AuditEntry.Action.SUBMITTED
    if story.status == Story.Status.PUBLISHED:
        if story.published_at and story.published_at > timezone.now():
            return AuditEntry.Action.SCHEDULED
        return AuditEntry.Action.PUBLISHED
    if old_status == Story.Status.PUBLISHED:
        return AuditEntry.Action.UNPUBLISHED
    return None


def check_transition(*, user, old_status: str | None, new_status: str) -> None:
    """Raise PermissionDenied when `user` may not move a story from `old_status` to `new_status`.

    Changing what a published story shows, without moving it, is
    `permissions.check_can_change_published`.
    """
    restricted = {Story.Status.PUBLISHED, Story.Status.UNPUBLISHED}
    if (new_status in restricted or old_status in restricted) and old_status != new_status:
        if not can_publish(user):
            raise PermissionDenied(
                "Only editors can publish or withdraw a story. Submit it for review instead."
            )


@transaction.atomic
def story_set_status(*, story: Story, user, status: str, published_at=None) -> Story:
    """Move `story` to `status` (publish, schedule, submit, withdraw) and audit it.

    Works on the stored story, locked: a copy loaded earlier would write back stale fields.
    Asking for the status it has (and no new time) changes nothing.
    """
    lock_stories(story.pk)
    story.refresh_from_db()
    check_transition(user=user, old_status=story.status, new_status=status)
    check_can_change_published(user, [story])
    if story.status == status and published_at in (None, story.published_at):
        return story
    old_status = story.status
    story.status = status
    if published_at is not None:
        story.published_at = published_at
    with reversion.create_revision():
        story.save()
        reversion.set_user(user if getattr(user, "pk", None) else None)
        reversion.set_comment(f"Status: {old_status} → {status}")
    action = transition_audit_action(old_status=old_status, story=story)
    if action:
        audit_record(actor=user, action=action, story=story)
    return story


@transaction.atomic
def story_trash(*, story: Story, user) -> Story:
    """Move `story` to the trash: gone from every public place, restorable for TRASH_DAYS days."""
    lock_stories(story.pk)
    story.deleted_at = timezone.now()
    story.deleted_by = user if getattr(user, "pk", None) else None
    Story.all_objects.filter(pk=story.pk).update(
        deleted_at=story.deleted_at, deleted_by=story.deleted_by, version=F("version") + 1
    )
    story.refresh_from_db(fields=["version", "updated_at"])
    audit_record(actor=user, action="trashed", story=story)
    _content_changed(story)
    return story


@transaction.atomic
def story_restore(*, story: Story, user) -> Story:
    """Bring `story` back from the trash with the status it had."""
    lock_stories(story.pk)
    Story.all_objects.filter(pk=story.pk).update(
        deleted_at=None, deleted_by=None, version=F("version") + 1, updated_at=timezone.now()
    )
    story.refresh_from_db()
    audit_record(actor=user, action="restored", story=story)
    _content_changed(story)
    return story


@transaction.atomic
def trash_purge(
    *, older_than_days: int = TRASH_DAYS, now=None, user=None, dry_run: bool = False
) -> list[str]:
    """Delete for good the stories trashed more than `older_than_days` ago. Returns their headlines."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    due = list(Story.all_objects.filter(deleted_at__lte=cutoff).order_by("deleted_at"))
    if dry_run:
        return [s.headline for s in due]
    for story in due:
        audit_record(actor=user, action="purged", story=story)
        story.delete()
    return [s.headline for s in due]


def _content_changed(story: Story) -> None:
    """Tell the sync log the story changed; a queryset update sends no signal to do it."""

    record_changes("story", [story.pk])


# --- Edit conflicts ---------------------------------------------------------------------------


def story_conflict(*, story: Story, seen_version: int | None, seen_at) -> str | None:
    """Describe who changed `story`, and what, since an editor loaded it at `seen_version`.

    Returns None when nobody saved it in between. The message names the people and the parts
    they changed, so the editor knows what to copy into the current version. The story's row
    stays locked until the transaction ends, so no save can come between this check and the
    caller's write (call it inside the write's transaction).
    """
    current = lock_story(story.pk)
    if current is None or seen_version is None or current == seen_version:
        return None
    from reversion.models import Version

    # Only the revisions saved since, and the one the editor saw: a story's history grows long.
    versions = Version.objects.get_for_object(story).select_related("revision__user")
    if seen_at is None:
        newer, older = list(versions.order_by("-pk")[:50]), None
    else:
        newer = list(versions.filter(revision__date_created__gt=seen_at).order_by("-pk")[:50])
        older = versions.filter(revision__date_created__lte=seen_at).order_by("-pk").first()
    who = sorted(
        {(v.revision.user.get_username() if v.revision.user else "someone") for v in newer}
    )
    when = newer[0].revision.date_created if newer else None
    changed = _revision_changes(older, newer[0]) if (older and newer) else []
    message = f"{', '.join(who) or 'Someone'} saved this story"
    if when:
        message += f" at {timezone.localtime(when):%Y-%m-%d %H:%M:%S %Z}"
    message += " while you were editing it"
    if changed:
        message += f" (changed: {', '.join(changed)})"
    return message + ". Your changes were not saved."


def _revision_changes(old, new) -> list[str]:
    """Names of the story fields and sections that differ between two versions of a story."""
    changed = []
    old_fields, new_fields = old.field_dict, new.field_dict
    for field in Story._meta.concrete_fields:
        if field.name in {"updated_at", "overview_html", "why_it_matters_html"}:
            continue
        if old_fields.get(field.attname, old_fields.get(field.name)) != new_fields.get(
            field.attname, new_fields.get(field.name)
        ):
            changed.append(str(field.verbose_name))

    def sections(version):
        grouped: dict[str, set] = {}
        for v in version.revision.version_set.exclude(pk=version.pk).select_related("content_type"):
            name = str(v.content_type.model_class()._meta.verbose_name_plural)
            grouped.setdefault(name, set()).add((v.object_id, v.serialized_data))
        return grouped

    old_sections, new_sections = sections(old), sections(new)
    for name in sorted(set(old_sections) | set(new_sections)):
        if old_sections.get(name) != new_sections.get(name):
            changed.append(name)
    return changed
