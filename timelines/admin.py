from django.contrib import admin

from timelines.models import TimelineEvent


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
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
    ]

    @admin.display(description="date", ordering="date")
    def date_display(self, obj):
        return obj.date_display
