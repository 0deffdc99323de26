"""Categories and sources as the API shows them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.rest import (
    SparseFieldsSerializerMixin,
    StrictModelSerializer,
    absolute,
)
from stories.event_serializers import StoryRefSerializer
from stories.models import (
    Category,
    Source,
)

# Categories --------------------------------------------------------------------------------


class CategoryRefSerializer(serializers.ModelSerializer):
    """The category label above a headline."""

    class Meta:
        model = Category
        fields = ["id", "slug", "name"]

    def to_representation(self, category):
        if type(self) is not CategoryRefSerializer:
            return super().to_representation(category)
        # Read directly (same values and order): it is on every story and card.
        return {"id": category.id, "slug": category.slug, "name": category.name}


class CategorySerializer(SparseFieldsSerializerMixin, serializers.ModelSerializer):
    """A category, with how many published stories it holds and where to list them."""

    story_count = serializers.IntegerField(read_only=True, help_text="Published stories in it.")
    url = serializers.SerializerMethodField(help_text="The category's reader page.")
    api_url = serializers.HyperlinkedIdentityField(
        view_name="category-detail", help_text="This category in the API."
    )
    stories_url = serializers.SerializerMethodField(
        help_text="The API list of its published stories, newest update first."
    )

    class Meta:
        model = Category
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "story_count",
            "url",
            "api_url",
            "stories_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, category) -> str:
        return absolute(self.context.get("request"), category.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_stories_url(self, category) -> str:
        url = reverse("story-list", request=self.context.get("request"))
        return f"{url}?category={category.pk}"


# Sources -----------------------------------------------------------------------------------


class SourceSerializer(SparseFieldsSerializerMixin, serializers.ModelSerializer):
    """A source: a report, statement or document that stories cite."""

    story_count = serializers.IntegerField(
        read_only=True, help_text="Published stories that list it."
    )
    api_url = serializers.HyperlinkedIdentityField(
        view_name="source-detail", help_text="This source in the API."
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "publisher",
            "authors",
            "url",
            "published_on",
            "excerpt",
            "story_count",
            "created_at",
            "updated_at",
            "api_url",
        ]


class SourceDetailSerializer(SourceSerializer):
    """A source with the published stories that list it."""

    stories = StoryRefSerializer(
        source="published_stories", many=True, read_only=True, help_text="Newest update first."
    )

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "stories"]


class SourceWriteSerializer(StrictModelSerializer):
    """A source as staff tools create or change it."""

    class Meta:
        model = Source
        fields = ["title", "publisher", "authors", "url", "published_on", "excerpt"]


class NumberedSourceSerializer(serializers.Serializer):
    """A source in a story's numbered list; citation marks point at `number`."""

    number = serializers.IntegerField(help_text="Shown as the citation mark, from 1.")
    id = serializers.IntegerField(source="source.id")
    title = serializers.CharField(source="source.title")
    publisher = serializers.CharField(source="source.publisher")
    authors = serializers.CharField(source="source.authors")
    url = serializers.CharField(
        source="source.url", help_text="Empty for print or offline sources."
    )
    published_on = serializers.DateField(source="source.published_on", allow_null=True)
    excerpt = serializers.CharField(source="source.excerpt")

    def to_representation(self, numbered):
        number, row = numbered
        row.number = number
        return super().to_representation(row)


# Story sections ----------------------------------------------------------------------------
