"""The parts of a story as the API shows them inside the story detail."""

from rest_framework import serializers

from core.dates import Precision
from people.models import StoryOrganization, StoryPerson
from people.serializers import OrganizationRefSerializer, PersonRefSerializer
from stories.models import (
    HistoricalContext,
    KeyIndicator,
    Scenario,
    UpdateNote,
)
from timelines.serializers import (
    CitingMixin,
    iso_or_none,
)


class LatestUpdateSerializer(serializers.Serializer):
    """The latest-update line: the newest timeline event, or an editor's update note."""

    title = serializers.CharField(help_text="The event's title, or the note's text.")
    date = serializers.DateField()
    precision = serializers.ChoiceField(choices=Precision.choices)
    label = serializers.CharField(help_text="The editor's wording for a vague date, or empty.")
    date_display = serializers.CharField(help_text="The date as readers see it.")
    is_note = serializers.BooleanField(help_text="True when it is an update note, not an event.")


class UpdateNoteSerializer(serializers.ModelSerializer):
    """A public one-line note an editor added when the story changed significantly."""

    class Meta:
        model = UpdateNote
        fields = ["text", "created_at"]


class CardIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyIndicator
        fields = ["value", "label"]


class IndicatorSerializer(CitingMixin, serializers.ModelSerializer):
    """A key indicator: a big figure, what it counts, and one line of context."""

    class Meta:
        model = KeyIndicator
        fields = ["id", "position", "value", "label", "explanation", "cites", "citations"]

    def to_representation(self, indicator):
        if type(self) is not IndicatorSerializer:
            return super().to_representation(indicator)
        # The fields above, read directly (same values and order), as for timeline events.
        return {
            "id": indicator.id,
            "position": indicator.position,
            "value": indicator.value,
            "label": indicator.label,
            "explanation": indicator.explanation,
            "cites": self.get_cites(indicator),
            "citations": self.get_citations(indicator),
        }


class StoryPersonSerializer(serializers.ModelSerializer):
    """A person involved in the story, with their role and status in it."""

    person = PersonRefSerializer(read_only=True)

    class Meta:
        model = StoryPerson
        fields = ["person", "role", "status", "position"]

    def to_representation(self, row):
        if type(self) is not StoryPersonSerializer:
            return super().to_representation(row)
        # The fields above, read directly (same values and order), as for timeline events.
        return {
            "person": PersonRefSerializer(context=self.context).to_representation(row.person),
            "role": row.role,
            "status": row.status,
            "position": row.position,
        }


class StoryOrganizationSerializer(serializers.ModelSerializer):
    """An organization involved in the story, with its role and status in it."""

    organization = OrganizationRefSerializer(read_only=True)

    class Meta:
        model = StoryOrganization
        fields = ["organization", "role", "status", "position"]

    def to_representation(self, row):
        if type(self) is not StoryOrganizationSerializer:
            return super().to_representation(row)
        # The fields above, read directly (same values and order), as for timeline events.
        organization = OrganizationRefSerializer(context=self.context)
        return {
            "organization": organization.to_representation(row.organization),
            "role": row.role,
            "status": row.status,
            "position": row.position,
        }


class ScenarioSerializer(CitingMixin, serializers.ModelSerializer):
    """A possible outcome, who discusses it, and where it stands."""

    number = serializers.IntegerField(source="position", help_text="Shown as its number.")

    class Meta:
        model = Scenario
        fields = [
            "id",
            "number",
            "title",
            "discussed_by",
            "description",
            "status",
            "cites",
            "citations",
        ]

    def to_representation(self, scenario):
        if type(self) is not ScenarioSerializer:
            return super().to_representation(scenario)
        # The fields above, read directly (same values and order), as for timeline events.
        return {
            "id": scenario.id,
            "number": scenario.position,
            "title": scenario.title,
            "discussed_by": scenario.discussed_by,
            "description": scenario.description,
            "status": scenario.status,
            "cites": self.get_cites(scenario),
            "citations": self.get_citations(scenario),
        }


class HistoricalContextSerializer(serializers.ModelSerializer):
    """An earlier episode that explains this one."""

    period_display = serializers.CharField(
        read_only=True, help_text='The period as readers see it: "October 1962 – June 1963".'
    )

    class Meta:
        model = HistoricalContext
        fields = [
            "id",
            "position",
            "title",
            "period_start",
            "period_start_precision",
            "period_end",
            "period_end_precision",
            "period_display",
            "what_happened",
            "short_term_outcome",
            "long_term_outcome",
            "relevance_today",
        ]

    def to_representation(self, context):
        if type(self) is not HistoricalContextSerializer:
            return super().to_representation(context)
        # The fields above, read directly (same values and order), as for timeline events.
        return {
            "id": context.id,
            "position": context.position,
            "title": context.title,
            "period_start": iso_or_none(context.period_start),
            "period_start_precision": context.period_start_precision,
            "period_end": iso_or_none(context.period_end),
            "period_end_precision": context.period_end_precision,
            "period_display": context.period_display,
            "what_happened": context.what_happened,
            "short_term_outcome": context.short_term_outcome,
            "long_term_outcome": context.long_term_outcome,
            "relevance_today": context.relevance_today,
        }


# Stories -----------------------------------------------------------------------------------
