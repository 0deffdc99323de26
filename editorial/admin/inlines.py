"""The story's sections as inlines of its page, and the records stories share: sources and
categories. Changing any of them on a published or scheduled story needs an editor."""

from django.contrib import admin
from django.db import models
from django.forms import Textarea

from editorial.admin.dates import DATE_FIELDS, PartialDateForm
from editorial.admin.guards import SectionInline
from editorial.admin.pickers import KnownChoicesInline
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


class StackedSection(KnownChoicesInline, SectionInline, admin.StackedInline):
    """A section whose rows are blocks: open in a <details> with its count, and its rows after
    the first `first_rows` folded to their label (editorial/templates/editorial/inline/)."""

    template = "editorial/inline/stacked.html"
    first_rows = 3
    extra = 0
    classes = ["collapse"]  # Django's look of a collapsible section; the template opens it


class TabularSection(KnownChoicesInline, SectionInline, admin.TabularInline):
    """A section whose rows are one line each: all shown, in a <details> with its count."""

    template = "editorial/inline/tabular.html"
    extra = 0
    classes = ["collapse"]


# The story page stacks a dozen events and contexts: short text boxes keep it scannable.
COMPACT_TEXT = {
    **DATE_FIELDS,
    models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})},
}


class KeyIndicatorInline(StackedSection):
    model = KeyIndicator
    fields = [("value", "label", "position"), "explanation", "sources"]
    autocomplete_fields = ["sources"]


class StoryPersonInline(TabularSection):
    model = StoryPerson
    fields = ["person", "role", "status", "position"]
    autocomplete_fields = ["person"]


class StoryOrganizationInline(TabularSection):
    model = StoryOrganization
    fields = ["organization", "role", "status", "position"]
    autocomplete_fields = ["organization"]


class TimelineEventInline(StackedSection):
    model = TimelineEvent
    form = PartialDateForm
    formfield_overrides = COMPACT_TEXT
    fields = [
        ("date", "precision", "date_label", "sequence"),
        ("title", "kind"),
        "description",
        "sources",
    ]
    autocomplete_fields = ["sources"]


class ScenarioInline(StackedSection):
    model = Scenario
    formfield_overrides = COMPACT_TEXT
    fields = [("position", "title", "status"), "discussed_by", "description", "sources"]
    autocomplete_fields = ["sources"]


class HistoricalContextInline(StackedSection):
    model = HistoricalContext
    formfield_overrides = COMPACT_TEXT
    fields = [
        ("position", "title"),
        ("period_start", "period_start_precision", "period_end", "period_end_precision"),
        "what_happened",
        ("short_term_outcome", "long_term_outcome"),
        "relevance_today",
    ]


class HistoricalVoiceInline(StackedSection):
    model = HistoricalVoice
    fields = [("position", "figure", "figure_context"), "text"]
    formfield_overrides = COMPACT_TEXT
    verbose_name_plural = "voices from history (always shown to readers as fiction)"


class StorySourceInline(TabularSection):
    model = StorySource
    fields = ["source", "position"]
    autocomplete_fields = ["source"]
    verbose_name_plural = "sources (numbered list; sources cited above are added automatically)"


class UpdateNoteInline(TabularSection):
    model = UpdateNote
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
