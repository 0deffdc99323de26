"""The Story change page builds a whole explainer: every section is an inline.

The inlines are in editorial.admin.inlines; categories, sources, people, organizations and
events in editorial.admin.records; the trash and the audit log in editorial.admin.trash.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion_compare.admin import CompareVersionAdmin

from editorial.admin.dates import DATE_FIELDS
from editorial.admin.guards import INTERNAL_FIELDS, ChangeMessageMixin
from editorial.admin.history import ReadableHistoryMixin
from editorial.admin.inlines import SECTION_INLINES
from editorial.admin.presence import PresenceMixin
from editorial.admin.summary import FormSummaryMixin
from stories import services
from stories.concurrency import stories_changed
from stories.models import Story, TrashedStory, UpdateNote
from stories.permissions import can_publish, may_change
from stories.preview import PREVIEW_HOURS, preview_url
from stories.sections import SECTIONS
from stories.services import story_sync_cited_sources


class StoryAdminForm(forms.ModelForm):
    """The Story form, aware of who edits it: status rules and edit-conflict detection."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    seen_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    user = None  # set by StoryAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version
            self.fields["seen_at"].initial = timezone.now()
        if "status" in self.fields and not can_publish(self.user):
            allowed = {Story.Status.DRAFT, Story.Status.IN_REVIEW, self.instance.status}
            self.fields["status"].choices = [c for c in Story.Status.choices if c[0] in allowed]
            self.fields[
                "status"
            ].help_text = "Submit the story for review when it is ready; an editor publishes it."

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Locks the story's row until the admin's transaction commits the save: a second
            # editor with the same seen version waits, then sees the new one and is refused.
            conflict = services.story_conflict(
                story=self.instance,
                seen_version=cleaned["seen_version"],
                seen_at=cleaned.get("seen_at"),
            )
            if conflict:
                raise forms.ValidationError(
                    format_html(
                        "{} Your text is kept below to copy from. "
                        '<a href="{}" target="_blank" rel="noopener">Open the current version</a> '
                        "in a new tab, and make your changes there.",
                        conflict,
                        reverse("admin:stories_story_change", args=[self.instance.pk]),
                    ),
                    code="conflict",
                )
        if "status" in cleaned:
            old_status = (
                Story.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
            )
            try:
                services.check_transition(
                    user=self.user, old_status=old_status, new_status=cleaned["status"]
                )
            except PermissionDenied as denied:
                self.add_error("status", str(denied))
        return cleaned


class PublicationFilter(admin.SimpleListFilter):
    title = "visible to readers"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("live", "Live now"), ("scheduled", "Scheduled"), ("hidden", "Not public")]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "hidden":
            return queryset.exclude(pk__in=Story.objects.published().values("pk"))
        return queryset


