"""Query-string filters for the people and organization endpoints."""

import django_filters

from core.rest import DateTimeFilter, IdFilter, StrictFilterSet
from people.models import Organization, Person
from stories.filters import visible_stories


class PersonFilter(StrictFilterSet):
    story = IdFilter(method="filter_story", help_text="Only people involved in this story (id).")
    slug = django_filters.CharFilter(help_text="The person with this slug.")
    updated_since = DateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after this time."
    )

    class Meta:
        model = Person
        fields = ["story", "slug", "updated_since"]

    def filter_story(self, queryset, name, value):
        return queryset.filter(
            story_roles__story_id=value, story_roles__story__in=visible_stories(self.request)
        )


class OrganizationFilter(PersonFilter):
    story = IdFilter(
        method="filter_story", help_text="Only organizations involved in this story (id)."
    )
    slug = django_filters.CharFilter(help_text="The organization with this slug.")
    kind = django_filters.CharFilter(
        lookup_expr="iexact", help_text='Only organizations of this kind, e.g. "Military Command".'
    )

    class Meta:
        model = Organization
        fields = ["story", "slug", "kind", "updated_since"]
