"""Stories, categories and sources as the API shows them.

The detail serializer keeps the story page's order: header, overview, why it matters, key
indicators, people, organizations, timeline, scenarios, historical context, sources.
What staff tools send is in `stories.write_serializers`.
"""

import copy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.dates import Precision
from newsroom.rest import (
    ImageSerializer,
    SparseFieldsSerializerMixin,
    StrictModelSerializer,
    absolute,
    image_data,
)
from people.models import StoryOrganization, StoryPerson
from people.serializers import OrganizationRefSerializer, PersonRefSerializer
from stories import selectors
from stories.bylines import BylineField
from stories.event_serializers import StoryRefSerializer
from stories.models import (
    Category,
    HistoricalContext,
    KeyIndicator,
    Scenario,
    Source,
    Story,
    UpdateNote,
)
from timelines.serializers import (
    CitingMixin,
    StoryEventSerializer,
    iso_or_none,
)

CARD_INDICATORS = selectors.CARD_INDICATORS  # as many key indicators as the Daily Brief's cards


def _api_url(serializer, view_name: str, pk: int) -> str:
    return reverse(view_name, kwargs={"pk": pk}, request=serializer.context.get("request"))


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
    api_url = serializers.SerializerMethodField(help_text="This category in the API.")
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
    def get_api_url(self, category) -> str:
        return _api_url(self, "category-detail", category.pk)

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
    api_url = serializers.SerializerMethodField(help_text="This source in the API.")

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

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, source) -> str:
        return _api_url(self, "source-detail", source.pk)


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


class _StoryBase(serializers.ModelSerializer):
    category = CategoryRefSerializer(read_only=True)
    latest_update = serializers.SerializerMethodField(
        help_text="The newest timeline event, or null when the timeline is empty."
    )
    hero_image = serializers.SerializerMethodField(help_text="The top image, or null.")
    url = serializers.SerializerMethodField(help_text="The story's reader page.")
    api_url = serializers.SerializerMethodField(help_text="The full story in the API.")

    def get_fields(self):
        # ModelSerializer reads the model's fields and builds serializer fields for them on
        # every instance (so on every request); they do not change, so each class builds
        # them once and hands out copies, as REST framework does for declared fields.
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)

    @extend_schema_field(LatestUpdateSerializer(allow_null=True))
    def get_latest_update(self, story):
        update = story.latest_update
        if update is None:
            return None
        return {
            "title": update.title,
            "date": update.date.isoformat(),
            "precision": update.precision,
            "label": update.label,
            "date_display": update.date_display,
            "is_note": update.is_note,
        }

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_hero_image(self, story):
        return image_data(
            self.context.get("request"),
            story.hero_image,
            story.hero_image_width,
            story.hero_image_height,
            alt=story.hero_image_alt,
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, story) -> str:
        return absolute(self.context.get("request"), story.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, story) -> str:
        return _api_url(self, "story-detail", story.pk)


class StoryCardSerializer(SparseFieldsSerializerMixin, _StoryBase):
    """A story as a card in the Daily Brief and other lists."""

    indicators = serializers.SerializerMethodField(
        help_text=f"The first {CARD_INDICATORS} key indicators."
    )

    class Meta:
        model = Story
        fields = [
            "id",
            "slug",
            "category",
            "headline",
            "dek",
            "latest_update",
            "indicators",
            "hero_image",
            "status",
            "published_at",
            "updated_at",
            "url",
            "api_url",
        ]

    @extend_schema_field(CardIndicatorSerializer(many=True))
    def get_indicators(self, story):
        # story_cards() prefetches just the first few; story_list() prefetches them all, in order.
        indicators = getattr(story, "card_indicators", None)
        if indicators is None:
            indicators = story.indicators.all()[:CARD_INDICATORS]
        return CardIndicatorSerializer(indicators, many=True).data


class ExportLinksSerializer(serializers.Serializer):
    news_article = serializers.URLField(help_text="schema.org NewsArticle JSON-LD.")
    ninjs = serializers.URLField(help_text="IPTC ninjs 3.0 JSON, with the timeline as events.")
    timelinejs = serializers.URLField(help_text="TimelineJS 3 JSON, to embed the timeline.")


class StorySerializer(SparseFieldsSerializerMixin, _StoryBase):
    """A whole story: every section of the story page, in the page's order.

    `overview` and `why_it_matters` are Markdown as written; the `_html` fields are the same
    text rendered and sanitised, ready to display.
    """

    byline = BylineField(
        read_only=True, help_text='Who the story is by, the names alone: readers see "By …".'
    )
    version = serializers.IntegerField(
        read_only=True, help_text="Goes up by one with every save of the story."
    )
    update_notes = UpdateNoteSerializer(many=True, read_only=True, help_text="Newest first.")
    overview_html = serializers.CharField(read_only=True, help_text="Sanitised HTML.")
    why_it_matters_html = serializers.CharField(read_only=True, help_text="Sanitised HTML.")
    indicators = IndicatorSerializer(many=True, read_only=True)
    people = StoryPersonSerializer(source="story_people", many=True, read_only=True)
    organizations = StoryOrganizationSerializer(
        source="story_organizations", many=True, read_only=True
    )
    events = StoryEventSerializer(many=True, read_only=True, help_text="Newest first.")
    scenarios = ScenarioSerializer(many=True, read_only=True)
    historical_contexts = HistoricalContextSerializer(many=True, read_only=True)
    sources = serializers.SerializerMethodField(help_text="Numbered; `cites` point here.")
    exports = serializers.SerializerMethodField(
        help_text="Standard formats of this story (published stories only)."
    )

    class Meta:
        model = Story
        fields = [
            "id",
            "slug",
            "category",
            "headline",
            "byline",
            "dek",
            "latest_update",
            "hero_image",
            "status",
            "published_at",
            "created_at",
            "updated_at",
            "version",
            "update_notes",
            "overview",
            "overview_html",
            "why_it_matters",
            "why_it_matters_html",
            "indicators",
            "people",
            "organizations",
            "events",
            "scenarios",
            "historical_contexts",
            "sources",
            "url",
            "api_url",
            "exports",
        ]

    @extend_schema_field(NumberedSourceSerializer(many=True))
    def get_sources(self, story):
        # NumberedSourceSerializer's shape, built directly (this runs on every story read).
        return [
            {
                "number": number,
                "id": source.id,
                "title": source.title,
                "publisher": source.publisher,
                "authors": source.authors,
                "url": source.url,
                "published_on": source.published_on.isoformat() if source.published_on else None,
                "excerpt": source.excerpt,
            }
            for number, source in (
                (number, row.source) for number, row in enumerate(story.story_sources.all(), 1)
            )
        ]

    @extend_schema_field(ExportLinksSerializer(allow_null=True))
    def get_exports(self, story):
        if not story.is_public:
            return None
        request = self.context.get("request")
        return {
            name: reverse(
                f"story-{name.replace('_', '-')}", kwargs={"pk": story.pk}, request=request
            )
            for name in ("news_article", "ninjs", "timelinejs")
        }
