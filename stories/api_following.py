"""The Following endpoints: the stories the signed-in reader follows, follows, read marks."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.rest import MAX_ID, ConditionalGetMixin
from core.rest.errors import whole_number
from core.rest.schema import AutoSchema
from readers import services
from readers.models import Follow
from stories import following as selectors
from stories import following_examples as examples
from stories.following_serializers import (
    FollowingSerializer,
    FollowSerializer,
    ReadMarkSerializer,
)
from stories.models import Story


class FollowingSchema(AutoSchema):
    """Follows take no If-Match (PUT and DELETE are idempotent), and nothing here answers 409."""

    def get_override_parameters(self):
        return [
            parameter
            for parameter in super().get_override_parameters()
            if getattr(parameter, "name", None) != "If-Match"
        ]


STORY_ID = OpenApiParameter(
    "story_id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description="The story's id (as in /api/v1/stories/{id}/).",
)


class FollowingViewSet(ConditionalGetMixin, viewsets.GenericViewSet):
    """The stories the signed-in reader follows, what is new in each, and their read marks.

    The feed is not paginated: its order (news first) changes whenever news arrives, so cursor
    pages could skip or repeat stories, and it costs one query however many stories it holds.
    """

    permission_classes = [IsAuthenticated]
    serializer_class = FollowSerializer
    queryset = Follow.objects.none()
    pagination_class = None
    filter_backends = []
    lookup_url_kwarg = "story_id"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, so a bad id answers 400
    schema = FollowingSchema()
    schema_skip_errors = (409, 412)

    def get_queryset(self):
        return selectors.following_list(reader=self.request.user)

    def story_id(self) -> int:
        return whole_number(
            self.kwargs.get(self.lookup_url_kwarg, ""),
            name="story_id",
            message="Enter the story's id: a whole number from 1.",
        )

    def follow_response(self, story_id: int, status_code: int = 200) -> Response:
        follow = self.get_queryset().filter(story_id=story_id).first()
        if follow is None:
            raise exceptions.NotFound("You do not follow this story, or it is not published.")
        return Response(self.get_serializer(follow).data, status=status_code)

    @extend_schema(
        summary="Your Following feed",
        description="Every published story you follow, those with news first (timeline "
        "events added or edited, or update notes added, since you last read them), then the "
        "most recently updated, each with its counts. One SQL query however many stories "
        "you follow; not paginated.",
        responses={200: FollowingSerializer},
        examples=[examples.FOLLOWING_EXAMPLE],
    )
    def list(self, request, *args, **kwargs):
        follows = list(self.get_queryset())
        data = {
            "count": len(follows),
            "with_news": sum(1 for follow in follows if follow.has_news),
            "results": self.get_serializer(follows, many=True).data,
        }
        return Response(data)

    @extend_schema(
        summary="One story you follow",
        description="The follow and its counts; 404 when you do not follow the story or it "
        "is no longer published.",
        parameters=[STORY_ID],
        examples=[examples.FOLLOW_EXAMPLE],
    )
    def retrieve(self, request, *args, **kwargs):
        return self.follow_response(self.story_id())

    @extend_schema(
        summary="Follow a story",
        description="Idempotent: 201 the first time, 200 after. The read mark starts now, so "
        "nothing already in the story counts as new. Published stories only (404 otherwise).",
        parameters=[STORY_ID],
        request=None,
        responses={200: FollowSerializer, 201: FollowSerializer},
        examples=[examples.FOLLOW_EXAMPLE],
    )
    def update(self, request, *args, **kwargs):
        story = selectors.story_to_follow(pk=self.story_id())
        if story is None:
            raise exceptions.NotFound("No such published story.")
        existed = Follow.objects.filter(reader=request.user, story=story).exists()
        services.follow_story(reader=request.user, story=story)
        return self.follow_response(story.pk, status.HTTP_200_OK if existed else 201)

    @extend_schema(
        summary="Unfollow a story",
        description="Idempotent: 204 whether or not you followed it. 404 only for a story "
        "that does not exist or is not published and that you did not follow.",
        parameters=[STORY_ID],
        request=None,
        responses={204: OpenApiResponse(description="Not followed any more. No body.")},
    )
    def destroy(self, request, *args, **kwargs):
        story_id = self.story_id()
        story = selectors.story_to_follow(pk=story_id, include_unpublished=True)
        removed = story is not None and services.unfollow_story(reader=request.user, story=story)
        if not removed and selectors.story_to_follow(pk=story_id) is None:
            raise exceptions.NotFound("No such published story.")
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Mark a story read",
        description="Moves the read mark to now (or to `read_at`), so what you have seen "
        "stops counting as new; it never moves back. Opening the story page does the same "
        "on the web. 404 when you do not follow the story.",
        parameters=[STORY_ID],
        request=ReadMarkSerializer,
        responses={200: FollowSerializer},
        examples=[examples.READ_MARK_REQUEST, examples.FOLLOW_READ_EXAMPLE],
    )
    @action(detail=True, methods=["post"], url_path="read", url_name="read")
    def read(self, request, *args, **kwargs):
        story_id = self.story_id()
        body = ReadMarkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        follow = Follow.objects.filter(
            reader=request.user, story__in=Story.objects.published(), story_id=story_id
        ).first()
        if follow is None:
            raise exceptions.NotFound("You do not follow this story, or it is not published.")
        now = timezone.now()
        services.follow_mark_seen(
            follow=follow, at=min(body.validated_data.get("read_at", now), now)
        )
        return self.follow_response(story_id)
