"""Who has a story's change page open (a soft lock), and each editor's private autosave.

One row per story and user, modelled on Wagtail's editing sessions: the page records it when it
opens and pings it while open; a row not seen within `editorial.presence.PRESENCE_WINDOW` is
ignored, and deleted when it holds no autosave.
"""

from django.conf import settings
from django.db import models


class EditingSession(models.Model):
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(help_text="When this editor opened the story.")
    last_seen_at = models.DateTimeField(help_text="The page's last ping.")
    is_open = models.BooleanField(
        default=True, help_text="False once the page was closed (its autosave is kept)."
    )
    took_over_at = models.DateTimeField(
        null=True, blank=True, help_text="When this editor took over editing from the others."
    )
    taken_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who took over editing from this editor, told on their next ping.",
    )
    taken_over_at = models.DateTimeField(null=True, blank=True)
    autosave = models.JSONField(
        null=True, blank=True, help_text="The change form's fields as posted: name → values."
    )
    autosaved_at = models.DateTimeField(null=True, blank=True)
    autosave_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The story's version the autosaved form was made from."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["story", "user"], name="editorial_one_editing_session_per_story_user"
            )
        ]

    def __str__(self):
        return f"{self.user} on story {self.story_id}"
