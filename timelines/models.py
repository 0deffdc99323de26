"""A story's timeline: dated events, newest first."""

import reversion
from django.db import models
from django.db.models import Q

from core.dates import (
    Precision,
    clean_partial_date,
    format_partial_date,
    partial_date_constraint_q,
)


class TimelineEvent(models.Model):
    class Kind(models.TextChoices):
        DIPLOMATIC = "diplomatic", "Diplomatic"
        INCIDENT = "incident", "Incident"
        TREATY = "treaty", "Treaty"
        MILITARY = "military", "Military"
        POLITICAL = "political", "Political"
        ECONOMIC = "economic", "Economic"
        OTHER = "other", "Other"

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="events")
    date = models.DateField(
        help_text="Orders the timeline. For a month or a year, enter its first day and set the precision."
    )
    precision = models.CharField(
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="How exactly the date is known: shown as 5 Feb 2026, Feb 2026 or 2026.",
    )
    date_label = models.CharField(
        "date shown as",
        max_length=40,
        blank=True,
        help_text='Optional wording for a vague date, e.g. "Autumn 2021". The date still orders the event.',
    )
    sequence = models.PositiveSmallIntegerField(
        "order within the day",
        default=0,
        help_text="Among events on the same date, the higher number happened later.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What happened, in two or three sentences.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    sources = models.ManyToManyField("stories.Source", blank=True, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-sequence", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=partial_date_constraint_q("date", "precision"),
                name="event_date_matches_precision",
                violation_error_message="The date contradicts its precision.",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="event_title_not_empty"),
        ]
        indexes = [
            models.Index(fields=["story", "-date", "-sequence"]),
            # The API's events of a kind, newest first (?kind=…&date_after=…).
            models.Index(
                fields=["kind", "-date", "-sequence", "-id"], name="event_kind_newest_idx"
            ),
            models.Index(fields=["date"]),
        ]

    def __str__(self):
        return f"{self.date_display}: {self.title}"

    def clean(self):
        clean_partial_date(self, "date", "precision")

    @property
    def date_display(self) -> str:
        return self.date_label or format_partial_date(self.date, self.precision)


reversion.register(TimelineEvent)
