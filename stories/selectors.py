"""Named reads shared by the story pages and the API; they own the prefetching."""

from django.db.models import F, Prefetch, QuerySet, Value
from django.http import Http404

from people.models import StoryOrganization, StoryPerson
from stories.models import KeyIndicator, Scenario, Story, StorySource
from timelines.models import TimelineEvent


def story_list(*, include_unpublished: bool = False) -> QuerySet[Story]:
    """Stories for lists and cards, newest update first, with category, latest update and indicators."""
    stories = Story.objects.all() if include_unpublished else Story.objects.published()
    return (
        stories.select_related("category")
        .with_latest_update()
        .prefetch_related(
            Prefetch("indicators", queryset=KeyIndicator.objects.order_by("position", "pk"))
        )
        .order_by("-updated_at", "-pk")
    )


def story_detail_queryset(*, include_unpublished: bool = False) -> QuerySet[Story]:
    """Stories with every section the story page shows, each section in one query."""
    stories = Story.objects.all() if include_unpublished else Story.objects.published()
    return stories.select_related("category").prefetch_related(
        "indicators",
        Prefetch("story_people", queryset=StoryPerson.objects.select_related("person")),
        Prefetch(
            "story_organizations", queryset=StoryOrganization.objects.select_related("organization")
        ),
        "events",
        "scenarios",
        "historical_contexts",
        Prefetch("story_sources", queryset=StorySource.objects.select_related("source")),
    )


def story_detail(*, slug: str, include_unpublished: bool = False) -> Story:
    """One story with every section and its citation numbers, in a fixed number of queries.

    Raises Http404 when there is no such story, or it is not public and `include_unpublished`
    is off.
    """
    try:
        story = story_detail_queryset(include_unpublished=include_unpublished).get(slug=slug)
    except Story.DoesNotExist:
        raise Http404("No such story.") from None
    attach_citations(story)
    return story


def attach_citations(story: Story) -> None:
    """Give each event, indicator and scenario a `citations` list of (number, source) pairs.

    The numbers are positions in the story's source list. One UNION query reads the three
    citation tables, instead of a prefetch per section.
    """
    numbered = {
        row.source_id: (n, row.source) for n, row in enumerate(story.story_sources.all(), 1)
    }

    def cited(through, owner_field):
        return (
            through.objects.filter(**{f"{owner_field}__story_id": story.pk})
            .order_by()
            .annotate(
                section=Value(owner_field), owner=F(f"{owner_field}_id"), cited=F("source_id")
            )
            .values_list("section", "owner", "cited")
        )

    rows = cited(TimelineEvent.sources.through, "timelineevent").union(
        cited(KeyIndicator.sources.through, "keyindicator"),
        cited(Scenario.sources.through, "scenario"),
        all=True,
    )
    by_owner: dict[tuple[str, int], list] = {}
    for section, owner, source_id in rows:
        if source_id in numbered:
            by_owner.setdefault((section, owner), []).append(numbered[source_id])
    for section, items in (
        ("timelineevent", story.events.all()),
        ("keyindicator", story.indicators.all()),
        ("scenario", story.scenarios.all()),
    ):
        for item in items:
            item.citations = sorted(by_owner.get((section, item.pk), []), key=lambda c: c[0])
