"""The API: one router for v1, the token endpoint, the OpenAPI schema and its docs pages.

Mounted at /api/ by newsroom.urls. Versions live in the URL (/api/v1/…) through DRF's
NamespaceVersioning, so a v2 can be added beside v1 without breaking installed apps.
"""

import json

from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings

from core.rest import PROBLEM_MEDIA_TYPE, JSONRenderer, problem
from newsroom.api_docs import API_DESCRIPTION
from readers.api_views import (
    AccountView,
    DeleteAccountView,
    ExportView,
    SignUpView,
    TokenRevokeMixin,
)
from stories.api_events import EventViewSet
from stories.api_following import FollowingViewSet
from stories.api_people import OrganizationViewSet, PersonViewSet
from stories.api_views import (
    BriefViewSet,
    CategoryViewSet,
    SourceViewSet,
    StoryViewSet,
)
from sync.api_views import SyncView
from syndication.api_views import StoryExportsMixin


class Router(DefaultRouter):
    # No ".json" suffix routes: ids are whole path segments, and ?format= is there instead.
    include_format_suffixes = False


class StoryWithExportsViewSet(StoryExportsMixin, StoryViewSet):
    """Stories, with syndication's export actions (/stories/{id}/export/…)."""


router = Router()
router.register("stories", StoryWithExportsViewSet, basename="story")
router.register("brief", BriefViewSet, basename="brief")
router.register("categories", CategoryViewSet, basename="category")
router.register("people", PersonViewSet, basename="person")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("events", EventViewSet, basename="event")
router.register("sources", SourceViewSet, basename="source")
router.register("me/following", FollowingViewSet, basename="following")


class SignInLocked(Throttled):
    default_detail = (
        "Too many wrong passwords for this account from your address: signing in to it from "
        "here is paused, even with the right password."
    )
    default_code = "locked_out"


class TokenView(TokenRevokeMixin, ObtainAuthToken):
    """Trade a reader's or staff member's username and password for an API token; DELETE
    revokes it (readers.api_views.TokenRevokeMixin)."""

    renderer_classes = [JSONRenderer]

    @extend_schema(
        auth=[],  # the credentials are the body: no token or session is needed to ask
        summary="Get an API token",
        description="Send a reader's or staff account's username and password; use the "
        "token as `Authorization: Token <key>` (readers: for /me/ and personal story details; "
        "staff: on writes). The same token comes back each time until it is revoked. Wrong "
        "credentials answer 401, the same for an unknown username. Attempts are limited per "
        "address, shared with the web login (`READER_LOGIN_RATE`): beyond it, 429. After "
        "`SIGNIN_FAILURE_LIMIT` (5) wrong passwords in a row for one account from one address, "
        "that account is locked for that address for `SIGNIN_COOLOFF_MINUTES` (15): 429 with "
        "code `locked_out` and `Retry-After`, even for the right password.",
        request=inline_serializer(
            "Credentials",
            fields={
                "username": serializers.CharField(),
                "password": serializers.CharField(style={"input_type": "password"}),
            },
        ),
        responses={200: inline_serializer("Token", fields={"token": serializers.CharField()})},
        examples=[
            OpenApiExample(
                "Credentials",
                value={"username": "editor", "password": "correct horse battery staple"},
                request_only=True,
            ),
            OpenApiExample(
                "Token",
                value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                response_only=True,
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):  # set by django-axes' backend
                raise SignInLocked(wait=settings.AXES_COOLOFF_TIME.total_seconds())
            codes = serializer.errors.get(api_settings.NON_FIELD_ERRORS_KEY, [])
            if any(getattr(error, "code", "") == "authorization" for error in codes):
                # Well-formed but wrong credentials: an authentication failure, not bad input.
                raise AuthenticationFailed("Unable to log in with the username and password given.")
            serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


@csrf_exempt  # it changes nothing, and must answer JSON to a POST too
def not_found(request, unmatched=""):
    """Unknown paths under /api/ answer a JSON problem, not the site's HTML 404 page."""
    body = problem(
        404,
        detail="No such API endpoint. The documentation is at /api/docs/.",
        code="not_found",
        request=request,
    )
    return HttpResponse(json.dumps(body), status=404, content_type=PROBLEM_MEDIA_TYPE)


# ReDoc's page under the site's policy, plus what ReDoc cannot do without: one stylesheet (its
# scrollbar's) that it adds as it loads, before it can be given the nonce, allowed by its hash
# as it first comes (empty) and then filled; and the Redocly logo its menu always shows, that
# one file only. A new ReDoc bundle needing more shows up in tests/browser/test_csp.py.
REDOC_POLICY = {
    "style-src": [
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    ],
    "img-src": ["https://cdn.redoc.ly/redoc/logo-mini.svg"],
}

v1_patterns = [
    path("", include(router.urls)),
    path("sync/", SyncView.as_view(), name="sync"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/signup/", SignUpView.as_view(), name="auth-signup"),
    path("me/", AccountView.as_view(), name="me"),
    path("me/export/", ExportView.as_view(), name="me-export"),
    path("me/delete/", DeleteAccountView.as_view(), name="me-delete"),
]

urlpatterns = [
    path("v1/", include((v1_patterns, "v1"), namespace="v1")),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            api_version="v1", custom_settings={"DESCRIPTION": API_DESCRIPTION}
        ),
        name="api-schema",
    ),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path(
        "redoc/",
        csp_update(REDOC_POLICY)(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
        ),
        name="api-redoc",
    ),
    re_path(r"^(?P<unmatched>.*)$", not_found),
]
