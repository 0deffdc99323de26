"""Query-string filters for the timeline event endpoint."""

import django_filters

from core.rest import DateTimeFilter, IdFilter, StrictFilterSet
from timelines.models import TimelineEvent


class EventFilter(StrictFilterSet):
    story = IdFilter(field_name="story_id", help_text="Only events of this story (id).")
    kind = django_filters.MultipleChoiceFilter(
        choices=TimelineEvent.Kind.choices,
        # A column of the event itself: no join, so no duplicates to remove. (django-filter's
        # default DISTINCT made PostgreSQL sort every matching event with its story, 0.3 s
        # at 1.6M events.)
        distinct=False,
        help_text="Only events of these kinds; repeat the parameter for several.",
    )
    date_after = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text="Events dated on or after this day."
    )
    date_before = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text="Events dated on or before this day."
    )
    updated_since = DateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after this time."
    )

    class Meta:
        model = TimelineEvent
        fields = ["story", "kind", "date_after", "date_before", "updated_since"]
