"""Readers in the API: sign-up, token revocation, Following, read marks, their data, deletion.

Mounted by newsroom/api.py under /api/v1/: `auth/signup/`, `auth/token/` (DELETE revokes; the
token view itself lives there), `me/`, `me/export/`, `me/delete/` and `me/following/…`.
Everything under `me/` needs a signed-in account (a token, or a session with its CSRF token).
"""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from readers import api_examples as examples
from readers import services
from readers.serializers import (
    AccountSerializer,
    PasswordSerializer,
    ReaderExportSerializer,
    SignedUpSerializer,
    SignUpSerializer,
)
from readers.throttles import SignInThrottle, SignUpThrottle

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
