"""Readers in the API: sign-up, token revocation, Following, read marks, their data, deletion.

Mounted by newsroom/api.py under /api/v1/: `auth/signup/`, `auth/token/` (DELETE revokes; the
token view itself lives there), `me/`, `me/export/`, `me/delete/` and `me/following/…`.
Everything under `me/` needs a signed-in account (a token, or a session with its CSRF token).
"""

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from newsroom.api_schema import AutoSchema
from newsroom.rest import MAX_ID, ConditionalGetMixin
from readers import api_examples as examples
from readers import selectors, services
from readers.models import Follow
from readers.serializers import (
    AccountSerializer,
    FollowingSerializer,
    FollowSerializer,
    PasswordSerializer,
    ReaderExportSerializer,
    ReadMarkSerializer,
    SignedUpSerializer,
    SignUpSerializer,
)
from readers.throttles import SignInThrottle, SignUpThrottle
from stories.models import Story

NO_STORE = "private, no-store"

# Auth --------------------------------------------------------------------------------------


class SignUpView(APIView):
    """Create a reader account and its API token."""

    permission_classes = [AllowAny]
    authentication_classes = []  # nobody needs to be signed in, so no CSRF check either
    throttle_classes = [SignUpThrottle]

    @extend_schema(
        summary="Sign up as a reader",
        description="Creates a reader account (never staff) and answers with its API token, "
        "so the app is signed in at once. The same rules as the web sign-up apply: Django's "
        "password validators, and a username not yet taken (the only thing an error here "
        "reveals about other accounts). Sign-ups are limited per address and shared with "
        "the web form (`READER_SIGNUP_RATE`, 5 an hour by default): beyond it, 429 with "
        "Retry-After.",
        request=SignUpSerializer,
        responses={201: SignedUpSerializer},
        examples=[examples.SIGN_UP_REQUEST, examples.SIGNED_UP],
    )
    def post(self, request, *args, **kwargs):
        serializer = SignUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            user = serializer.save()
            token = Token.objects.create(user=user)
        response = Response(
            {"username": user.username, "email": user.email, "token": token.key},
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("me", request=request)},
        )
        response["Cache-Control"] = NO_STORE
        return response


class TokenRevokeMixin:
    """For the token view: sign-in attempts limited per address, and DELETE to revoke.

    Sign-in shares its budget with the web login form (`READER_LOGIN_RATE`).
    """

    throttle_classes = [SignInThrottle]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        summary="Revoke your API token",
        description="Signs the app out: the token sent with this request stops working at "
        "once, on every device that holds it. Sign in again for a new one.",
        request=None,
        responses={204: OpenApiResponse(description="Revoked. No body.")},
    )
    def delete(self, request, *args, **kwargs):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT, headers={"Cache-Control": NO_STORE})


# The account -------------------------------------------------------------------------------


class AccountView(APIView):
    """The signed-in account."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Your account",
        description="Who is signed in, and where to find the Following feed, the data "
        "export and account deletion.",
        responses={200: AccountSerializer},
        examples=[examples.ACCOUNT],
    )
    def get(self, request, *args, **kwargs):
        response = Response(AccountSerializer(request.user, context={"request": request}).data)
        response["Cache-Control"] = NO_STORE
        return response


class ExportView(APIView):
    """Everything Newsroom keeps about the signed-in reader."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Download your data",
        description="Your account and every follow with its read mark, as JSON: the same "
        "data as the web download at /accounts/data/.",
        responses={200: ReaderExportSerializer},
        examples=[examples.EXPORT],
    )
    def get(self, request, *args, **kwargs):
        response = Response(services.reader_export(reader=request.user))
        response["Cache-Control"] = NO_STORE
        response["Content-Disposition"] = 'inline; filename="newsroom-my-data.json"'
        return response


class DeleteAccountView(APIView):
    """Delete the signed-in account, confirmed by its password."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [SignInThrottle]  # a password check, like a sign-in

    @extend_schema(
        summary="Delete your account",
        description="Send your password. The account goes at once with its follows, read "
        "marks and API token; this cannot be undone. A wrong password answers 400 and "
        "counts as a sign-in attempt.",
        request=PasswordSerializer,
        responses={204: OpenApiResponse(description="Deleted. No body.")},
        examples=[examples.PASSWORD_REQUEST],
    )
    def post(self, request, *args, **kwargs):
        serializer = PasswordSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.reader_delete(reader=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT, headers={"Cache-Control": NO_STORE})


# Following ---------------------------------------------------------------------------------


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
        raw = str(self.kwargs.get(self.lookup_url_kwarg, ""))
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
            raise exceptions.ValidationError(
                {"story_id": ["Enter the story's id: a whole number from 1."]}
            )
        return int(raw)

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
