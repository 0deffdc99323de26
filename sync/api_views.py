"""The offline-sync endpoint: everything published the first time, then what changed."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.caching import cache_api_reads
from core.rest.fields import SIGNED_TOKEN_MAX_LENGTH, SIGNED_TOKEN_PATTERN
from people.models import Organization, Person
from people.serializers import OrganizationSerializer, PersonSerializer
from stories import selectors
from stories.api_examples import SYNC_EXAMPLE
from stories.api_querysets import people_queryset, published_count
from stories.changes import Kind
from stories.models import Category, Source, Story, StorySource
from stories.serializers import CategorySerializer, SourceSerializer, StorySerializer
from sync import batches
from sync.tokens import InvalidToken, SyncPosition


class SyncQuerySerializer(serializers.Serializer):
    since = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SIGNED_TOKEN_MAX_LENGTH,
        validators=[
            RegexValidator(
                SIGNED_TOKEN_PATTERN, "This is not a sync token; send `token` as it came."
            )
        ],
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
        "Tokens never expire. A token the server cannot use (damaged, or from another "
        "version) starts the sync again: the answer is the first page of a full sync "
        "(`full: true`). A `since` that is not a token at all answers 400 naming it.",
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
                position = SyncPosition.from_token(query.validated_data["since"])
            except InvalidToken:
                # What the app would do after a refusal: a full sync, which `full` announces.
                position = None
        batch = batches.sync_batch(
            position=position,
            limit=query.validated_data["limit"],
            records={
                Kind.CATEGORY: Category.objects.annotate(
                    story_count=published_count(Story, "category")
                ),
                # Without their story lists: an organization can be in thousands of stories,
                # which made a page of 100 organizations 10 MB at 100k stories.
                Kind.PERSON: people_queryset(Person, detail=False),
                Kind.ORGANIZATION: people_queryset(Organization, detail=False),
                Kind.SOURCE: Source.objects.annotate(
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
                    records[Kind.CATEGORY], many=True, context=context
                ).data,
                "people": SyncPersonSerializer(
                    records[Kind.PERSON], many=True, context=context
                ).data,
                "organizations": SyncOrganizationSerializer(
                    records[Kind.ORGANIZATION], many=True, context=context
                ).data,
                "sources": SourceSerializer(records[Kind.SOURCE], many=True, context=context).data,
                "deleted": batch.deleted,
            }
        )
        response["Cache-Control"] = "no-store"
        return response


def _sync_stories(ids) -> list[Story]:
    """The stories of a batch as the API detail gives them, sections from stored documents."""
    return selectors.story_details(ids=ids)
