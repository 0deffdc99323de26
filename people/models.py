"""People and organizations, one record each, shared by every story they appear in."""

import reversion
from django.db import models
from django.urls import reverse

from core.images import ImageField


def initials(name: str) -> str:
    """Up to two capital initials for an avatar: "Alexus G. Grynkewich" -> "AG"."""
    words = [w for w in name.replace(".", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    picked = [words[0], words[-1]] if len(words) > 1 else words
    return "".join(w[0].upper() for w in picked)


class Person(models.Model):
    name = models.CharField(max_length=150, help_text="Full name as readers know it.")
    slug = models.SlugField(
        max_length=150, unique=True, help_text="Used in the person's web address."
    )
    photo = ImageField(
        upload_to="people/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text="Square portrait. Without one, readers see the person's initials.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    title = models.CharField(
        "current title",
        max_length=250,
        blank=True,
        help_text='Current office or role, e.g. "Chief of the General Staff".',
    )
    bio = models.TextField(
        "short bio", blank=True, help_text="Two or three sentences on who they are."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        # What tells two people of one name apart in the admin's pickers and lists.
        return f"{self.name} — {self.title}" if self.title else self.name

    def get_absolute_url(self):
        return reverse("people:person", kwargs={"slug": self.slug})

    @property
    def initials(self) -> str:
        return initials(self.name)


class Organization(models.Model):
    name = models.CharField(
        max_length=200, help_text='Full name, e.g. "United States European Command".'
    )
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Used in the organization's web address."
    )
    logo = ImageField(
        upload_to="organizations/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        help_text="Square logo. Without one, readers see the organization's initials.",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    kind = models.CharField(
        max_length=120,
        blank=True,
        help_text='What sort of body it is, e.g. "Unified Combatant Command".',
    )
    description = models.TextField(blank=True, help_text="What it does, in two or three sentences.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["kind"])]

    def __str__(self):
        return f"{self.name} ({self.kind})" if self.kind else self.name

    def get_absolute_url(self):
        return reverse("people:organization", kwargs={"slug": self.slug})

    @property
    def initials(self) -> str:
        return initials(self.name)


class StoryPerson(models.Model):
    """A person's part in one story: their role and status there."""

    story = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, related_name="story_people"
    )
    # Indexed with the story, below: related stories walk a person's newest stories.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="story_roles", db_index=False
    )
    role = models.CharField(max_length=250, blank=True, help_text="Their part in this story.")
    status = models.CharField(
        max_length=250, blank=True, help_text='Where they stand now, e.g. "Active duty".'
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the story page.")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "person involved"
        verbose_name_plural = "people involved"
        constraints = [
            models.UniqueConstraint(
                fields=["story", "person"],
                name="storyperson_unique",
                violation_error_message="This person is already involved in the story.",
            )
        ]
        indexes = [models.Index(fields=["person", "story"], name="storyperson_person_story_idx")]

    def __str__(self):
        return f"{self.person} in {self.story}"


class StoryOrganization(models.Model):
    """An organization's part in one story: its status there."""

    story = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, related_name="story_organizations"
    )
    # Indexed with the story, below: related stories walk an organization's newest stories.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="story_roles", db_index=False
    )
    role = models.CharField(max_length=250, blank=True, help_text="Its part in this story.")
    status = models.CharField(
        max_length=300, blank=True, help_text="Where it stands now in this story."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the story page.")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "organization involved"
        verbose_name_plural = "organizations involved"
        constraints = [
            models.UniqueConstraint(
                fields=["story", "organization"],
                name="storyorganization_unique",
                violation_error_message="This organization is already involved in the story.",
            )
        ]
        indexes = [models.Index(fields=["organization", "story"], name="storyorg_org_story_idx")]

    def __str__(self):
        return f"{self.organization} in {self.story}"


reversion.register(StoryPerson)
reversion.register(StoryOrganization)
