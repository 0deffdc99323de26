"""An explainer story and the sections it is built from."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from core.images import ImageField
from core.rich_text import render_markdown
from core.dates import (
    Precision,
    clean_partial_date,
    format_partial_date,
    partial_date_constraint_q,
)

http_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


@dataclass(frozen=True)
class LatestUpdate:
    """The latest-update line, derived from a story's newest timeline event."""

    title: str
    date: datetime.date
    precision: str
    label: str = ""
    is_note: bool = False

    @property
    def date_display(self) -> str:
        return self.label or format_partial_date(self.date, self.precision)


class Category(models.Model):
    name = models.CharField(
        max_length=80, unique=True, help_text='Shown above headlines, e.g. "Rule Changes".'
    )
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in the category page's web address."
    )
    description = models.TextField(
        blank=True, help_text="Optional line shown on the category page."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stories:category", kwargs={"slug": self.slug})


class Source(models.Model):
    """Where a fact came from: a report, a statement, a document. Shared by every story citing it."""

    title = models.CharField(max_length=300, help_text="The title as the publisher gives it.")
    publisher = models.CharField(max_length=150, help_text='Who published it, e.g. "Reuters".')
    authors = models.CharField(
        max_length=300,
        blank=True,
        help_text="Comma-separated names, as credited. Leave empty if uncredited.",
    )
    url = models.URLField(
        "web address",
        max_length=500,
        blank=True,
        validators=[http_url_validator],
        help_text="Link to the original (http or https). Leave empty for print or offline sources.",
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="Date the source was published."
    )
    excerpt = models.TextField(
        blank=True, help_text="Optional short passage that supports the story. Quote sparingly."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [
            models.Index(fields=["publisher"]),
            # The API's source list orderings (each walked backwards for descending order).
            models.Index(fields=["updated_at", "id"], name="source_updated_idx"),
            models.Index(fields=["title", "id"], name="source_title_idx"),
        ]

    def __str__(self):
        return f"{self.publisher}: {self.title}"


class StoryQuerySet(models.QuerySet):
    def published(self):
        """Stories the public may see now: published, due, and not in the trash."""
        return self.filter(
            status=Story.Status.PUBLISHED,
            published_at__lte=timezone.now(),
            deleted_at__isnull=True,
        )

    def scheduled(self):
        """Published stories whose publication time is still to come."""
        return self.filter(
            status=Story.Status.PUBLISHED, published_at__gt=timezone.now(), deleted_at__isnull=True
        )

    def trashed(self):
        """Stories in the trash, restorable until they are purged."""
        return self.filter(deleted_at__isnull=False)

    def not_trashed(self):
        """Stories outside the trash, whatever their status."""
        return self.filter(deleted_at__isnull=True)

    def with_latest_update(self):
        """Annotate each story with its newest timeline event (title, date, precision, label)."""
        from timelines.models import TimelineEvent

        newest = TimelineEvent.objects.filter(story=OuterRef("pk")).order_by(
            "-date", "-sequence", "-pk"
        )
        newest_note = UpdateNote.objects.filter(story=OuterRef("pk")).order_by("-created_at", "-pk")
        return self.annotate(
            latest_event_title=Subquery(newest.values("title")[:1]),
            latest_event_date=Subquery(newest.values("date")[:1]),
            latest_event_precision=Subquery(newest.values("precision")[:1]),
            latest_event_label=Subquery(newest.values("date_label")[:1]),
            latest_note_text=Subquery(newest_note.values("text")[:1]),
            latest_note_at=Subquery(newest_note.values("created_at")[:1]),
        )


# `Story.latest_update_on` for a story with no event or note yet: last in a newest-first order.
# Not NULL, because SQLite cannot index "DESC NULLS LAST".
NO_UPDATE_DAY = datetime.date.min
# Columns of Story computed from its sections (stories.derived); a story's save() leaves them.
DERIVED_FIELDS = frozenset({"latest_update_on", "search_document"})


class StoryManager(models.Manager.from_queryset(StoryQuerySet)):
    """`Story.objects`: stories outside the trash. `Story.all_objects` includes the trash."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished (withdrawn)"

    headline = models.CharField(max_length=200, help_text="The story's title as readers see it.")
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The story's web address. Changing it breaks old links.",
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="stories",
        help_text="Shown above the headline.",
    )
    byline = models.CharField(
        max_length=150, default="Newsroom Staff", help_text='Shown as "By …".'
    )
    dek = models.CharField(
        "summary line",
        max_length=300,
        help_text="One line under the headline that says what the story is about.",
    )
    overview = models.TextField(
        help_text="The story in a few paragraphs. Markdown: **bold**, *italic*, [links](https://…)."
    )
    overview_html = models.TextField(editable=False, default="")
    why_it_matters = models.TextField(
        blank=True, help_text="Why a reader should care, in a paragraph or two. Markdown allowed."
    )
    why_it_matters_html = models.TextField(editable=False, default="")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=(
            "Draft → In review → Published. Only published stories whose publication time has "
            "come are shown to readers; publishing needs an editor."
        ),
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "When the story went, or goes, public. A future time schedules it: readers see it "
            "from that moment. Filled in with now when you publish without one."
        ),
    )
    hero_image = ImageField(
        upload_to="stories/%Y/",
        blank=True,
        width_field="hero_image_width",
        height_field="hero_image_height",
        help_text="Optional image shown at the top and in link previews.",
    )
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_alt = models.CharField(
        "hero image description",
        max_length=250,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Required with an image.",
    )
    sources = models.ManyToManyField(
        Source, through="StorySource", related_name="stories", blank=True
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with every save; guards against overwriting.",
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Derived columns, never typed: kept by stories.derived on every change to what they read.
    latest_update_on = models.DateField(
        default=NO_UPDATE_DAY,
        editable=False,
        help_text=(
            "Day of the latest-update line (newest timeline event or update note, in the "
            "readers' time zone), or 1 Jan of year 1 without either. Orders the Daily Brief "
            "through an index."
        ),
    )
    search_document = SearchVectorField(
        null=True,
        editable=False,
        help_text=(
            "PostgreSQL only: headline, summary, overview, event titles and the names of those "
            "involved, weighted, for ranked reader search through one GIN index."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryManager()
    all_objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "stories"
        # Uniqueness checks, related lookups and serializers must see trashed stories too.
        default_manager_name = "all_objects"
        base_manager_name = "all_objects"
        permissions = [
            ("publish_story", "Can publish or unpublish a story, and change a published one"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="story_published_has_date",
                violation_error_message="A published story needs a publication time.",
            ),
            models.CheckConstraint(condition=~Q(headline=""), name="story_headline_not_empty"),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["-updated_at"]),
            # The Daily Brief's order (stories.selectors.newest_update_first), walked from the
            # top until a page is full, over readable stories only.
            # Published stories per category (category lists and chips) from the index alone.
            models.Index(
                fields=["category", "published_at"],
                name="story_published_category_idx",
                condition=Q(status="published", deleted_at__isnull=True),
            ),
            models.Index(
                F("latest_update_on").desc(),
                F("updated_at").desc(),
                F("id").desc(),
                name="story_newest_update_idx",
                condition=Q(status="published", deleted_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.overview_html = render_markdown(self.overview)
        self.why_it_matters_html = render_markdown(self.why_it_matters)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is None and not self._state.adding and not kwargs.get("force_insert"):
            # The derived columns are written only by stories.derived, from the database's
            # current sections: a copy loaded before an event was added must not overwrite them.
            deferred = self.get_deferred_fields()
            update_fields = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in DERIVED_FIELDS and f.attname not in deferred
            ]
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "overview_html",
                "why_it_matters_html",
                "version",
                "updated_at",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("stories:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.hero_image and not self.hero_image_alt:
            raise ValidationError(
                {"hero_image_alt": "Describe the image for readers who cannot see it."}
            )

    @property
    def latest_update(self) -> "LatestUpdate | None":
        """The newest timeline event or update note, whichever is more recent.

        Reads the annotation (story_list) or the prefetch (story_detail) when there is one. A note
        wins over an event on the same day: it is written after the fact.
        """
        if hasattr(self, "latest_event_title"):
            event = (
                LatestUpdate(
                    title=self.latest_event_title,
                    date=self.latest_event_date,
                    precision=self.latest_event_precision,
                    label=self.latest_event_label or "",
                )
                if self.latest_event_title is not None
                else None
            )
            note_text, note_at = self.latest_note_text, self.latest_note_at
        else:
            newest = self.events.first()  # uses the prefetch cache when there is one
            event = newest and LatestUpdate(
                title=newest.title,
                date=newest.date,
                precision=newest.precision,
                label=newest.date_label,
            )
            note = self.update_notes.first()
            note_text, note_at = (note.text, note.created_at) if note else (None, None)
        if note_at is None:
            return event
        note_day = timezone.localtime(note_at, ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()
        if event is not None and event.date > note_day:
            return event
        return LatestUpdate(title=note_text, date=note_day, precision=Precision.DAY, is_note=True)

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.deleted_at is None
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


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


class ContentChange(models.Model):
    """One change to something readers can see: the log behind the API's offline sync.

    A row says "this object changed (or went away) at this point"; its id is the sync
    position. Rows are written after the change commits (stories.sync records them).
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


# Revision history: a story is saved with every section, so restoring a revision brings back
# rows deleted since (revert with delete=True) and puts the old values back in the others.
STORY_SECTIONS = [
    "indicators",
    "story_people",
    "story_organizations",
    "events",
    "scenarios",
    "historical_contexts",
    "voices",
    "update_notes",
    "story_sources",
]
# The version counter, the trash state and the derived columns are not content: restoring an
# old revision must neither take the counter back (edit-conflict checks rely on it) nor move
# the story in or out of the trash.
NOT_REVISIONED = ("version", "deleted_at", "deleted_by", "latest_update_on", "search_document")
reversion.register(Story, follow=STORY_SECTIONS, exclude=list(NOT_REVISIONED))


@receiver(pre_save, sender=Story, dispatch_uid="story-raw-save-keeps-version")
def _raw_save_keeps_what_revisions_lack(sender, instance, raw=False, **kwargs):
    """A revision restored (a raw save) carries none of NOT_REVISIONED, so it would write their
    defaults: version 1, out of the trash. Keep the stored values, and count the version on."""
    if not raw or instance.pk is None:
        return
    attnames = [Story._meta.get_field(name).attname for name in NOT_REVISIONED]
    stored = Story.all_objects.filter(pk=instance.pk).values(*attnames).first()
    if stored is not None:
        for attname, value in stored.items():
            setattr(instance, attname, value)
        instance.version = stored["version"] + 1


for section_model in (
    StorySource,
    KeyIndicator,
    Scenario,
    HistoricalContext,
    HistoricalVoice,
    UpdateNote,
):
    reversion.register(section_model)
