"""API endpoints for categories and sources, the records stories share."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets

from core.caching import cache_api_reads
from core.rest import ReadMixin, RecordWriteMixin
from core.rest.preconditions import guarded_write
from stories import changes
from stories.api_examples import (
    CATEGORY_EXAMPLE,
    SOURCE_DETAIL_EXAMPLE,
    SOURCE_EXAMPLE,
    SOURCE_WRITE_EXAMPLE,
)
from stories.api_querysets import published_count
from stories.filters import CategoryFilter, SourceFilter, can_read_drafts
from stories.models import Category, Source, Story, StorySource
from stories.permissions import check_can_change
from stories.serializers import (
    CategorySerializer,
    SourceDetailSerializer,
    SourceSerializer,
    SourceWriteSerializer,
)

READ_ACTIONS = ("list", "retrieve")
SOURCE_CHANGE = (
    "Needs `stories.change_source`, and `stories.publish_story` while a published (or "
    "scheduled) story lists or cites it. If-Match required (428 without it, 412 when stale)."
)


@extend_schema_view(
    list=extend_schema(
        summary="List categories",
        description="Every category, with its published story count and a link to its stories.",
        examples=[CATEGORY_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Read a category",
        description="A category, its published story count and the link to list them.",
        examples=[CATEGORY_EXAMPLE],
    ),
)
@cache_api_reads
class CategoryViewSet(ReadMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    search_fields = ["name"]
    ordering_fields = {"name": "name"}
    ordering = ("name", "pk")
    timestamp_fields = ()

    def get_queryset(self):
        return Category.objects.annotate(story_count=published_count(Story, "category"))


@extend_schema_view(
    list=extend_schema(
        summary="List sources",
        description="Sources that stories cite, shared between stories.",
        examples=[SOURCE_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Read a source",
        description="With the published stories that list it.",
        examples=[SOURCE_DETAIL_EXAMPLE],
    ),
    create=extend_schema(
        summary="Create a source",
        description="Needs `stories.add_source`.",
        responses={201: SourceDetailSerializer},
        examples=[SOURCE_WRITE_EXAMPLE, SOURCE_DETAIL_EXAMPLE],
    ),
    update=extend_schema(
        **guarded_write(
            summary="Replace a source",
            description=SOURCE_CHANGE,
            responses={200: SourceDetailSerializer},
            examples=[SOURCE_WRITE_EXAMPLE, SOURCE_DETAIL_EXAMPLE],
        )
    ),
    partial_update=extend_schema(
        **guarded_write(
            summary="Change a source",
            description=SOURCE_CHANGE,
            responses={200: SourceDetailSerializer},
            examples=[SOURCE_WRITE_EXAMPLE, SOURCE_DETAIL_EXAMPLE],
        )
    ),
    destroy=extend_schema(
        **guarded_write(
            summary="Delete a source",
            description="Needs `stories.delete_source` (and `stories.publish_story` while a "
            "published story cites it); If-Match required. Refused with 409 while a story "
            "lists it.",
            responses={204: OpenApiResponse(description="Deleted. No body.")},
        )
    ),
)
@cache_api_reads
class SourceViewSet(RecordWriteMixin, ReadMixin, viewsets.ModelViewSet):
    queryset = Source.objects.all()
    filterset_class = SourceFilter
    search_fields = ["title", "publisher", "authors"]
    ordering_fields = {"updated_at": "updated_at", "title": "title", "publisher": "publisher"}
    ordering = ("-updated_at", "-pk")
    detail_serializer_class = SourceDetailSerializer

    def get_queryset(self):
        public_only = self.action in READ_ACTIONS and not can_read_drafts(self.request.user)
        sources = (
            changes.public_records(changes.Kind.SOURCE) if public_only else Source.objects.all()
        )
        sources = sources.annotate(story_count=published_count(StorySource, "source"))
        if self.action == "list":
            return sources
        return sources.prefetch_related(
            Prefetch(
                "stories",
                queryset=Story.objects.published().order_by("-updated_at", "-pk"),
                to_attr="published_stories",
            )
        )

    def check_change_allowed(self, instance) -> None:
        # Its title and link show on every story listing or citing it.
        check_can_change(self.request.user, instance)

    def get_serializer_class(self):
        if self.action == "list":
            return SourceSerializer
        if self.action in ("create", "update", "partial_update"):
            return SourceWriteSerializer
        return SourceDetailSerializer
