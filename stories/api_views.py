"""API endpoints for stories, categories and sources, the Daily Brief and offline sync."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.caching import cache_api_reads
from newsroom.rest import (
    JSONLDRenderer,
    JSONRenderer,
    ListReadMixin,
    ReadMixin,
    RecordWriteMixin,
    check_if_match,
    representation_etag,
)
from people.models import Organization, Person, StoryOrganization, StoryPerson
from people.serializers import OrganizationSerializer, PersonSerializer
from readers import selectors as reader_selectors
from readers.api_examples import STORY_FOR_ANONYMOUS_EXAMPLE, STORY_FOR_READER_EXAMPLE
from readers.serializers import StoryDetailSerializer
from stories import exports, selectors, sync
from stories.api_examples import (
    CATEGORY_EXAMPLE,
    NEWS_ARTICLE_EXAMPLE,
    NEWS_ARTICLE_JSON_EXAMPLE,
    NINJS_EXAMPLE,
    SOURCE_DETAIL_EXAMPLE,
    SOURCE_EXAMPLE,
    SOURCE_WRITE_EXAMPLE,
    STORY_CARD_EXAMPLE,
    STORY_DETAIL_EXAMPLE,
    STORY_WRITE_EXAMPLE,
    SYNC_EXAMPLE,
    TIMELINEJS_EXAMPLE,
)
from stories.filters import CategoryFilter, SourceFilter, StoryFilter, can_read_drafts
from stories.models import Category, Source, Story, StorySource, UpdateNote
from stories.serializers import (
    CategorySerializer,
    SourceDetailSerializer,
    SourceSerializer,
    SourceWriteSerializer,
    StoryCardSerializer,
    StorySerializer,
)
from stories.services import check_transition, story_trash
from stories.write_serializers import StoryWriteSerializer
from stories.writes import story_write


def with_update_notes(stories):
    """The detail selector's stories plus their public update notes, newest first."""
    return stories.prefetch_related(
        Prefetch("update_notes", queryset=UpdateNote.objects.order_by("-created_at", "-pk"))
    )


