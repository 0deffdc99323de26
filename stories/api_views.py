"""API endpoints for stories and the Daily Brief.

Categories and sources are in stories.api_records, offline sync in sync.api_views; they are
named here too, where the router (newsroom.api) imports them.
"""

from django.db import transaction
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.caching import cache_api_reads
from core.rest import (
    ListReadMixin,
    ReadMixin,
    check_if_match,
    representation_etag,
)
from core.rest.preconditions import guarded_write
from stories import changes, search, selectors
from stories import following as reader_selectors
from stories.api_examples import (
    STORY_CARD_EXAMPLE,
    STORY_DETAIL_EXAMPLE,
    STORY_WRITE_EXAMPLE,
)
from stories.api_querysets import people_queryset, published_count
from stories.api_records import CategoryViewSet, SourceViewSet
from stories.concurrency import lock_story
from stories.filters import StoryFilter, can_read_drafts
from stories.following_examples import STORY_FOR_ANONYMOUS_EXAMPLE, STORY_FOR_READER_EXAMPLE
from stories.following_serializers import StoryDetailSerializer
from stories.models import Story
from stories.permissions import check_can_change_published
from stories.serializers import StoryCardSerializer
from stories.services import check_transition, story_trash
from stories.write_serializers import StoryWriteSerializer
from stories.writes import story_write

__all__ = [
    "BriefViewSet",
    "CategoryViewSet",
    "SourceViewSet",
    "StoryViewSet",
    "people_queryset",
    "published_count",
]


def written(view, story: Story, status_code: int) -> Response:
    """The response to a story write: the story as a GET shows it, its ETag and Location."""
    story = selectors.story_detail(pk=story.pk, include_unpublished=True, reader=view.request.user)
    view.prepare([story])
    data = StoryDetailSerializer(story, context=view.get_serializer_context()).data
    headers = {"ETag": representation_etag(data)}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = data["api_url"]
    return Response(data, status=status_code, headers=headers)


EXPORT_ACTIONS = ("news_article", "ninjs", "timelinejs")


