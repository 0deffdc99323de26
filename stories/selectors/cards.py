"""Story cards and lists: the Daily Brief, categories, a person's or organization's stories."""

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from people.models import Organization, Person
from stories.models import (
    Category,
    KeyIndicator,
    Story,
)
from timelines.models import TimelineEvent

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


def story_list_involving(
    *, person: Person | None = None, organization: Organization | None = None
) -> QuerySet[Story]:
    """Published stories one person or organization is involved in, newest update first.

    Each story carries `involvement` (their StoryPerson or StoryOrganization row's role and
    status as `role` and `role_status`), `event_count`, and `recent_events`, its newest
    timeline events. A queryset, for the pages to paginate: a page costs three queries however
    many stories and events there are.
    """
    if (person is None) == (organization is None):
        raise TypeError("Pass exactly one of person or organization.")
    if person is not None:
        relation, condition = "story_people", Q(story_people__person=person)
    else:
        relation = "story_organizations"
        condition = Q(story_organizations__organization=organization)
    events = TimelineEvent.objects.filter(story=OuterRef("pk")).order_by().values("story")
    return (
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
