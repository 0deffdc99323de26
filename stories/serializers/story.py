"""A story as the API shows it: a Brief card, and the detail in the story page's order
(header, overview, why it matters, indicators, people, organizations, timeline, scenarios,
historical context, sources). What staff tools send is in `stories.write_serializers`."""

import copy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.rest import (
    ImageSerializer,
    SparseFieldsSerializerMixin,
    absolute,
    image_data,
)
from stories import selectors
from stories.bylines import BylineField
from stories.models import (
    Story,
)
from stories.serializers.records import (
    CategoryRefSerializer,
    NumberedSourceSerializer,
)
from stories.serializers.sections import (
    CardIndicatorSerializer,
    HistoricalContextSerializer,
    IndicatorSerializer,
    LatestUpdateSerializer,
    ScenarioSerializer,
    StoryOrganizationSerializer,
    StoryPersonSerializer,
    UpdateNoteSerializer,
)
from timelines.serializers import (
    StoryEventSerializer,
)

CARD_INDICATORS = selectors.CARD_INDICATORS  # as many key indicators as the Daily Brief's cards


class _StoryBase(serializers.ModelSerializer):
    category = CategoryRefSerializer(read_only=True)
    latest_update = serializers.SerializerMethodField(
        help_text="The newest timeline event, or null when the timeline is empty."
    )
    hero_image = serializers.SerializerMethodField(help_text="The top image, or null.")
    url = serializers.SerializerMethodField(help_text="The story's reader page.")
    api_url = serializers.HyperlinkedIdentityField(
        view_name="story-detail", help_text="The full story in the API."
    )

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
    update_notes = UpdateNoteSerializer(
        source="sections.update_notes", many=True, read_only=True, help_text="Newest first."
    )
    overview_html = serializers.CharField(read_only=True, help_text="Sanitised HTML.")
    why_it_matters_html = serializers.CharField(read_only=True, help_text="Sanitised HTML.")
    indicators = IndicatorSerializer(source="sections.indicators", many=True, read_only=True)
    people = StoryPersonSerializer(source="sections.story_people", many=True, read_only=True)
    organizations = StoryOrganizationSerializer(
        source="sections.story_organizations", many=True, read_only=True
    )
    events = StoryEventSerializer(
        source="sections.events", many=True, read_only=True, help_text="Newest first."
    )
    scenarios = ScenarioSerializer(source="sections.scenarios", many=True, read_only=True)
    historical_contexts = HistoricalContextSerializer(
        source="sections.historical_contexts", many=True, read_only=True
    )
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
                (number, row.source) for number, row in enumerate(story.sections.story_sources, 1)
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
