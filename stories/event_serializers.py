"""Timeline events on their own in the API (/api/v1/events/): with the story they belong to."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.rest import (
    SparseFieldsSerializerMixin,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    absolute,
)
from stories.models import Story
from timelines.models import TimelineEvent
from timelines.serializers import EventFieldsMixin, StoryEventSerializer


class StoryRefSerializer(serializers.ModelSerializer):
    """Which story something belongs to."""

    url = serializers.SerializerMethodField(help_text="The story's reader page.")
    api_url = serializers.HyperlinkedIdentityField(
        view_name="story-detail", help_text="The story in the API."
    )

    class Meta:
        model = Story
        fields = ["id", "slug", "headline", "url", "api_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, story) -> str:
        return absolute(self.context.get("request"), story.get_absolute_url())


class EventSerializer(SparseFieldsSerializerMixin, StoryEventSerializer):
    """A timeline event on its own, with the story it belongs to."""

    story = StoryRefSerializer(read_only=True)
    api_url = serializers.HyperlinkedIdentityField(
        view_name="event-detail", help_text="This event in the API."
    )

    class Meta(StoryEventSerializer.Meta):
        fields = [
            *StoryEventSerializer.Meta.fields,
            "story",
            "created_at",
            "updated_at",
            "api_url",
        ]


class EventWriteSerializer(EventFieldsMixin, StrictModelSerializer):
    """One timeline event, created or changed on its own."""

    story = StrictPrimaryKeyRelatedField(
        queryset=Story.objects.all(), help_text="Id of the story the event belongs to."
    )

    class Meta:
        model = TimelineEvent
        fields = [
            "story",
            "date",
            "precision",
            "date_label",
            "sequence",
            "title",
            "description",
            "kind",
            "cites",
        ]
        extra_kwargs = {"sequence": {"min_value": 0, "max_value": 32767}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        story = attrs.get("story") or self.instance.story
        cites = attrs.get("cites")
        if cites:
            listed = story.story_sources.count()
            too_high = [n for n in cites if n > listed]
            if too_high:
                raise serializers.ValidationError(
                    {
                        "cites": [
                            f"The story lists {listed} source(s); there is no source number "
                            f"{too_high[0]}."
                        ]
                    }
                )
        return attrs
