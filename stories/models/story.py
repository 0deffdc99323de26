"""The story itself: its states, who may see it (`published()`), and its derived columns."""

import datetime
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from core.dates import (
    Precision,
    format_partial_date,
)
from core.images import ImageField
from core.rich_text import render_markdown
from stories.models.records import Category, Source
from stories.sections import StorySections


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


def public(through: str = "") -> Q:
    """The one visibility rule: published, due, and not in the trash.

    `through` reaches the story across a relation ("story__" from a section), for the
    subqueries that count a row's published stories. `Story.is_public` is its reading of one
    loaded story, and tests/stories/test_visibility.py pins that the two agree in every state.
    """
    return Q(
        **{
            f"{through}status": Story.Status.PUBLISHED,
            f"{through}published_at__lte": timezone.now(),
            f"{through}deleted_at__isnull": True,
        }
    )


class StoryQuerySet(models.QuerySet):
    def published(self):
        """Stories the public may see now (`public()`)."""
        return self.filter(public())

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
        """Annotate each story with its newest timeline event (title, date, precision, label)
        and its newest update note (text, time)."""
        # The sections' models, reached through the story's own relations (their modules
        # import this one).
        events = self.model._meta.get_field("events").related_model
        notes = self.model._meta.get_field("update_notes").related_model
        newest = events.objects.filter(story=OuterRef("pk")).order_by("-date", "-sequence", "-pk")
        newest_note = notes.objects.filter(story=OuterRef("pk")).order_by("-created_at", "-pk")
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
        help_text="The story's web address. Links to an earlier one redirect here.",
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who started the story (the editors' desk lists their drafts).",
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
        self.fill_in_publication_time()
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
        adding = self._state.adding
        super().save(*args, **kwargs)
        old_slug = None if adding else self.__dict__.get("_loaded_slug")
        if old_slug and old_slug != self.slug:
            _record_slug_change(self, old_slug)
        self._loaded_slug = self.slug

    def get_absolute_url(self):
        return reverse("stories:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        story = super().from_db(db, field_names, values)
        story._loaded_slug = story.__dict__.get("slug")  # what save() compares (StorySlug)
        return story

    def fill_in_publication_time(self) -> None:
        """Publishing without a publication time means now (the field's help text): the one
        place that says so, for every way a story is published. Before validation (clean),
        so a form is not refused for the time it was told it may leave empty, and on save."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def clean(self):
        self.fill_in_publication_time()
        if self.hero_image and not self.hero_image_alt:
            raise ValidationError(
                {"hero_image_alt": "Describe the image for readers who cannot see it."}
            )

    @cached_property
    def sections(self) -> StorySections:
        """This story's rows of every section it shows (`story.sections.events`), as the detail
        read loaded them."""
        return StorySections(self)

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
            events, notes = self.sections.events, self.sections.update_notes  # newest first
            newest = events[0] if events else None
            event = newest and LatestUpdate(
                title=newest.title,
                date=newest.date,
                precision=newest.precision,
                label=newest.date_label,
            )
            note = notes[0] if notes else None
            note_text, note_at = (note.text, note.created_at) if note else (None, None)
        if note_at is None:
            return event
        note_day = timezone.localtime(note_at, ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()
        if event is not None and event.date > note_day:
            return event
        return LatestUpdate(title=note_text, date=note_day, precision=Precision.DAY, is_note=True)

    @property
    def is_public(self) -> bool:
        """`public()` read on this story, without a query."""
        return (
            self.status == self.Status.PUBLISHED
            and self.deleted_at is None
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class StorySlug(models.Model):
    """A story's earlier slug: links made before a rename answer a 301 to its current page, and
    the API's `?slug=` finds the story by it."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "earlier slug"

    def __str__(self):
        return self.slug


def _record_slug_change(story: Story, old_slug: str | None) -> None:
    """Keep `old_slug` for `story`; the slug it now has is nobody's earlier one. (A new story
    may take another's earlier slug: its current slug wins wherever both could answer.)"""
    StorySlug.objects.update_or_create(slug=old_slug, defaults={"story": story})
    StorySlug.objects.filter(slug=story.slug).delete()
