"""The story's sections as inlines of its page, and the records stories share: sources and
categories. Changing any of them on a published or scheduled story needs an editor."""

from django.contrib import admin
from django.db import models
from django.forms import Textarea

from editorial.admin.dates import DATE_FIELDS, PartialDateForm
from editorial.admin.guards import SectionInline
from people.models import StoryOrganization, StoryPerson
from stories.models import (
    HistoricalContext,
    HistoricalVoice,
    KeyIndicator,
    Scenario,
    StorySource,
    UpdateNote,
)
from timelines.models import TimelineEvent

# The story page stacks a dozen events and contexts: short text boxes keep it scannable.
COMPACT_TEXT = {
    **DATE_FIELDS,
    models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})},
}


class KeyIndicatorInline(SectionInline, admin.StackedInline):
    model = KeyIndicator
    extra = 0
    fields = [("value", "label", "position"), "explanation", "sources"]
    autocomplete_fields = ["sources"]


class StoryPersonInline(SectionInline, admin.TabularInline):
    model = StoryPerson
    extra = 0
    fields = ["person", "role", "status", "position"]
    autocomplete_fields = ["person"]


class StoryOrganizationInline(SectionInline, admin.TabularInline):
    model = StoryOrganization
    extra = 0
    fields = ["organization", "role", "status", "position"]
    autocomplete_fields = ["organization"]


class TimelineEventInline(SectionInline, admin.StackedInline):
    model = TimelineEvent
    form = PartialDateForm
    extra = 0
    formfield_overrides = COMPACT_TEXT
    fields = [
        ("date", "precision", "date_label", "sequence"),
        ("title", "kind"),
        "description",
        "sources",
    ]
    autocomplete_fields = ["sources"]


class ScenarioInline(SectionInline, admin.StackedInline):
    model = Scenario
    extra = 0
    formfield_overrides = COMPACT_TEXT
    fields = [("position", "title", "status"), "discussed_by", "description", "sources"]
    autocomplete_fields = ["sources"]


class HistoricalContextInline(SectionInline, admin.StackedInline):
    model = HistoricalContext
    extra = 0
    formfield_overrides = COMPACT_TEXT
    fields = [
        ("position", "title"),
        ("period_start", "period_start_precision", "period_end", "period_end_precision"),
        "what_happened",
        ("short_term_outcome", "long_term_outcome"),
        "relevance_today",
    ]


class HistoricalVoiceInline(SectionInline, admin.StackedInline):
    model = HistoricalVoice
    extra = 0
    fields = [("position", "figure", "figure_context"), "text"]
    formfield_overrides = COMPACT_TEXT
    verbose_name_plural = "voices from history (always shown to readers as fiction)"


class StorySourceInline(SectionInline, admin.TabularInline):
    model = StorySource
    extra = 0
    fields = ["source", "position"]
    autocomplete_fields = ["source"]
    verbose_name_plural = "sources (numbered list; sources cited above are added automatically)"


class UpdateNoteInline(SectionInline, admin.TabularInline):
    model = UpdateNote
    extra = 0
    fields = ["text", "created_at", "author"]
    readonly_fields = ["author"]
    verbose_name_plural = "update notes (public; the newest feeds the latest-update line)"


# The inline of each section (stories.sections), by the section's name on Story.
SECTION_INLINES = {
    "update_notes": UpdateNoteInline,
    "voices": HistoricalVoiceInline,
    "indicators": KeyIndicatorInline,
    "story_people": StoryPersonInline,
    "story_organizations": StoryOrganizationInline,
    "events": TimelineEventInline,
    "scenarios": ScenarioInline,
    "historical_contexts": HistoricalContextInline,
    "story_sources": StorySourceInline,
}
