"""Writes that touch several models of a story."""

from django.db import transaction
from django.db.models import Max

from stories.models import Source, Story, StorySource


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
    from people.models import Organization, Person, StoryOrganization, StoryPerson
    from stories import demo_content as demo
    from stories.models import Category, HistoricalContext, HistoricalVoice, KeyIndicator, Scenario
    from timelines.models import TimelineEvent

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
    return counts
