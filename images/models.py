"""One picture, with what readers and the law need to know about it, reused wherever it shows:
a story's hero, a person's portrait, an organization's logo."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.images import ImageField
from images import renditions
from images.uploads import sanitised

_fraction = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class StoredImageField(ImageField):
    """core.images.ImageField whose new files are stored as `images.uploads.sanitised` makes
    them: upright, without metadata, under a safe name."""

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:  # a new upload (FileField.pre_save's own test)
            clean = sanitised(file)
            file.save(clean.name, clean, save=False)
        return super().pre_save(model_instance, add)


class Image(models.Model):
    file = StoredImageField(
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG, GIF or WebP. Sized and cropped for each screen when saved.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt = models.CharField(
        "description",
        max_length=250,
        help_text=(
            "What the picture shows, for readers who cannot see it (alt text). Say what "
            "matters in the story, not \u201cimage of\u201d."
        ),
    )
    caption = models.CharField(
        max_length=300, blank=True, help_text="Shown under the picture, for every reader."
    )
    credit = models.CharField(
        max_length=200,
        help_text='Who made it, as printed: "Photo: Name / Agency", "Illustration: Newsroom".',
    )
    source_url = models.URLField("source", blank=True, help_text="Where it was obtained.")
    licence = models.CharField(
        max_length=120,
        blank=True,
        help_text='Terms of use, e.g. "CC BY 4.0", "Agency subscription", "Own work".',
    )
    focal_x = models.FloatField(
        "focal point, across",
        default=0.5,
        validators=_fraction,
        help_text="0 is the left edge, 1 the right. Crops keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point, down",
        default=0.5,
        validators=_fraction,
        help_text="0 is the top edge, 1 the bottom.",
    )
    # The renditions made of it (images.renditions): [{use, name, width, height, type}], so
    # a read names every size without touching storage or computing a name.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["credit"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self):
        return f"{self.alt[:60]} ({self.credit})" if self.credit else self.alt[:60]

    def save(self, *args, **kwargs):
        """Saved, then its renditions made (those already stored are found, not made again)
        and listed on it. Made here rather than after the commit, so a reader never meets
        the image before its sizes exist; a rollback leaves only unreferenced files."""
        super().save(*args, **kwargs)
        made = renditions.make(self)
        if made != self.renditions:
            self.renditions = made
            Image.objects.filter(pk=self.pk).update(renditions=made)

    def renditions_for(self, use: str) -> list[dict]:
        return renditions.of(self, use)