@admin.register(Story)
class StoryAdmin(
    PresenceMixin, ReadableHistoryMixin, FormSummaryMixin, ChangeMessageMixin, CompareVersionAdmin
):
    form = StoryAdminForm
    list_display = ["headline", "category", "state", "published_at", "updated_at", "event_count"]
    list_filter = [PublicationFilter, "status", "category", "events__kind"]
    list_select_related = ["category"]
    search_fields = ["headline", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["category"]
    readonly_fields = ["created_at", "updated_at", "version", "preview_link"]
    actions = ["submit_for_review", "publish_now", "unpublish", "move_to_trash"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "category", "byline", "dek"]}),
        ("Text", {"fields": ["overview", "why_it_matters"]}),
        ("Image", {"fields": ["hero_image", "hero_image_alt"], "classes": ["collapse"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "preview_link",
                    ("created_at", "updated_at", "version"),
                    "seen_version",
                    "seen_at",
                ]
            },
        ),
    ]
    # Every section of stories.sections, in its order (a section without an inline fails here).
    inlines = [SECTION_INLINES[section.name] for section in SECTIONS]
    change_list_template = "admin/stories/story/change_list.html"
    formfield_overrides = DATE_FIELDS

    def changelist_view(self, request, extra_context=None):
        """The list, with a link to the Trash and how many stories it holds."""
        context = dict(extra_context or {})
        trash = self.admin_site.get_model_admin(TrashedStory)
        if trash.has_view_or_change_permission(request):
            context["trash_url"] = reverse("admin:stories_trashedstory_changelist")
            context["trash_count"] = Story.all_objects.trashed().count()
        return super().changelist_view(request, extra_context=context)

    def recoverlist_view(self, request, extra_context=None):
        """One recovery path: a deleted story is in the Trash (reversion's list of deleted
        versions finds nothing there), so its address leads to it."""
        return HttpResponseRedirect(reverse("admin:stories_trashedstory_changelist"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .not_trashed()
            .annotate(num_events=Count("events", distinct=True))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            # Nothing to conflict with on the add page, and a read-only view saves nothing.
            fieldsets = [
                (
                    name,
                    {
                        **opts,
                        "fields": [
                            f for f in opts["fields"] if f not in ("seen_version", "seen_at")
                        ],
                    },
                )
                for name, opts in fieldsets
            ]
        return fieldsets

    def has_change_permission(self, request, obj=None):
        # Writers see a published (or scheduled) story read-only.
        return super().has_change_permission(request, obj) and may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_change(request.user, obj)

    @admin.display(description="events", ordering="num_events")
    def event_count(self, obj):
        return obj.num_events

    @admin.display(description="status", ordering="status")
    def state(self, obj):
        if (
            obj.status == Story.Status.PUBLISHED
            and obj.published_at
            and obj.published_at > timezone.now()
        ):
            local = timezone.localtime(obj.published_at)
            return format_html("Scheduled for {}", f"{local:%Y-%m-%d %H:%M %Z}")
        return obj.get_status_display()

    @admin.display(description="preview link for someone without an account")
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save the story first."
        request = getattr(obj, "_admin_request", None)  # set by get_object, for this request
        if obj.is_public:
            url = _absolute(request, obj.get_absolute_url())
            return format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a> (live)', url, url
            )
        url = _absolute(request, preview_url(obj))
        return format_html(
            '<input type="text" id="preview-url" value="{}" readonly size="60" '
            'aria-label="Preview link"> <button type="button" class="button" '
            'data-copy="preview-url">Copy</button> '
            '<a href="{}" target="_blank" rel="noopener">Open the preview in a new tab</a>'
            "<br>Shows this one story, unpublished, to anyone with the link for {} hours.",
            url,
            url,
            PREVIEW_HOURS,
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._admin_request = request  # preview_link makes its links absolute with it
        return obj

    class Media:
        js = ["js/copy-link.js", "js/presence.js"]

    def save_model(self, request, obj, form, change):
        if change and not set(form.changed_data) - INTERNAL_FIELDS:
            return  # nothing of the story's own changed: its version stays (sections: below)
        old_status = Story.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        action = services.transition_audit_action(old_status=old_status, story=obj)
        if action:
            services.audit_record(actor=request.user, action=action, story=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is UpdateNote:
            for note in formset.save(commit=False):
                note.author = note.author or request.user
                note.save()
            for note in formset.deleted_objects:
                note.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        story_sync_cited_sources(story=form.instance)
        own_fields_changed = set(form.changed_data) - INTERNAL_FIELDS
        if change and not own_fields_changed and any(f.has_changed() for f in formsets):
            stories_changed(form.instance.pk)  # only sections changed: the version moves on

    # Deleting moves to the trash: restorable for 30 days, then purged.
    def get_deleted_objects(self, objs, request):
        return [str(o) for o in objs], {"stories": len(objs)}, set(), []

    def delete_model(self, request, obj):
        services.story_trash(story=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for story in queryset:
            services.story_trash(story=story, user=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not can_publish(request.user):
            actions.pop("publish_now", None)
            actions.pop("unpublish", None)
        if not self.has_delete_permission(request):
            actions.pop("move_to_trash", None)
        return actions

    def _set_status(self, request, queryset, status, verb):
        done, refused = 0, []
        for story in queryset:
            try:
                services.story_set_status(story=story, user=request.user, status=status)
                done += 1
            except PermissionDenied as denied:
                refused.append(f"“{story}”: {denied}")
        if done:
            self.message_user(
                request, f"{verb} {done} stor{'y' if done == 1 else 'ies'}.", messages.SUCCESS
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description="Submit selected stories for review")
    def submit_for_review(self, request, queryset):
        self._set_status(
            request,
            queryset.exclude(status=Story.Status.PUBLISHED),
            Story.Status.IN_REVIEW,
            "Submitted",
        )

    @admin.action(description="Publish selected stories", permissions=["publish"])
    def publish_now(self, request, queryset):
        self._set_status(request, queryset, Story.Status.PUBLISHED, "Published")

    @admin.action(description="Unpublish (withdraw) selected stories", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_status(
            request,
            queryset.filter(status=Story.Status.PUBLISHED),
            Story.Status.UNPUBLISHED,
            "Withdrew",
        )

    @admin.action(description="Move selected stories to the trash", permissions=["delete"])
    def move_to_trash(self, request, queryset):
        count = 0
        for story in queryset:
            if not may_change(request.user, story):
                self.message_user(
                    request, f"“{story}” is published: ask an editor.", messages.ERROR
                )
                continue
            services.story_trash(story=story, user=request.user)
            count += 1
        self.message_user(
            request,
            f"Moved {count} stor{'y' if count == 1 else 'ies'} to the trash; "
            f"restorable for {services.TRASH_DAYS} days.",
            messages.SUCCESS,
        )

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request,
            f"“{obj_display}” is in the trash. Restore it from Stories › Trash within "
            f"{services.TRASH_DAYS} days.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:stories_story_changelist"))


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path
