"""Stories related to one story: those sharing its people, organizations or category."""

from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from people.models import StoryOrganization, StoryPerson
from stories.models import Story
from stories.selectors.cards import newest_update_first

# Stories sharing someone with the story that are weighed: the most recently added ones. A
# person in thousands of stories still costs this many, so the read is flat in archive size.
SHARED_CANDIDATES = 60

# What a related story's card shows; the rest of the story is deferred.
_CARD_FIELDS = (
    "headline",
    "slug",
    "category",
    "dek",
    "status",
    "published_at",
    "deleted_at",
    "updated_at",
    "latest_update_on",
)


def _shared(rows) -> Coalesce:
    """How many of `rows` (a story's involvements) belong to the outer story: 0 or more."""
    per_story = rows.filter(story=OuterRef("pk")).order_by().values("story")
    return Coalesce(
        Subquery(per_story.annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def story_related(*, story: Story, limit: int = 4) -> list[Story]:
    """Published stories sharing people, organizations or the category with `story`, best first.

    Shared people and organizations outweigh a shared category: relatedness is 3 per shared
    person, 2 per shared organization and 1 for the category, then newest update first (as
    `newest_update_first`). Reads the ids from the story's loaded sections; one query.

    The candidates are bounded, so the cost does not grow with the archive: the
    `SHARED_CANDIDATES` most recently added stories sharing someone (an index range per
    person or organization), plus the category's `limit + 1` newest (the top of
    `story_newest_update_idx`; one related by its category alone can only be listed if it is
    among those, the + 1 being `story` itself). Visibility is `published()`'s.
    """
    person_ids = [row.person_id for row in story.story_people.all()]
    organization_ids = [row.organization_id for row in story.story_organizations.all()]
    people = StoryPerson.objects.filter(person_id__in=person_ids)
    organizations = StoryOrganization.objects.filter(organization_id__in=organization_ids)
    published = Story.objects.published()

    newest_in_category = published.filter(category_id=story.category_id).order_by(
        *newest_update_first()
    )
    sets = [newest_in_category.values("pk")[: limit + 1]]
    relatedness = Case(
        When(category_id=story.category_id, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    for ids, rows, weight in ((person_ids, people, 3), (organization_ids, organizations, 2)):
        if ids:
            # NULLS LAST (story_id is never NULL) so no index yields this order: PostgreSQL
            # reads the few rows of these people from their own index and sorts them, instead
            # of walking (story, person) backwards through every row hoping to meet them.
            newest_first = F("story_id").desc(nulls_last=True)
            sets.append(rows.order_by(newest_first).values("story_id")[:SHARED_CANDIDATES])
            relatedness += weight * _shared(rows)
    # One IN over a UNION ALL (a semi-join PostgreSQL probes by primary key), not an OR of
    # INs (a filter on every published story). Each bounded set sits in its own IN, as
    # SQLite allows no LIMIT inside a compound statement.
    first, *others = [Story.objects.filter(pk__in=ids).order_by().values("pk") for ids in sets]
    candidates = first.union(*others, all=True) if others else first
    return list(
        published.filter(pk__in=candidates)
        .exclude(pk=story.pk)
        .annotate(relatedness=relatedness)
        .order_by("-relatedness", *newest_update_first())
        .select_related("category")
        .only(*_CARD_FIELDS)
        .with_latest_update()[:limit]
    )
