"""Stories, categories and sources as the API shows them: records (categories, sources),
sections (the parts of a story), story (a Brief card and the detail)."""

from stories.serializers.records import (
    CategoryRefSerializer,
    CategorySerializer,
    NumberedSourceSerializer,
    SourceDetailSerializer,
    SourceSerializer,
    SourceWriteSerializer,
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
from stories.serializers.story import (
    CARD_INDICATORS,
    ExportLinksSerializer,
    StoryCardSerializer,
    StorySerializer,
)

__all__ = [
    "CARD_INDICATORS",
    "CardIndicatorSerializer",
    "CategoryRefSerializer",
    "CategorySerializer",
    "ExportLinksSerializer",
    "HistoricalContextSerializer",
    "IndicatorSerializer",
    "LatestUpdateSerializer",
    "NumberedSourceSerializer",
    "ScenarioSerializer",
    "SourceDetailSerializer",
    "SourceSerializer",
    "SourceWriteSerializer",
    "StoryCardSerializer",
    "StoryOrganizationSerializer",
    "StoryPersonSerializer",
    "StorySerializer",
    "UpdateNoteSerializer",
]
