"""Querysets the API's views share: update notes with a story, published counts, people."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from people.models import Person, StoryOrganization, StoryPerson
from stories import changes
from stories.models import Story, public


def published_count(model, owner: str) -> Coalesce:
    """How many published stories reach each row, as a correlated subquery.

    `model` links the annotated rows to stories (Story itself for categories; StorySource,
    StoryPerson or StoryOrganization) and `owner` is its foreign key to them. A subquery, not
    a JOIN with COUNT: the aggregate grouped every one of 900,000 sources before a list page
    could take its first 20 (3-6 s at 100k stories); the subquery runs for the page's rows.
    """
    rows = model.objects.filter(
        public("" if model is Story else "story__"), **{owner: OuterRef("pk")}
    )
    counted = Count("*") if model is Story else Count("story", distinct=True)
    return Coalesce(
        Subquery(
            rows.order_by().values(owner).annotate(n=counted).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def people_queryset(model, *, detail: bool, public_only: bool = True):
    """People or organizations with their published story count, and roles for a detail.

    With `public_only`, only those a published story involves, as on the reader site.
    """
    kind = changes.Kind.PERSON if model is Person else changes.Kind.ORGANIZATION
    queryset = changes.public_records(kind) if public_only else model.objects.all()
    through = StoryPerson if model is Person else StoryOrganization
    owner = "person" if model is Person else "organization"
    queryset = queryset.annotate(story_count=published_count(through, owner))
    if not detail:
        return queryset
    return queryset.prefetch_related(
        Prefetch(
            "story_roles",
            queryset=through.objects.filter(story__in=Story.objects.published())
            .select_related("story")
            # A role shows four of the story's fields; its text columns are large, and an
            # organization can be in thousands of stories.
            .only(
                owner,
                "role",
                "status",
                "position",
                "story__slug",
                "story__headline",
                "story__updated_at",
            )
            .order_by("-story__updated_at", "-story__pk"),
            to_attr="published_roles",
        )
    )
