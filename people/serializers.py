"""People and organizations as the API shows and accepts them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.rest import (
    ImageSerializer,
    SparseFieldsSerializerMixin,
    StrictModelSerializer,
    absolute,
    image_data,
)
from core.rest.fields import ImageUploadField
from people.models import Organization, Person


class _Links(serializers.Serializer):
    """`url` (the reader page) and `api_url` (this resource) for a model with both."""

    api_view_name: str

    url = serializers.SerializerMethodField(help_text="The reader page, absolute.")
    api_url = serializers.SerializerMethodField(help_text="This resource in the API, absolute.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context.get("request"), obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        request = self.context.get("request")
        return reverse(self.api_view_name, kwargs={"pk": obj.pk}, request=request)


class StoryInvolvementSerializer(serializers.Serializer):
    """A published story someone is involved in, with their role and status there."""

    id = serializers.IntegerField(source="story.id")
    slug = serializers.CharField(source="story.slug")
    headline = serializers.CharField(source="story.headline")
    role = serializers.CharField(help_text="Their part in this story.")
    status = serializers.CharField(help_text="Where they stand now in this story.")
    updated_at = serializers.DateTimeField(source="story.updated_at")
    url = serializers.SerializerMethodField(help_text="The story's reader page.")
    api_url = serializers.SerializerMethodField(help_text="The story in the API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, row) -> str:
        return absolute(self.context.get("request"), row.story.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, row) -> str:
        return reverse(
            "story-detail", kwargs={"pk": row.story_id}, request=self.context.get("request")
        )


# People ------------------------------------------------------------------------------------


class PersonRefSerializer(_Links, serializers.ModelSerializer):
    """A person as a story shows them."""

    api_view_name = "person-detail"
    photo = serializers.SerializerMethodField(help_text="Square portrait, or null: show initials.")

    class Meta:
        model = Person
        fields = ["id", "slug", "name", "title", "initials", "photo", "url", "api_url"]

    def to_representation(self, person):
        if type(self) is not PersonRefSerializer:
            return super().to_representation(person)
        # The fields above, read directly (same values and order): every story shows its people.
        return {
            "id": person.id,
            "slug": person.slug,
            "name": person.name,
            "title": person.title,
            "initials": person.initials,
            "photo": self.get_photo(person),
            "url": self.get_url(person),
            "api_url": self.get_api_url(person),
        }

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_photo(self, person):
        return image_data(
            self.context.get("request"),
            person.photo,
            person.photo_width,
            person.photo_height,
            alt=person.name,
        )


class PersonSerializer(SparseFieldsSerializerMixin, PersonRefSerializer):
    """A person in lists."""

    story_count = serializers.IntegerField(
        read_only=True, help_text="How many published stories they appear in."
    )

    class Meta(PersonRefSerializer.Meta):
        fields = [
            "id",
            "slug",
            "name",
            "title",
            "initials",
            "photo",
            "story_count",
            "updated_at",
            "url",
            "api_url",
        ]


class PersonDetailSerializer(PersonSerializer):
    """A person with their bio and every published story they appear in."""

    stories = StoryInvolvementSerializer(
        source="published_roles", many=True, read_only=True, help_text="Newest update first."
    )

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "bio", "created_at", "stories"]


class PersonWriteSerializer(StrictModelSerializer):
    """A person as staff tools create or change them (JSON, or multipart with a photo)."""

    photo = ImageUploadField(required=False, help_text="Square portrait (multipart uploads only).")

    class Meta:
        model = Person
        fields = ["name", "slug", "title", "bio", "photo"]


# Organizations -----------------------------------------------------------------------------


class OrganizationRefSerializer(_Links, serializers.ModelSerializer):
    """An organization as a story shows it."""

    api_view_name = "organization-detail"
    logo = serializers.SerializerMethodField(help_text="Square logo, or null: show initials.")

    class Meta:
        model = Organization
        fields = ["id", "slug", "name", "kind", "description", "initials", "logo", "url", "api_url"]

    def to_representation(self, organization):
        if type(self) is not OrganizationRefSerializer:
            return super().to_representation(organization)
        # The fields above, read directly (same values and order), as for people.
        return {
            "id": organization.id,
            "slug": organization.slug,
            "name": organization.name,
            "kind": organization.kind,
            "description": organization.description,
            "initials": organization.initials,
            "logo": self.get_logo(organization),
            "url": self.get_url(organization),
            "api_url": self.get_api_url(organization),
        }

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_logo(self, organization):
        return image_data(
            self.context.get("request"),
            organization.logo,
            organization.logo_width,
            organization.logo_height,
            alt=organization.name,
        )


class OrganizationSerializer(SparseFieldsSerializerMixin, OrganizationRefSerializer):
    """An organization in lists."""

    story_count = serializers.IntegerField(
        read_only=True, help_text="How many published stories it appears in."
    )

    class Meta(OrganizationRefSerializer.Meta):
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "description",
            "initials",
            "logo",
            "story_count",
            "updated_at",
            "url",
            "api_url",
        ]


class OrganizationDetailSerializer(OrganizationSerializer):
    """An organization with every published story it appears in."""

    stories = StoryInvolvementSerializer(
        source="published_roles", many=True, read_only=True, help_text="Newest update first."
    )

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "created_at", "stories"]


class OrganizationWriteSerializer(StrictModelSerializer):
    """An organization as staff tools create or change it (JSON, or multipart with a logo)."""

    logo = ImageUploadField(required=False, help_text="Square logo (multipart uploads only).")

    class Meta:
        model = Organization
        fields = ["name", "slug", "kind", "description", "logo"]
