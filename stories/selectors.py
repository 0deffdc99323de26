"""Named reads shared by the story pages and the API; they own the prefetching."""

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import (
    Category,
    HistoricalVoice,
    KeyIndicator,
    Scenario,
    Story,
    StorySource,
)
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
    # The latest-update line (newest event or update note) comes from subqueries in the story's
    # own query, so reading it costs nothing however many events and notes there are.
    return (
        stories.select_related("category")
        .with_latest_update()
        .prefetch_related(
            "indicators",
            Prefetch("story_people", queryset=StoryPerson.objects.select_related("person")),
            Prefetch(
                "story_organizations",
                queryset=StoryOrganization.objects.select_related("organization"),
            ),
            "events",
            "scenarios",
            "historical_contexts",
            Prefetch("story_sources", queryset=StorySource.objects.select_related("source")),
        )
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
    attach_citations_many([story])


def attach_citations_many(stories) -> None:
    """`attach_citations` for several stories (sections prefetched) in the same single query."""
    stories = list(stories)
    if not stories:
        return
    numbered = {
        story.pk: {
            row.source_id: (n, row.source) for n, row in enumerate(story.story_sources.all(), 1)
        }
        for story in stories
    }

    def cited(through, owner_field):
        return (
            through.objects.filter(**{f"{owner_field}__story_id__in": list(numbered)})
            .order_by()
            .annotate(
                section=Value(owner_field),
                story=F(f"{owner_field}__story_id"),
                owner=F(f"{owner_field}_id"),
                cited=F("source_id"),
            )
            .values_list("section", "story", "owner", "cited")
        )

    rows = cited(TimelineEvent.sources.through, "timelineevent").union(
        cited(KeyIndicator.sources.through, "keyindicator"),
        cited(Scenario.sources.through, "scenario"),
        all=True,
    )
    by_owner: dict[tuple[str, int], list] = {}
    for section, story_id, owner, source_id in rows:
        if source_id in numbered[story_id]:
            by_owner.setdefault((section, owner), []).append(numbered[story_id][source_id])
    for story in stories:
        for section, items in (
            ("timelineevent", story.events.all()),
            ("keyindicator", story.indicators.all()),
            ("scenario", story.scenarios.all()),
        ):
            for item in items:
                item.citations = sorted(by_owner.get((section, item.pk), []), key=lambda c: c[0])


# Reader pages. Each function below costs a fixed number of queries however large the stories.

CARD_INDICATORS = 3
ENTITY_RECENT_EVENTS = 5


def newest_update_first() -> tuple:
    """Ordering for story lists: the day of the latest-update line (newest event or update note,
    in the readers' time zone, stored as `Story.latest_update_on`) first, as each card shows it.

    An edit to an old story does not lift it above stories with newer events. The whole order
    is one index (`story_newest_update_idx`), so a page of the Brief reads a page of rows.
    """
    return (F("latest_update_on").desc(), F("updated_at").desc(), F("id").desc())


def _card_indicators() -> Prefetch:
    # A sliced prefetch (one window-function query) so a card never loads 300 indicators.
    return Prefetch(
        "indicators",
        queryset=KeyIndicator.objects.order_by("position", "pk")[:CARD_INDICATORS],
        to_attr="card_indicators",
    )


def story_cards(*, category: Category | None = None) -> QuerySet[Story]:
    """Published stories as cards, newest timeline event first: category, latest update, first indicators."""
    stories = Story.objects.published()
    if category is not None:
        stories = stories.filter(category=category)
    return (
        stories.select_related("category")
        .with_latest_update()
        .prefetch_related(_card_indicators())
        .order_by(*newest_update_first())
    )


def story_related(*, story: Story, limit: int = 4) -> list[Story]:
    """Published stories sharing people, organizations or the category with `story`, best first.

    Shared people and organizations outweigh a shared category. Reads the ids from the
    story's prefetched sections, so it costs one query.
    """
    person_ids = [row.person_id for row in story.story_people.all()]
    organization_ids = [row.organization_id for row in story.story_organizations.all()]

    def shared(model, field, ids):
        if not ids:
            return Value(0)
        return Coalesce(
            Subquery(
                model.objects.filter(story=OuterRef("pk"), **{f"{field}__in": ids})
                .order_by()
                .values("story")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        )

    # One UNION of candidate ids, each part using its own index: an OR of the category with
    # `IN (subquery)` made PostgreSQL check every story at 100k.
    parts = [
        StoryPerson.objects.filter(person_id__in=person_ids).order_by().values("story_id"),
        StoryOrganization.objects.filter(organization_id__in=organization_ids)
        .order_by()
        .values("story_id"),
    ]
    candidates = (
        Story.objects.filter(category_id=story.category_id).order_by().values("pk").union(*parts)
    )
    return list(
        Story.objects.published()
        .filter(pk__in=candidates)
        .exclude(pk=story.pk)
        .select_related("category")
        .with_latest_update()
        .annotate(
            shared_people=shared(StoryPerson, "person_id", person_ids),
            shared_organizations=shared(StoryOrganization, "organization_id", organization_ids),
            same_category=Case(
                When(category_id=story.category_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            relatedness=F("shared_people") * 3 + F("shared_organizations") * 2 + F("same_category")
        )
        .order_by("-relatedness", *newest_update_first())[:limit]
    )


def story_list_involving(
    *, person: Person | None = None, organization: Organization | None = None
) -> list[Story]:
    """Published stories one person or organization is involved in, newest update first.

    Each story carries `involvement` (their StoryPerson or StoryOrganization row's role and
    status as `role` and `role_status`), `event_count`, and `recent_events`, its newest
    timeline events. Three queries at most, however many stories and events there are.
    """
    if (person is None) == (organization is None):
        raise TypeError("Pass exactly one of person or organization.")
    if person is not None:
        relation, condition = "story_people", Q(story_people__person=person)
    else:
        relation = "story_organizations"
        condition = Q(story_organizations__organization=organization)
    events = TimelineEvent.objects.filter(story=OuterRef("pk")).order_by().values("story")
    return list(
        Story.objects.published()
        .annotate(involvement=FilteredRelation(relation, condition=condition))
        .filter(involvement__isnull=False)
        .annotate(
            role=F("involvement__role"),
            role_status=F("involvement__status"),
            event_count=Coalesce(
                Subquery(events.annotate(n=Count("pk")).values("n")[:1]),
                0,
                output_field=IntegerField(),
            ),
        )
        .select_related("category")
        .with_latest_update()
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TimelineEvent.objects.order_by("-date", "-sequence", "-pk")[
                    :ENTITY_RECENT_EVENTS
                ],
                to_attr="recent_events",
            )
        )
        .order_by(*newest_update_first())
    )


def story_page(*, slug: str, include_unpublished: bool = False) -> Story:
    """story_detail() for the story page: also `has_voices`, from the same query, so the page can
    offer Voices from History to readers who are not signed in without loading them."""
    stories = story_detail_queryset(include_unpublished=include_unpublished).annotate(
        has_voices=Exists(HistoricalVoice.objects.filter(story=OuterRef("pk")))
    )
    try:
        story = stories.get(slug=slug)
    except Story.DoesNotExist:
        raise Http404("No such story.") from None
    attach_citations(story)
    return story


def story_voices(*, story: Story) -> list[HistoricalVoice]:
    """The story's Voices from History in page order (shown to signed-in readers only)."""
    return list(HistoricalVoice.objects.filter(story=story).order_by("position", "pk"))