@extend_schema_view(
    list=extend_schema(
        summary="List stories as cards",
        description="Stories as compact cards, most recently updated first; with `search`, "
        "the search page's matches in its order (best match first). Readers see "
        "published stories only; staff who may view stories see drafts too (`status`).",
        examples=[STORY_CARD_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Read a whole story",
        description="Every section of the story page, in the page's order, with people and "
        "organizations carrying their role and status in the story, timeline events with "
        "their date precision and label, and each item's citations into `sources`. At most "
        "12 SQL queries whatever the story holds. Voices from History are shown to signed-in "
        "readers only, always with their fiction label; anonymous clients get `voices.locked`. "
        "A signed-in reader also gets `reader`: whether they follow the story and which "
        "events are new or updated since they last read it (reading does not move the mark).",
        examples=[STORY_FOR_READER_EXAMPLE, STORY_FOR_ANONYMOUS_EXAMPLE],
    ),
    create=extend_schema(
        summary="Create a story with all its sections",
        description="One request, one transaction: the story, its sections and any new "
        "category, people, organizations or sources are created together, or nothing is. "
        "Errors are keyed by field, then by row index. Needs `stories.add_story`; a "
        "published story also needs `stories.publish_story`.",
        examples=[STORY_WRITE_EXAMPLE, STORY_DETAIL_EXAMPLE],
        responses={201: StoryDetailSerializer},
    ),
    update=extend_schema(
        **guarded_write(
            summary="Replace a story and all its sections",
            description="Like create, but every section left out is emptied. If-Match is "
            "required: send the ETag you read. If the story changed since (its fields, a "
            "section, or a person, organization or source it shows), the answer is 412 and "
            "nothing is written; without If-Match, 428. Needs `stories.change_story`, and "
            "`stories.publish_story` when the story is published (or scheduled) or becomes "
            "published.",
            examples=[STORY_WRITE_EXAMPLE, STORY_DETAIL_EXAMPLE],
            responses={200: StoryDetailSerializer},
        )
    ),
    partial_update=extend_schema(
        **guarded_write(
            summary="Change some fields or sections of a story",
            description="The fields given change; each section given replaces that section; "
            "others stay. If-Match (required) and permissions as for a full replace.",
            examples=[
                OpenApiExample(
                    "Fix the summary line",
                    value={"dek": "Military hotline restored on the day New START expires"},
                    request_only=True,
                ),
                STORY_DETAIL_EXAMPLE,
            ],
            responses={200: StoryDetailSerializer},
        )
    ),
    destroy=extend_schema(
        **guarded_write(
            summary="Delete a story",
            description="Moves the story to the trash, as the admin does: gone from every "
            "public place at once, restorable by an editor for 30 days. If-Match is required, "
            "as for a replace. Needs `stories.delete_story` (and `stories.publish_story` for a "
            "published or scheduled story). Apps learn of it as a tombstone at their next "
            "sync.",
            responses={204: OpenApiResponse(description="In the trash. No body.")},
        )
    ),
)
@cache_api_reads
class StoryViewSet(ReadMixin, viewsets.ModelViewSet):
    queryset = Story.objects.all()
    filterset_class = StoryFilter
    # No `ordering` here: the list keeps its selector's order (the search's, with `?search=`).
    ordering_fields = {
        "updated_at": "updated_at",
        "published_at": "published_at",
        "headline": "headline",
    }
    timestamp_fields = ("updated_at", "published_at")

    def get_queryset(self):
        drafts = can_read_drafts(self.request.user) and self.action not in EXPORT_ACTIONS
        if self.action == "list":
            return selectors.story_list(include_unpublished=drafts)
        return selectors.story_detail_queryset(include_unpublished=drafts)

    def search_queryset(self, queryset, text):
        """`?search=` on the list: the search page's read (ranked full text), over what the
        filters kept. A single story is not searched."""
        if self.action != "list":
            return queryset
        return search.story_search(terms=search.search_terms(text), stories=queryset)

    def get_serializer_class(self):
        if self.action == "list":
            return StoryCardSerializer
        if self.action in ("create", "update", "partial_update"):
            return StoryWriteSerializer
        return StoryDetailSerializer

    def get_object(self):
        """The story in the URL through the story page's own read (`selectors.story_detail`),
        with the reader's state and the story's last logged change in its query."""
        drafts = can_read_drafts(self.request.user) and self.action not in EXPORT_ACTIONS
        story = selectors.story_detail(
            pk=self.object_id(),
            include_unpublished=drafts,
            reader=self.request.user,
            # A story's own log entries cover what it embeds (a renamed person or category, a
            # deleted row): read in the story's query instead of one more.
            annotations={"last_logged_change": changes.last_change_of_story()},
        )
        self.check_object_permissions(self.request, story)
        return story

    def detail_data(self, story) -> dict:
        self.prepare([story])
        return StoryDetailSerializer(story, context=self.get_serializer_context()).data

    def prepare(self, stories):
        if self.action != "list":
            reader_selectors.attach_voices(stories, reader=self.request.user)

    def last_modified_for(self, stories):
        if self.action == "retrieve" and self.request.user.is_authenticated:
            # Follows and read marks make it personal, and unfollowing moves no timestamp:
            # only the ETag can tell a signed-in client that its copy is stale.
            return None
        return super().last_modified_for(stories)

    def logged_change_time(self, stories):
        if self.action == "list":
            return super().logged_change_time(stories)
        # A story's own log entries cover what it embeds (a renamed person or category, a
        # deleted row), read in the story's query instead of one more.
        return max((s.last_logged_change for s in stories if s.last_logged_change), default=None)

    def related_timestamps(self, story):
        if self.action == "list":
            return []
        return [
            *(event.updated_at for event in story.sections.events),
            *(row.person.updated_at for row in story.sections.story_people),
            *(row.organization.updated_at for row in story.sections.story_organizations),
            *(row.source.updated_at for row in story.sections.story_sources),
        ]

    def check_publish_rights(self, story: Story | None, data) -> None:
        """The editorial workflow's rule: only `stories.publish_story` publishes, withdraws, or
        touches a published story; others write drafts and submit them for review."""
        old_status = story.status if story is not None else None
        wanted = data.get("status") if isinstance(data, dict) else None
        new_status = wanted if isinstance(wanted, str) else (old_status or Story.Status.DRAFT)
        check_transition(user=self.request.user, old_status=old_status, new_status=new_status)
        check_can_change_published(self.request.user, [story])

    def create(self, request, *args, **kwargs):
        self.check_publish_rights(None, request.data)
        serializer = StoryWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        story = story_write(
            story=None,
            data=serializer.validated_data,
            replace_all_sections=True,
            user=request.user,
        )
        return written(self, story, status.HTTP_201_CREATED)

    def locked_story(self, data) -> Story:
        """The story in the URL, read after its row is locked (until the transaction ends),
        then checked: may this user change it (403), and is If-Match current (428, 412)?
        A second writer with the same If-Match waits for the first and then gets 412."""
        lock_story(self.object_id())
        story = self.get_object()
        self.check_publish_rights(story, data)
        check_if_match(self.request, representation_etag(self.detail_data(story)))
        return story

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            story = self.locked_story(request.data)
            serializer = StoryWriteSerializer(
                story, data=request.data, partial=partial, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            story = story_write(
                story=story,
                data=serializer.validated_data,
                replace_all_sections=not partial,
                user=request.user,
            )
        return written(self, story, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            story_trash(story=self.locked_story({}), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="The Daily Brief",
        description="The home page as data: published stories as cards, newest update "
        "first (the day of the latest event or update note that each card shows, then the "
        "last edit), the same selection and order as the Daily Brief page.",
        examples=[STORY_CARD_EXAMPLE],
    )
)
@cache_api_reads
class BriefViewSet(ListReadMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Story.objects.all()
    serializer_class = StoryCardSerializer
    filter_backends = []
    timestamp_fields = ("updated_at", "published_at")

    def get_queryset(self):
        # What the Daily Brief page shows, in its order: the pages follow the selector's order.
        return selectors.story_cards()
