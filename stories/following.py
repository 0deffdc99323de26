"""Reads for a reader's Following list, the story they follow or unfollow, and what a signed-in
reader sees on a story (their read mark, Voices from History)."""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from readers.models import Follow
from stories.models import HistoricalVoice, Story, UpdateNote
from timelines.models import TimelineEvent


def _count_rows(model=TimelineEvent, **filters) -> Coalesce:
    counted = (
        model.objects.filter(story=OuterRef("story"), **filters)
        .order_by()
        .values("story")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def following_list(*, reader) -> QuerySet[Follow]:
    """The reader's follows of public stories, those with news first, then most recently updated.

    Each follow carries `new_count` (events added since the reader last opened the story),
    `updated_count` (older events edited since then) and `new_note_count` (update notes added
    since then). One query whatever the number of follows.
    """
    return (
        Follow.objects.filter(reader=reader, story__in=Story.objects.published())
        .select_related("story", "story__category")
        .annotate(
            new_count=_count_rows(created_at__gt=OuterRef("last_seen_at")),
            updated_count=_count_rows(
                created_at__lte=OuterRef("last_seen_at"), updated_at__gt=OuterRef("last_seen_at")
            ),
            new_note_count=_count_rows(UpdateNote, created_at__gt=OuterRef("last_seen_at")),
        )
        .annotate(
            has_news=ExpressionWrapper(
                Q(new_count__gt=0) | Q(updated_count__gt=0) | Q(new_note_count__gt=0),
                output_field=BooleanField(),
            )
        )
        .order_by(F("has_news").desc(), "-story__updated_at", "-pk")
    )


def story_to_follow(
    *, slug: str | None = None, pk: int | None = None, include_unpublished: bool = False
) -> Story | None:
    """The story a follow or unfollow names (by `slug` or `pk`), or None: published unless
    `include_unpublished` (then any story outside the trash). One query reading only its id,
    slug and headline, because a follow needs none of its sections."""
    stories = Story.objects.all() if include_unpublished else Story.objects.published()
    lookup = {"slug": slug} if pk is None else {"pk": pk}
    return stories.only("pk", "slug", "headline").filter(**lookup).first()


def with_reader_state(stories: QuerySet[Story], *, reader) -> QuerySet[Story]:
    """`stories` with `has_voices` and, for a signed-in reader, `read_mark` (their follow's
    `last_seen_at`, None when they do not follow), read in the stories' own query."""
    stories = stories.annotate(
        has_voices=Exists(HistoricalVoice.objects.filter(story=OuterRef("pk")))
    )
    if reader is None or not reader.is_authenticated:
        return stories
    return stories.annotate(
        read_mark=Subquery(
            Follow.objects.filter(reader=reader, story=OuterRef("pk")).values("last_seen_at")[:1]
        )
    )


def attach_voices(stories, *, reader) -> None:
    """Give each story `shown_voices`: its Voices from History for a signed-in reader, in page
    order, else an empty list. One query, and none when no story has any (needs `has_voices`)."""
    stories = list(stories)
    signed_in = reader is not None and reader.is_authenticated
    wanted = [s for s in stories if signed_in and s.has_voices]
    for story in stories:
        if story not in wanted:
            story.shown_voices = []
    if not wanted:
        return
    prefetch_related_objects(
        wanted,
        Prefetch(
            "voices",
            queryset=HistoricalVoice.objects.order_by("position", "pk"),
            to_attr="shown_voices",
        ),
    )