def published_count(model, owner: str) -> Coalesce:
    """How many published stories reach each row, as a correlated subquery.

    `model` links the annotated rows to stories (Story itself for categories; StorySource,
    StoryPerson or StoryOrganization) and `owner` is its foreign key to them. A subquery, not
    a JOIN with COUNT: the aggregate grouped every one of 900,000 sources before a list page
    could take its first 20 (3-6 s at 100k stories); the subquery runs for the page's rows.
    """
    now = timezone.now()
    story = "" if model is Story else "story__"
    rows = model.objects.filter(
        **{
            owner: OuterRef("pk"),
            f"{story}status": Story.Status.PUBLISHED,
            f"{story}published_at__lte": now,
            f"{story}deleted_at__isnull": True,
        }
    )
    counted = Count("*") if model is Story else Count("story", distinct=True)
    return Coalesce(
        Subquery(
            rows.order_by().values(owner).annotate(n=counted).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def written(view, story: Story, status_code: int) -> Response:
    """The response to a story write: the story as a GET shows it, its ETag and Location."""
    story = reader_selectors.with_reader_state(
        with_update_notes(selectors.story_detail_queryset(include_unpublished=True)),
        reader=view.request.user,
    ).get(pk=story.pk)
    selectors.attach_citations(story)
    view.prepare([story])
    data = StoryDetailSerializer(story, context=view.get_serializer_context()).data
    headers = {"ETag": representation_etag(data)}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = data["api_url"]
    return Response(data, status=status_code, headers=headers)


EXPORT_ACTIONS = ("news_article", "ninjs", "timelinejs")
READ_ACTIONS = ("list", "retrieve")


@extend_schema_view(
    list=extend_schema(
        summary="List stories as cards",
        description="Stories as compact cards, most recently updated first. Readers see "
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
        summary="Replace a story and all its sections",
        description="Like create, but every section left out is emptied. Send the ETag you "
        "read in If-Match: if the story changed since, the answer is 412 and nothing is "
        "written. Needs `stories.change_story`, and `stories.publish_story` when the story "
        "is or becomes published.",
        examples=[STORY_WRITE_EXAMPLE, STORY_DETAIL_EXAMPLE],
        responses={200: StoryDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some fields or sections of a story",
        description="The fields given change; each section given replaces that section; "
        "others stay. If-Match and permissions as for a full replace.",
        examples=[
            OpenApiExample(
                "Fix the summary line",
                value={"dek": "Military hotline restored on the day New START expires"},
                request_only=True,
            ),
            STORY_DETAIL_EXAMPLE,
        ],
        responses={200: StoryDetailSerializer},
    ),
    destroy=extend_schema(
        summary="Delete a story",
        description="Moves the story to the trash, as the admin does: gone from every public "
        "place at once, restorable by an editor for 30 days. Needs `stories.delete_story` (and "
        "`stories.publish_story` for a published story). Apps learn of it as a tombstone at "
        "their next sync.",
    ),
)
@cache_api_reads
class StoryViewSet(ReadMixin, viewsets.ModelViewSet):
    queryset = Story.objects.all()
    filterset_class = StoryFilter
    search_fields = ["headline", "dek", "overview"]
    ordering_fields = {
        "updated_at": "updated_at",
        "published_at": "published_at",
        "headline": "headline",
    }
    ordering = ("-updated_at", "-pk")
    timestamp_fields = ("updated_at", "published_at")

    def get_queryset(self):
        drafts = can_read_drafts(self.request.user) and self.action not in EXPORT_ACTIONS
        if self.action == "list":
            return selectors.story_list(include_unpublished=drafts)
        return reader_selectors.with_reader_state(
            with_update_notes(selectors.story_detail_queryset(include_unpublished=drafts)).annotate(
                last_logged_change=sync.last_change_of_story()
            ),
            reader=self.request.user,
        )

    def get_serializer_class(self):
        if self.action == "list":
            return StoryCardSerializer
        if self.action in ("create", "update", "partial_update"):
            return StoryWriteSerializer
        return StoryDetailSerializer

    def get_object(self):
        story = super().get_object()
        selectors.attach_citations(story)
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
            *(event.updated_at for event in story.events.all()),
            *(row.person.updated_at for row in story.story_people.all()),
            *(row.organization.updated_at for row in story.story_organizations.all()),
            *(row.source.updated_at for row in story.story_sources.all()),
        ]

    def check_publish_rights(self, story: Story | None, data) -> None:
        """The editorial workflow's rule: only `stories.publish_story` publishes, withdraws, or
        touches a published story; others write drafts and submit them for review."""
        old_status = story.status if story is not None else None
        wanted = data.get("status") if isinstance(data, dict) else None
        new_status = wanted if isinstance(wanted, str) else (old_status or Story.Status.DRAFT)
        check_transition(user=self.request.user, old_status=old_status, new_status=new_status)

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

    def update(self, request, *args, partial=False, **kwargs):
        story = self.get_object()
        check_if_match(request, representation_etag(self.detail_data(story)))
        self.check_publish_rights(story, request.data)
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
        story = self.get_object()
        check_if_match(request, representation_etag(self.detail_data(story)))
        self.check_publish_rights(story, {})
        story_trash(story=story, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _export(self, build):
        story = self.get_object()
        response = Response(build(story, self.request))
        response.last_modified = self.last_modified_for([story])
        return response

    @extend_schema(
        summary="The story as schema.org NewsArticle JSON-LD",
        description="For search engines and link previews. Published stories only.",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="schema.org NewsArticle")},
        examples=[NEWS_ARTICLE_EXAMPLE, NEWS_ARTICLE_JSON_EXAMPLE],
    )
    @action(
        detail=True,
        url_path="export/news-article",
        url_name="news-article",
        renderer_classes=[JSONLDRenderer, JSONRenderer],
    )
    def news_article(self, request, pk=None):
        return self._export(exports.news_article)

    @extend_schema(
        summary="The story as IPTC ninjs 3.0",
        description="The news-industry JSON format (ninjs 3.0), with the timeline as `events`. "
        "Published stories only.",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="IPTC ninjs 3.0 news item")
        },
        examples=[NINJS_EXAMPLE],
    )
    @action(detail=True, url_path="export/ninjs", url_name="ninjs")
    def ninjs(self, request, pk=None):
        return self._export(exports.ninjs)

    @extend_schema(
        summary="The story's timeline as TimelineJS 3 JSON",
        description="Load it into TimelineJS to embed the timeline elsewhere: events as slides "
        "grouped by kind, historical contexts as eras. Published stories only.",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="TimelineJS 3 timeline")},
        examples=[TIMELINEJS_EXAMPLE],
    )
    @action(detail=True, url_path="export/timelinejs", url_name="timelinejs")
    def timelinejs(self, request, pk=None):
        return self._export(exports.timelinejs)


