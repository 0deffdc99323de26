"""The admin of the records stories are built from: categories, sources, people,
organizations, timeline events on their own, and readers' follows."""

from django.contrib import admin
from django.db import models
from django.db.models import Count

from editorial.admin.dates import DATE_FIELDS, PartialDateForm
from editorial.admin.duplicates import DuplicateWarningForm
from editorial.admin.guards import ConcurrentEditForm, GuardedAdmin, SectionAdmin
from people.models import Organization, Person
from readers.models import Follow
from stories.models import Category, Source
from stories.services import story_sync_cited_sources
from timelines.models import TimelineEvent


@admin.register(Category)
class CategoryAdmin(GuardedAdmin):
    """A category's name shows above the headline of every story in it."""

    list_display = ["name", "slug", "story_count"]
    ordering = ["name"]  # the picker pages through them
    search_fields = ["name"]
    list_filter: list[str] = []
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_stories=Count("stories"))

    @admin.display(description="stories", ordering="num_stories")
    def story_count(self, obj):
        return obj.num_stories


@admin.register(Source)
class SourceAdmin(GuardedAdmin):
    """A source's title and link show on every story listing or citing it."""

    form = DuplicateWarningForm
    list_display = ["title", "publisher", "authors", "published_on"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "authors", "url"]
    date_hierarchy = "published_on"
    formfield_overrides = {**DATE_FIELDS, models.URLField: {"assume_scheme": "https"}}


@admin.register(Person)
class PersonAdmin(GuardedAdmin):
    """A person's name, title and photo show on every story naming them."""

    form = DuplicateWarningForm
    list_display = ["name", "title", "updated_at"]
    search_fields = ["name", "title"]
    list_filter: list[str] = []
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(GuardedAdmin):
    """An organization's name and logo show on every story naming it."""

    form = DuplicateWarningForm
    list_display = ["name", "kind", "updated_at"]
    search_fields = ["name", "kind"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["name"]}


class TimelineEventForm(PartialDateForm, ConcurrentEditForm):
    """An event on its own page: partial dates typed as words, and no lost saves."""


@admin.register(TimelineEvent)
class TimelineEventAdmin(SectionAdmin):
    """One event of a story's timeline. Saving it moves its story's version on, and changing
    an event of a published or scheduled story needs an editor (editorial.admin.guards)."""

    form = TimelineEventForm
    list_display = ["title", "story", "date_display", "kind"]
    list_filter = ["kind", "precision", "story__category"]
    list_select_related = ["story"]
    search_fields = ["title", "description", "story__headline"]
    date_hierarchy = "date"
    autocomplete_fields = ["story", "sources"]
    fields = [
        "story",
        ("date", "precision", "date_label", "sequence"),
        ("title", "kind"),
        "description",
        "sources",
        "seen_updated_at",
    ]

    def get_queryset(self, request):
        # A change page checks the story's status: read it with the event.
        return super().get_queryset(request).select_related("story")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A cited source must be in the story's numbered list, as on the story's own page.
        story_sync_cited_sources(story=form.instance.story)

    @admin.display(description="date", ordering="date")
    def date_display(self, obj):
        return obj.date_display


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["reader", "story", "created_at", "last_seen_at"]
    list_select_related = ["reader", "story"]
    search_fields = ["reader__username", "story__headline"]
    list_filter = ["created_at"]
    autocomplete_fields = ["story"]
    raw_id_fields = ["reader"]
