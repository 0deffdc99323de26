"""Readers' follows and their read marks."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Follow(models.Model):
    """A reader follows a story; `last_seen_at` is when they last opened it (the read mark)."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the reader last opened the story; newer items are new to them.",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["reader", "story"], name="follow_unique")]
        indexes = [models.Index(fields=["story"])]

    def __str__(self):
        return f"{self.reader} follows {self.story}"
