"""Query-string filters for the story, category and source endpoints."""

import django_filters
from django.db.models import Exists, Q

from core.rest import DateTimeFilter, IdFilter, StrictFilterSet
from stories.models import Category, Source, Story, StorySlug


def can_read_drafts(user) -> bool:
    """Staff who may view or change stories read drafts through the API; nobody else does."""
    return bool(
        user
        and user.is_authenticated
        and (user.has_perm("stories.view_story") or user.has_perm("stories.change_story"))
    )


def visible_stories(request):
    """Stories the requesting user may see: drafts too for staff allowed to read them."""
    user = getattr(request, "user", None)
    if user is not None and can_read_drafts(user):
        return Story.objects.all()
    return Story.objects.published()


class StoryFilter(StrictFilterSet):
    category = IdFilter(field_name="category_id", help_text="Only stories in this category (id).")
    person = IdFilter(
        field_name="story_people__person_id",
        help_text="Only stories this person is involved in (id).",
    )
    organization = IdFilter(
        field_name="story_organizations__organization_id",
        help_text="Only stories this organization is involved in (id).",
    )
    slug = django_filters.CharFilter(
        method="filter_slug",
        help_text="The story with this slug, or with it before a rename (from a web link).",
    )
    status = django_filters.ChoiceFilter(
        choices=Story.Status.choices,
        help_text="Staff only: `draft` or `published`. Readers only ever see published stories.",
    )
    updated_since = DateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after this time."
    )
    published_after = DateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Published at or after this time."
    )
    published_before = DateTimeFilter(
        field_name="published_at", lookup_expr="lte", help_text="Published at or before this time."
    )

    def filter_slug(self, queryset, name, value):
        """The story whose slug it is; else the one that had it (StorySlug)."""
        current = Story.all_objects.filter(slug=value)
        renamed = StorySlug.objects.filter(slug=value).values("story_id")
        return queryset.filter(Q(slug=value) | (Q(pk__in=renamed) & ~Exists(current)))

    class Meta:
        model = Story
        fields = [
            "category",
            "person",
            "organization",
            "slug",
            "status",
            "updated_since",
            "published_after",
            "published_before",
        ]


class CategoryFilter(StrictFilterSet):
    slug = django_filters.CharFilter(help_text="The category with this slug.")

    class Meta:
        model = Category
        fields = ["slug"]


class SourceFilter(StrictFilterSet):
    story = IdFilter(method="filter_story", help_text="Only sources this story lists (id).")
    publisher = django_filters.CharFilter(
        lookup_expr="iexact", help_text="Only sources from this publisher (any case)."
    )
    published_on_after = django_filters.DateFilter(
        field_name="published_on", lookup_expr="gte", help_text="Published on or after this date."
    )
    published_on_before = django_filters.DateFilter(
        field_name="published_on", lookup_expr="lte", help_text="Published on or before this date."
    )
    updated_since = DateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after this time."
    )

    class Meta:
        model = Source
        fields = [
            "story",
            "publisher",
            "published_on_after",
            "published_on_before",
            "updated_since",
        ]

    def filter_story(self, queryset, name, value):
        return queryset.filter(
            story_sources__story_id=value,
            story_sources__story__in=visible_stories(self.request),
        )
