"""What every admin page that changes content shares: who may change it, and no lost saves.

- `GuardedAdmin`: change and delete follow `stories.permissions` (a writer sees anything a
  published or scheduled story shows read-only). The check runs on an object's own pages only,
  never per row of a changelist.
- `SectionInline`: a story's inline sections follow the story's rule.
- `ConcurrentEditForm`: the form carries the row's `updated_at` as the editor saw it; at save,
  inside the admin's transaction, the row is locked (its story's row first, for a section) and
  compared, so a save over someone else's is refused with the message the Story form gives.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import format_html

from editorial.admin.dates import DATE_FIELDS
from stories.concurrency import lock_object, lock_stories, stories_changed
from stories.permissions import SECTION_MODELS, check_can_change_published, may_change


def _may_change(request, obj) -> bool:
    # A change page asks several times: decide once per object and request.
    if obj is None:
        return True
    decided = getattr(obj, "_may_change", None)
    if decided is None or decided[0] is not request:
        decided = obj._may_change = (request, may_change(request.user, obj))
    return decided[1]


# Hidden fields of the change forms that carry what the editor saw (for edit conflicts); they
# are not content, so History never names them.
INTERNAL_FIELDS = frozenset({"seen_updated_at", "seen_version", "seen_at", "save_anyway"})


class ChangeMessageMixin:
    """History names only what the editor changed: never the hidden edit-conflict fields, and a
    save that changed nothing adds no entry (nor, in a versioned admin, a revision comment)."""

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        internal = {form.fields[n].label or n for n in INTERNAL_FIELDS if n in form.fields}
        kept = []
        for entry in message:
            changed = entry.get("changed")
            if changed is not None and "object" not in changed:  # the form's own fields
                fields = [f for f in changed.get("fields", []) if f not in internal]
                if not fields:
                    continue
                entry = {"changed": {**changed, "fields": fields}}
            kept.append(entry)
        return kept

    def log_change(self, request, obj, message):
        if not message:
            return None  # nothing changed: nothing to remember
        return super().log_change(request, obj, message)


class GuardedAdmin(ChangeMessageMixin, admin.ModelAdmin):
    """A ModelAdmin whose change and delete pages follow the published-story rule."""

    formfield_overrides = DATE_FIELDS

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _may_change(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        if change and not set(form.changed_data) - INTERNAL_FIELDS:
            return  # nothing changed: updated_at stays, so nobody else's open copy goes stale
        super().save_model(request, obj, form, change)


class SectionInline:
    """An inline of a story's sections: editable only by those who may change the story."""

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and may_change(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_change(request.user, obj)


def _stamp(moment) -> str:
    return moment.isoformat() if moment is not None else ""


class ConcurrentEditForm(forms.ModelForm):
    """A change form for a row with `updated_at` that refuses to save over a newer save."""

    seen_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    user = None  # set by GuardedAdmin.get_form
    stored: dict | None = None  # the row as stored, read under the lock

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_updated_at"].initial = _stamp(self.instance.updated_at)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.stored = lock_object(self.instance)
            seen = cleaned.get("seen_updated_at")
            if self.stored is None:
                raise forms.ValidationError(
                    "Someone deleted this while you were editing it.", code="conflict"
                )
            if seen and seen != _stamp(self.stored["updated_at"]):
                raise forms.ValidationError(self._conflict_message(), code="conflict")
        story = cleaned.get("story")
        if isinstance(self.instance, SECTION_MODELS) and story is not None:
            lock_stories(story.pk)  # a new section, or one moving to this story
            try:
                check_can_change_published(self.user, [story])
            except PermissionDenied as denied:
                self.add_error("story", str(denied))
        return cleaned

    def _conflict_message(self):
        saved_at = timezone.localtime(self.stored["updated_at"])
        return format_html(
            "Someone saved this {} at {} while you were editing it. Your changes were not "
            "saved. Your text is kept below to copy from. "
            '<a href="" target="_blank" rel="noopener">Open the current version</a> in a new '
            "tab, and make your changes there.",
            self._meta.model._meta.verbose_name,
            f"{saved_at:%Y-%m-%d %H:%M:%S %Z}",
        )

    def stories_before(self) -> set[int]:
        """The stories this section belonged to before the save (none for a new one)."""
        story_id = (self.stored or {}).get("story_id")
        return {story_id} if story_id else set()


class SectionAdmin(GuardedAdmin):
    """A story's section on its own admin page: its stories' versions move on with a save or
    a delete, so an editor holding a story's older version is refused."""

    form = ConcurrentEditForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.has_changed():
            stories_changed(obj.story_id, *form.stories_before())

    def delete_model(self, request, obj):
        lock_object(obj)
        super().delete_model(request, obj)
        stories_changed(obj.story_id)

    def delete_queryset(self, request, queryset):
        story_ids = set(queryset.values_list("story_id", flat=True))
        lock_stories(*story_ids)
        super().delete_queryset(request, queryset)
        stories_changed(*story_ids)
