"""The Story change page builds a whole explainer: every section is an inline."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.forms import Textarea

from people.models import StoryOrganization, StoryPerson
from stories.models import (
    Category,
    HistoricalContext,
    HistoricalVoice,
    KeyIndicator,
    Scenario,
    Source,
    Story,
    StorySource,
)
from stories.services import story_sync_cited_sources
from timelines.models import TimelineEvent

# The story page stacks a dozen events and contexts: short text boxes keep it scannable.
COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})}}


class KeyIndicatorInline(admin.StackedInline):
    model = KeyIndicator
    extra = 0
    fields = [("value", "label", "position"), "explanation", "sources"]
    autocomplete_fields = ["sources"]


class StoryPersonInline(admin.TabularInline):
    model = StoryPerson
    extra = 0
    fields = ["person", "role", "status", "position"]
    autocomplete_fields = ["person"]


class StoryOrganizationInline(admin.TabularInline):
    model = StoryOrganization
    extra = 0
    fields = ["organization", "role", "status", "position"]
    autocomplete_fields = ["organization"]


class TimelineEventInline(admin.StackedInline):
    model = TimelineEvent
    extra = 0
    formfield_overrides = COMPACT_TEXT
    fields = [
        ("date", "precision", "date_label", "sequence"),
        ("title", "kind"),
        "description",
        "sources",
    ]
    autocomplete_fields = ["sources"]


class ScenarioInline(admin.StackedInline):
    model = Scenario
    extra = 0
    formfield_overrides = COMPACT_TEXT
    fields = [("position", "title", "status"), "discussed_by", "description", "sources"]
    autocomplete_fields = ["sources"]


class HistoricalContextInline(admin.StackedInline):
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


class HistoricalVoiceInline(admin.StackedInline):
    model = HistoricalVoice
    extra = 0
    fields = [("position", "figure", "figure_context"), "text"]
    formfield_overrides = COMPACT_TEXT
    verbose_name_plural = "voices from history (always shown to readers as fiction)"


class StorySourceInline(admin.TabularInline):
    model = StorySource
    extra = 0
    fields = ["source", "position"]
    autocomplete_fields = ["source"]
    verbose_name_plural = "sources (numbered list; sources cited above are added automatically)"


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "category", "status", "published_at", "updated_at", "event_count"]
    list_filter = ["status", "category", "events__kind"]
    list_select_related = ["category"]
    search_fields = ["headline", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["category"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "category", "byline", "dek"]}),
        ("Text", {"fields": ["overview", "why_it_matters"]}),
        ("Image", {"fields": ["hero_image", "hero_image_alt"], "classes": ["collapse"]}),
        ("Publishing", {"fields": ["status", "published_at", "created_at", "updated_at"]}),
    ]
    inlines = [
        KeyIndicatorInline,
        StoryPersonInline,
        StoryOrganizationInline,
        TimelineEventInline,
        ScenarioInline,
        HistoricalContextInline,
        HistoricalVoiceInline,
        StorySourceInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_events=Count("events", distinct=True))

    @admin.display(description="events", ordering="num_events")
    def event_count(self, obj):
        return obj.num_events

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        story_sync_cited_sources(story=form.instance)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "story_count"]
    search_fields = ["name"]
    list_filter: list[str] = []
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_stories=Count("stories"))

    @admin.display(description="stories", ordering="num_stories")
    def story_count(self, obj):
        return obj.num_stories


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "authors", "published_on"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "authors", "url"]
    date_hierarchy = "published_on"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
