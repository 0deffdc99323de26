"""API endpoint for timeline events across stories."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets

from core.caching import cache_api_reads
from core.rest import ReadMixin, RecordWriteMixin
from core.rest.preconditions import guarded_write
from stories.api_examples import EVENT_EXAMPLE, EVENT_WRITE_EXAMPLE
from stories.concurrency import lock_row
from stories.event_filters import EventFilter
from stories.event_serializers import EventSerializer, EventWriteSerializer
from stories.filters import visible_stories
from stories.models import StorySource
from stories.permissions import check_can_change_published
from stories.writes import event_delete, event_write
from timelines.models import TimelineEvent

STORY_LONG_COLUMNS = (
    "overview",
    "overview_html",
    "why_it_matters",
    "why_it_matters_html",
    "search_document",
)


def attach_event_citations(events) -> None:
    """Number each event's cited sources by its story's source list (both prefetched)."""
    for event in events:
        numbered = {
            row.source_id: (n, row.source)
            for n, row in enumerate(event.story.story_sources.all(), start=1)
        }
        event.citations = sorted(
            (numbered[source.pk] for source in event.sources.all() if source.pk in numbered),
            key=lambda citation: citation[0],
        )


@extend_schema_view(
    list=extend_schema(
        summary="List timeline events",
        description="Events of published stories, newest first. Filter by story, kind and "
        "date range to build a timeline across stories.",
        examples=[EVENT_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Read a timeline event",
        description="One event, the story it belongs to and the sources it cites.",
        examples=[EVENT_EXAMPLE],
    ),
    create=extend_schema(
        summary="Add an event to a story",
        description="Needs `timelines.add_timelineevent`, and `stories.publish_story` when "
        "the story is published or scheduled. `cites` are numbers in the story's source list. "
        "The story's ETag changes with it.",
        responses={201: EventSerializer},
        examples=[EVENT_WRITE_EXAMPLE, EVENT_EXAMPLE],
    ),
    update=extend_schema(
        **guarded_write(
            summary="Replace an event",
            description="Needs `timelines.change_timelineevent` (and `stories.publish_story` "
            "for a published or scheduled story, the one it is in and the one it moves to). "
            "If-Match required (428 without it, 412 when stale). The story's ETag and version "
            "change with it, so a story write holding the old one is refused.",
            responses={200: EventSerializer},
            examples=[EVENT_WRITE_EXAMPLE, EVENT_EXAMPLE],
        )
    ),
    partial_update=extend_schema(
        **guarded_write(
            summary="Change an event",
            description="As replace, for the fields given.",
            responses={200: EventSerializer},
            examples=[EVENT_WRITE_EXAMPLE, EVENT_EXAMPLE],
        )
    ),
    destroy=extend_schema(
        **guarded_write(
            summary="Delete an event",
            description="Needs `timelines.delete_timelineevent` (and `stories.publish_story` "
            "for a published or scheduled story); If-Match required.",
            responses={204: OpenApiResponse(description="Deleted. No body.")},
        )
    ),
)
@cache_api_reads
class EventViewSet(RecordWriteMixin, ReadMixin, viewsets.ModelViewSet):
    queryset = TimelineEvent.objects.all()
    filterset_class = EventFilter
    search_fields = ["title", "description"]
    ordering_fields = {"date": "date", "updated_at": "updated_at"}
    ordering = ("-date", "-sequence", "-pk")
    detail_serializer_class = EventSerializer

    def get_queryset(self):
        return (
            TimelineEvent.objects.filter(story__in=visible_stories(self.request))
            .select_related("story")
            # An event names its story (id, slug, headline): not the story's long text columns.
            .defer(*(f"story__{name}" for name in STORY_LONG_COLUMNS))
            .prefetch_related(
                "sources",
                Prefetch(
                    "story__story_sources",
                    queryset=StorySource.objects.select_related("source").order_by(
                        "position", "pk"
                    ),
                ),
            )
        )

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return EventWriteSerializer
        return EventSerializer

    def prepare(self, events) -> None:
        attach_event_citations(events)

    def detail_data(self, event) -> dict:
        attach_event_citations([event])
        return super().detail_data(event)

    def lock_record(self, pk: int) -> None:
        lock_row(TimelineEvent, pk)  # its story's row first, as every story write does

    def check_change_allowed(self, event) -> None:
        check_can_change_published(self.request.user, [event.story])

    def save_record(self, serializer, instance=None):
        if "story" in serializer.validated_data:  # a new event, or one moving to that story
            check_can_change_published(self.request.user, [serializer.validated_data["story"]])
        return event_write(event=instance, data=serializer.validated_data)

    def delete_record(self, event) -> None:
        event_delete(event=event)
