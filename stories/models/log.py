"""What happened to stories: the trash, the audit log and the change log apps sync from."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from stories.models.story import Story


class TrashedStory(Story):
    """Stories in the trash: a separate admin list where they can be restored or purged."""

    class Meta:
        proxy = True
        verbose_name = "story in the trash"
        verbose_name_plural = "trash"


class AuditEntry(models.Model):
    """Who published, unpublished, restored or deleted what, and when."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        UNPUBLISHED = "unpublished", "Unpublished"
        TRASHED = "trashed", "Moved to trash"
        RESTORED = "restored", "Restored from trash"
        REVERTED = "reverted", "Restored an earlier revision"
        PURGED = "purged", "Purged from trash"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    story_headline = models.CharField(max_length=200)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"

    def __str__(self):
        return f"{self.actor_name or 'system'} {self.get_action_display().lower()} “{self.story_headline}”"


class ContentChange(models.Model):
    """One change to something readers can see: the log behind the API's offline sync.

    A row says "this object changed (or went away) at this point"; its id is the sync
    position. Rows are written after the change commits (stories.changes records them).
    """

    class Kind(models.TextChoices):
        STORY = "story", "Story"
        CATEGORY = "category", "Category"
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        SOURCE = "source", "Source"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self):
        return f"{self.kind} {self.object_id} changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"