@extend_schema_view(
    list=extend_schema(
        summary="The Daily Brief",
        description="The home page as data: published stories as cards, most recently "
        "updated first, the same selection and order as the Daily Brief page.",
        examples=[STORY_CARD_EXAMPLE],
    )
)
@cache_api_reads
class BriefViewSet(ListReadMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Story.objects.all()
    serializer_class = StoryCardSerializer
    filter_backends = []
    ordering = ("-updated_at", "-pk")
    timestamp_fields = ("updated_at", "published_at")

    def get_queryset(self):
        return selectors.story_cards()  # what the Daily Brief page shows


@extend_schema_view(
    list=extend_schema(
        summary="List categories",
        description="Every category, with its published story count and a link to its stories.",
        examples=[CATEGORY_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Read a category",
        description="A category, its published story count and the link to list them.",
        examples=[CATEGORY_EXAMPLE],
    ),
)
@cache_api_reads
class CategoryViewSet(ReadMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    search_fields = ["name"]
    ordering_fields = {"name": "name"}
    ordering = ("name", "pk")
    timestamp_fields = ()

    def get_queryset(self):
        return Category.objects.annotate(story_count=published_count(Story, "category"))


@extend_schema_view(
    list=extend_schema(
        summary="List sources",
        description="Sources that stories cite, shared between stories.",
        examples=[SOURCE_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Read a source",
        description="With the published stories that list it.",
        examples=[SOURCE_DETAIL_EXAMPLE],
    ),
    create=extend_schema(
        summary="Create a source",
        description="Needs `stories.add_source`.",
        responses={201: SourceDetailSerializer},
        examples=[SOURCE_WRITE_EXAMPLE, SOURCE_DETAIL_EXAMPLE],
    ),
    update=extend_schema(
        summary="Replace a source",
        description="Needs `stories.change_source`; honours If-Match.",
        responses={200: SourceDetailSerializer},
        examples=[SOURCE_WRITE_EXAMPLE, SOURCE_DETAIL_EXAMPLE],
    ),
    partial_update=extend_schema(
        summary="Change a source",
        description="Needs `stories.change_source`; honours If-Match.",
        responses={200: SourceDetailSerializer},
        examples=[SOURCE_WRITE_EXAMPLE, SOURCE_DETAIL_EXAMPLE],
    ),
    destroy=extend_schema(
        summary="Delete a source",
        description="Needs `stories.delete_source`. Refused with 409 while a story lists it.",
    ),
)
@cache_api_reads
class SourceViewSet(RecordWriteMixin, ReadMixin, viewsets.ModelViewSet):
    queryset = Source.objects.all()
    filterset_class = SourceFilter
    search_fields = ["title", "publisher", "authors"]
    ordering_fields = {"updated_at": "updated_at", "title": "title", "publisher": "publisher"}
    ordering = ("-updated_at", "-pk")
    detail_serializer_class = SourceDetailSerializer

    def get_queryset(self):
        public_only = self.action in READ_ACTIONS and not can_read_drafts(self.request.user)
        sources = sync.public_records(sync.Kind.SOURCE) if public_only else Source.objects.all()
        sources = sources.annotate(story_count=published_count(StorySource, "source"))
        if self.action == "list":
            return sources
        return sources.prefetch_related(
            Prefetch(
                "stories",
                queryset=Story.objects.published().order_by("-updated_at", "-pk"),
                to_attr="published_stories",
            )
        )

    def get_serializer_class(self):
        if self.action == "list":
            return SourceSerializer
        if self.action in ("create", "update", "partial_update"):
            return SourceWriteSerializer
        return SourceDetailSerializer


# Offline sync ------------------------------------------------------------------------------


class SyncQuerySerializer(serializers.Serializer):
    since = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="The `token` of your last sync. Leave out (or empty) on the first sync.",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        default=50,
        help_text="Page size (default 50). A first sync sends at most this many objects of "
        "each kind per response; a later sync at most this many changed objects (plus the "
        "people, organizations and sources of the stories it sends). `has_more` says when "
        "to call again at once with the new token.",
    )


class TombstoneSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=["story", "category", "person", "organization", "source"],
        help_text="What kind of object to forget.",
    )
    id = serializers.IntegerField(help_text="Its id.")


class SyncPersonSerializer(PersonSerializer):
    """A person as sync sends them: the person's own fields. Which stories they are in, and
    their role there, come with the stories (each story lists its people)."""

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "bio", "created_at"]


class SyncOrganizationSerializer(OrganizationSerializer):
    """An organization as sync sends it, without its story list (see SyncPersonSerializer)."""

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "created_at"]


class SyncSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Pass as `since` on your next sync.")
    full = serializers.BooleanField(
        help_text="True for the first sync and all its follow-up pages: together they hold "
        "everything published, so once `has_more` is false drop any local copy they did not "
        "include."
    )
    has_more = serializers.BooleanField(
        help_text="Call again now with `token` for the rest. In a first sync, true until the "
        "last page of sources."
    )
    stories = StorySerializer(
        many=True,
        help_text="Whole stories to store or replace, by id. A first sync sends every "
        "published story before any category, person, organization or source.",
    )
    categories = CategorySerializer(
        many=True, help_text="Categories to store or replace, by id (every category is public)."
    )
    people = SyncPersonSerializer(
        many=True,
        help_text="People to store or replace, by id: only those a published story involves.",
    )
    organizations = SyncOrganizationSerializer(
        many=True,
        help_text="Organizations to store or replace, by id: only those a published story "
        "involves.",
    )
    sources = SourceSerializer(
        many=True,
        help_text="Sources to store or replace, by id: only those a published story lists.",
    )
    deleted = TombstoneSerializer(
        many=True,
        help_text="Objects that were deleted, unpublished or never public: remove them.",
    )


@cache_api_reads
class SyncView(APIView):
    """Everything an app needs to work offline, and later only what changed."""

    permission_classes = [AllowAny]  # published content only, for everyone

    @extend_schema(
        summary="Sync for offline reading",
        description="Call without `since` the first time, then again with each returned "
        "`token` as `since` while `has_more` is true. Together these pages (`full: true`) "
        "hold every published story in full, then every category, person, organization and "
        "source readers may see, kind after kind, each in id order: at most `limit` objects "
        "of each kind per page, and a page moves on to the next kind only once it holds the "
        "last of the current one. Keep the last `token`; next time pass it as `since` to get "
        "only what was created or changed since the first page was read (so whatever changed "
        "while you paged comes too), as whole objects, and `deleted` tombstones (type and "
        "id) for what was deleted or unpublished, again in pages while `has_more` is true. "
        "Tokens never expire; a damaged one answers 400 naming `since`, and the app should "
        "then sync again from scratch.",
        parameters=[SyncQuerySerializer],
        responses={200: SyncSerializer},
        examples=[SYNC_EXAMPLE],
    )
    def get(self, request, *args, **kwargs):
        query = SyncQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        position = None
        if query.validated_data.get("since"):
            try:
                position = sync.SyncPosition.from_token(query.validated_data["since"])
            except sync.InvalidToken as exc:
                raise serializers.ValidationError({"since": [str(exc)]}) from None
        batch = sync.sync_batch(
            position=position,
            limit=query.validated_data["limit"],
            records={
                sync.Kind.CATEGORY: Category.objects.annotate(
                    story_count=published_count(Story, "category")
                ),
                # Without their story lists: an organization can be in thousands of stories,
                # which made a page of 100 organizations 10 MB at 100k stories.
                sync.Kind.PERSON: people_queryset(Person, detail=False),
                sync.Kind.ORGANIZATION: people_queryset(Organization, detail=False),
                sync.Kind.SOURCE: Source.objects.annotate(
                    story_count=published_count(StorySource, "source")
                ),
            },
        )
        context = {"request": request, "view": self}
        records = batch.records
        response = Response(
            {
                "token": batch.position.to_token(),
                "full": batch.full,
                "has_more": batch.has_more,
                "stories": StorySerializer(
                    _sync_stories(batch.story_ids), many=True, context=context
                ).data,
                "categories": CategorySerializer(
                    records[sync.Kind.CATEGORY], many=True, context=context
                ).data,
                "people": SyncPersonSerializer(
                    records[sync.Kind.PERSON], many=True, context=context
                ).data,
                "organizations": SyncOrganizationSerializer(
                    records[sync.Kind.ORGANIZATION], many=True, context=context
                ).data,
                "sources": SourceSerializer(
                    records[sync.Kind.SOURCE], many=True, context=context
                ).data,
                "deleted": batch.deleted,
            }
        )
        response["Cache-Control"] = "no-store"
        return response


def _sync_stories(ids) -> list[Story]:
    stories = list(
        with_update_notes(selectors.story_detail_queryset()).filter(pk__in=ids).order_by("pk")
    )
    selectors.attach_citations_many(stories)
    return stories


def people_queryset(model, *, detail: bool, public_only: bool = True):
    """People or organizations with their published story count, and roles for a detail.

    With `public_only`, only those a published story involves, as on the reader site.
    """
    kind = sync.Kind.PERSON if model is Person else sync.Kind.ORGANIZATION
    queryset = sync.public_records(kind) if public_only else model.objects.all()
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
