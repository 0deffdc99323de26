"""Readers' accounts in the API: sign-up, the account, its data export and deletion.

Follows, read marks and the story as a signed-in reader sees it are stories'
(stories.following_serializers)."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.reverse import reverse

from readers.forms import SignupForm

# Where SignupForm puts an error, and where the API reports it.
SIGNUP_ERROR_FIELDS = {"password1": "password", "password2": "password"}


def _link(serializer, view_name: str, **kwargs) -> str:
    return reverse(view_name, kwargs=kwargs or None, request=serializer.context.get("request"))


def _signed_in(serializer) -> bool:
    request = serializer.context.get("request")
    return bool(request is not None and request.user and request.user.is_authenticated)


# Accounts ----------------------------------------------------------------------------------


class SignUpSerializer(serializers.Serializer):
    """A new reader account, checked by the web sign-up form's rules."""

    username = serializers.CharField(
        max_length=150, help_text="Letters, digits and @ . + - _ only; 150 characters at most."
    )
    email = serializers.EmailField(
        max_length=254, help_text="For resetting the password. Newsroom sends nothing else."
    )
    password = serializers.CharField(
        write_only=True,
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="At least 8 characters, not a common password, not all digits, not like "
        "the username or email (Django's password validators).",
    )

    def validate(self, data):
        form = SignupForm(
            data={
                "username": data["username"],
                "email": data["email"],
                "password1": data["password"],
                "password2": data["password"],
            }
        )
        if not form.is_valid():
            errors: dict[str, list] = {}
            for field, problems in form.errors.as_data().items():
                name = SIGNUP_ERROR_FIELDS.get(field, field)
                for problem in problems:
                    for message in problem.messages:
                        errors.setdefault(name, []).append(
                            ErrorDetail(message, code=problem.code or "invalid")
                        )
            raise serializers.ValidationError(errors)
        self._form = form
        return data

    def create(self, validated_data):
        return self._form.save()  # a plain reader: never staff, never superuser


class SignedUpSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField()
    token = serializers.CharField(
        help_text="Send as `Authorization: Token <token>`; revoke it with DELETE /auth/token/."
    )


class AccountSerializer(serializers.ModelSerializer):
    """The signed-in account and where to manage it."""

    following_url = serializers.SerializerMethodField(help_text="The Following feed.")
    export_url = serializers.SerializerMethodField(help_text="Everything kept about you, as JSON.")
    delete_url = serializers.SerializerMethodField(
        help_text="POST your password here to delete the account."
    )

    class Meta:
        model = get_user_model()
        fields = [
            "username",
            "email",
            "date_joined",
            "last_login",
            "following_url",
            "export_url",
            "delete_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_following_url(self, user) -> str:
        return _link(self, "following-list")

    @extend_schema_field(OpenApiTypes.URI)
    def get_export_url(self, user) -> str:
        return _link(self, "me-export")

    @extend_schema_field(OpenApiTypes.URI)
    def get_delete_url(self, user) -> str:
        return _link(self, "me-delete")


class PasswordSerializer(serializers.Serializer):
    """The account's current password, to confirm something that cannot be undone."""

    password = serializers.CharField(
        write_only=True, max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )

    def validate_password(self, password):
        if not self.context["request"].user.check_password(password):
            raise serializers.ValidationError("That is not your password.", code="wrong_password")
        return password


class ExportedAccountSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField()
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class ExportedFollowSerializer(serializers.Serializer):
    story = serializers.SlugField(help_text="The story's slug.")
    headline = serializers.CharField()
    followed_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField(help_text="The read mark.")


class ReaderExportSerializer(serializers.Serializer):
    """Everything Newsroom keeps about a reader (the same file as the web download)."""

    account = ExportedAccountSerializer()
    follows = ExportedFollowSerializer(many=True)
    exported_at = serializers.DateTimeField()


# Following ---------------------------------------------------------------------------------
