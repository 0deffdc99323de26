"""The records stories cite and file under: categories and sources."""

from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

http_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


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
        # Publisher, title and date: what tells two reports apart in the admin's pickers.
        label = f"{self.publisher}: {self.title}"
        return f"{label} ({self.published_on:%-d %b %Y})" if self.published_on else label
