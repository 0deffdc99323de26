"""Timeline events as the API shows and accepts them inside a story (the events endpoint's
own serializers, which name the story, are stories.event_serializers)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.dates import validate_partial_date
from core.rest import (
    StrictIntegerField,
)
from timelines.models import TimelineEvent

MAX_CITES = 50


class CitationSerializer(serializers.Serializer):
    """One source an item cites: its number in the story's source list, and what it is."""

    number = serializers.IntegerField(help_text="Position in the story's `sources` list, from 1.")
    source_id = serializers.IntegerField(source="source.id")
    title = serializers.CharField(source="source.title")
    publisher = serializers.CharField(source="source.publisher")
    url = serializers.CharField(
        source="source.url", help_text="Link to the original; empty for print or offline sources."
    )

    def to_representation(self, citation):
        number, source = citation
        return super().to_representation({"number": number, "source": source})


class CitingMixin(serializers.Serializer):
    """`cites` (numbers) and `citations` (the sources), from `citations` set by the selector."""

    cites = serializers.SerializerMethodField(
        help_text="Numbers of the cited sources in the story's `sources` list."
    )
    citations = serializers.SerializerMethodField(help_text="The cited sources, in number order.")

    def get_cites(self, item) -> list[int]:
        return [number for number, _ in getattr(item, "citations", [])]

    @extend_schema_field(CitationSerializer(many=True))
    def get_citations(self, item):
        # CitationSerializer's shape, built directly: a serializer per item (every event of a
        # story) cost more than the rest of the story's API response.
        return [
            {
                "number": number,
                "source_id": source.id,
                "title": source.title,
                "publisher": source.publisher,
                "url": source.url,
            }
            for number, source in getattr(item, "citations", [])
        ]


class StoryEventSerializer(CitingMixin, serializers.ModelSerializer):
    """A timeline event inside its story."""

    date_display = serializers.CharField(
        read_only=True,
        help_text='The date as readers see it: "5 Feb 2026", "Oct 1962", "1963" or the label.',
    )

    class Meta:
        model = TimelineEvent
        fields = [
            "id",
            "date",
            "precision",
            "date_label",
            "date_display",
            "sequence",
            "title",
            "description",
            "kind",
            "cites",
            "citations",
        ]

    def to_representation(self, event):
        if type(self) is not StoryEventSerializer:
            return super().to_representation(event)
        # The fields above, read directly: a story's API detail shows every event, and REST
        # framework's per-field dispatch cost more than the events' SQL. Same values and order.
        return {
            "id": event.id,
            "date": iso_or_none(event.date),
            "precision": event.precision,
            "date_label": event.date_label,
            "date_display": event.date_display,
            "sequence": event.sequence,
            "title": event.title,
            "description": event.description,
            "kind": event.kind,
            "cites": self.get_cites(event),
            "citations": self.get_citations(event),
        }


def iso_or_none(value):
    """A date as DateField shows it: ISO 8601, or None."""
    return value.isoformat() if value else None


def validate_event_date(attrs: dict, instance=None) -> None:
    """Raise a field error when the date claims more precision than `precision` allows."""
    date = attrs.get("date", getattr(instance, "date", None))
    precision = attrs.get("precision", getattr(instance, "precision", "day"))
    message = validate_partial_date(date, precision)
    if message:
        raise serializers.ValidationError({"date": [message]})


class EventFieldsMixin(serializers.Serializer):
    """Fields and checks shared by a single-event write and an event row of a story write."""

    cites = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=10_000),
        max_length=MAX_CITES,
        required=False,
        help_text="Numbers of the sources it cites, in the story's `sources` list.",
    )

    def validate_cites(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("A source is cited twice.")
        return value

    def validate(self, attrs):
        validate_event_date(attrs, getattr(self, "instance", None))
        return attrs
