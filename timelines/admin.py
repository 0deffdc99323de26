from django.contrib import admin

from stories.admin_guards import SectionAdmin
from stories.services import story_sync_cited_sources
from timelines.models import TimelineEvent


@admin.register(TimelineEvent)
class TimelineEventAdmin(SectionAdmin):
    """One event of a story's timeline. Saving it moves its story's version on, and changing
    an event of a published or scheduled story needs an editor (stories.admin_guards)."""

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
