"""The parts a story is built from, each in its own table, in page order."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.dates import (
    Precision,
    clean_partial_date,
    format_partial_date,
    partial_date_constraint_q,
)
from stories.models.records import Source
from stories.models.story import Story


class StorySource(models.Model):
    """A source in a story's numbered source list."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="story_sources")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="story_sources")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the source list.")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "source"],
                name="storysource_unique",
                violation_error_message="This source is already listed for the story.",
            )
        ]
        verbose_name = "source"

    def __str__(self):
        return str(self.source)


class KeyIndicator(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="indicators")
    value = models.CharField(
        max_length=20, help_text='The figure as shown, e.g. "1,550", "4+", "300+".'
    )
    label = models.CharField(
        max_length=120, help_text='What the figure counts, e.g. "Warheads per side".'
    )
    explanation = models.CharField(max_length=300, blank=True, help_text="One line of context.")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the page; the first few show on cards."
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="indicators", help_text="Where the figure comes from."
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.value} {self.label}"


class Scenario(models.Model):
    class Status(models.TextChoices):
        DISCUSSED = "discussed", "Discussed"
        UNFOLDING = "unfolding", "Unfolding"
        HAPPENED = "happened", "Happened"
        RULED_OUT = "ruled_out", "Ruled out"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="scenarios")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Shown as the scenario's number."
    )
    title = models.CharField(max_length=200)
    discussed_by = models.CharField(
        max_length=300, blank=True, help_text="Who has put this outcome forward."
    )
    description = models.TextField(help_text="What would happen, and what it would take.")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DISCUSSED,
        help_text="Move it as events unfold, so readers can hold forecasts to account.",
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="scenarios")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class HistoricalContext(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="historical_contexts")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    period_start = models.DateField(help_text="When it began. For a month, enter its first day.")
    period_start_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.MONTH
    )
    period_end = models.DateField(
        null=True, blank=True, help_text="When it ended; empty if it goes on."
    )
    period_end_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.MONTH
    )
    what_happened = models.TextField()
    short_term_outcome = models.TextField(blank=True)
    long_term_outcome = models.TextField(blank=True)
    relevance_today = models.TextField("why it is relevant today", blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "historical context"
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=F("period_start")),
                name="context_period_in_order",
                violation_error_message="The period cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=partial_date_constraint_q("period_start", "period_start_precision"),
                name="context_start_matches_precision",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | partial_date_constraint_q("period_end", "period_end_precision"),
                name="context_end_matches_precision",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        clean_partial_date(self, "period_start", "period_start_precision")
        clean_partial_date(self, "period_end", "period_end_precision")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period cannot end before it starts."})

    @property
    def period_display(self) -> str:
        start = format_partial_date(self.period_start, self.period_start_precision, long=True)
        if self.period_end is None:
            return f"{start} – present"
        end = format_partial_date(self.period_end, self.period_end_precision, long=True)
        return start if start == end else f"{start} – {end}"


class UpdateNote(models.Model):
    """A short public note an editor adds when a published story changes significantly."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="update_notes")
    text = models.CharField(
        max_length=300,
        help_text='One line readers see as the latest update, e.g. "Channel tested for the first time".',
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="updatenote_text_not_empty")
        ]
        indexes = [models.Index(fields=["story", "-created_at"])]

    def __str__(self):
        return self.text


class HistoricalVoice(models.Model):
    """A short, fictional perspective on the story in the voice of a historical figure.

    Shown only to signed-in readers, and always under FICTION_LABEL: the label is part of the
    model, not a field, so no editor can leave it off.
    """

    FICTION_LABEL = "Fictional content for perspective — not real quotes."

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="voices")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the story page.")
    figure = models.CharField(
        "historical figure",
        max_length=150,
        help_text='Who the piece imagines speaking, e.g. "John F. Kennedy".',
    )
    figure_context = models.CharField(
        max_length=200, blank=True, help_text='Who they were, e.g. "U.S. President, 1961–1963".'
    )
    text = models.TextField(
        help_text="Two or three sentences in their imagined voice. Readers always see it labelled as fiction."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "voice from history"
        verbose_name_plural = "voices from history"
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="voice_text_not_empty")]

    def __str__(self):
        return f"{self.figure} on {self.story}"

    @property
    def label(self) -> str:
        return self.FICTION_LABEL
