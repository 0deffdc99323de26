"""The trash (restore or purge stories) and the audit log, read-only."""

from datetime import timedelta

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from stories import services
from stories.models import AuditEntry, Story, TrashedStory


@admin.register(TrashedStory)
class TrashedStoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "deleted_at", "deleted_by", "purge_on"]
    list_select_related = ["deleted_by"]
    search_fields = ["headline", "slug"]
    list_filter = ["status", "category"]
    actions = ["restore", "purge_now"]
    fields = ["headline", "slug", "category", "status", "deleted_at", "deleted_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return Story.all_objects.trashed().select_related("category", "deleted_by")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # purging is the purge action or the purge_trash command

    @admin.display(description="purged after")
    def purge_on(self, obj):
        return obj.deleted_at + timedelta(days=services.TRASH_DAYS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("stories.delete_story"):
            actions.pop("purge_now", None)
        return actions

    @admin.action(description="Restore selected stories", permissions=["change"])
    def restore(self, request, queryset):
        for story in queryset:
            services.story_restore(story=story, user=request.user)
        self.message_user(request, f"Restored {queryset.count()} stories.", messages.SUCCESS)

    @admin.action(description="Delete selected stories for good")
    def purge_now(self, request, queryset):
        count = 0
        for story in queryset:
            services.audit_record(actor=request.user, action=AuditEntry.Action.PURGED, story=story)
            story.delete()
            count += 1
        self.message_user(request, f"Deleted {count} stories for good.", messages.SUCCESS)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "story_link", "detail"]
    list_filter = ["action", "at"]
    search_fields = ["story_headline", "actor_name", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="story")
    def story_link(self, obj):
        if obj.story_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:stories_story_change", args=[obj.story_id]),
                obj.story_headline,
            )
        return obj.story_headline
