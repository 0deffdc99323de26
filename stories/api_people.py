"""API endpoints for people and organizations."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.parsers import JSONParser, MultiPartParser

from core.caching import cache_api_reads
from core.rest import ReadMixin, RecordWriteMixin
from core.rest.preconditions import guarded_write
from people.models import Organization, Person
from people.serializers import (
    OrganizationDetailSerializer,
    OrganizationSerializer,
    OrganizationWriteSerializer,
    PersonDetailSerializer,
    PersonSerializer,
    PersonWriteSerializer,
)
from stories.api_examples import (
    ORGANIZATION_DETAIL_EXAMPLE,
    ORGANIZATION_EXAMPLE,
    ORGANIZATION_WRITE_EXAMPLE,
    PERSON_DETAIL_EXAMPLE,
    PERSON_EXAMPLE,
    PERSON_WRITE_EXAMPLE,
)
from stories.api_querysets import people_queryset
from stories.filters import can_read_drafts
from stories.people_filters import OrganizationFilter, PersonFilter
from stories.permissions import check_can_change

WRITE_ACTIONS = ("create", "update", "partial_update")


@cache_api_reads
class _InvolvedViewSet(RecordWriteMixin, ReadMixin, viewsets.ModelViewSet):
    parser_classes = [JSONParser, MultiPartParser]
    ordering_fields = {"name": "name", "updated_at": "updated_at"}
    ordering = ("name", "pk")
    list_serializer_class: type
    write_serializer_class: type

    def get_queryset(self):
        # Readers see only people and organizations a published story involves; staff who may
        # read drafts, and every write, see them all.
        reading = self.action in ("list", "retrieve")
        return people_queryset(
            self.queryset.model,
            detail=self.action != "list",
            public_only=reading and not can_read_drafts(self.request.user),
        )

    def check_change_allowed(self, instance) -> None:
        # A name or photo shows on every story naming them: published ones need an editor.
        check_can_change(self.request.user, instance)

    def get_serializer_class(self):
        if self.action == "list":
            return self.list_serializer_class
        if self.action in WRITE_ACTIONS:
            return self.write_serializer_class
        return self.detail_serializer_class


@extend_schema_view(
    list=extend_schema(
        summary="List people",
        description="Everyone stories involve, by name, with their published story count.",
        examples=[PERSON_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Read a person",
        description="With every published story they appear in, and their role and status there.",
        examples=[PERSON_DETAIL_EXAMPLE],
    ),
    create=extend_schema(
        summary="Create a person",
        description="JSON, or multipart form data to upload a photo. Needs `people.add_person`.",
        responses={201: PersonDetailSerializer},
        examples=[PERSON_WRITE_EXAMPLE, PERSON_DETAIL_EXAMPLE],
    ),
    update=extend_schema(
        **guarded_write(
            summary="Replace a person",
            description="Needs `people.change_person`, and `stories.publish_story` while a "
            "published (or scheduled) story involves them: their name shows there. If-Match "
            "required (428 without it, 412 when stale).",
            responses={200: PersonDetailSerializer},
            examples=[PERSON_WRITE_EXAMPLE, PERSON_DETAIL_EXAMPLE],
        )
    ),
    partial_update=extend_schema(
        **guarded_write(
            summary="Change a person",
            description="Needs `people.change_person`, and `stories.publish_story` while a "
            "published (or scheduled) story involves them: their name shows there. If-Match "
            "required (428 without it, 412 when stale).",
            responses={200: PersonDetailSerializer},
            examples=[PERSON_WRITE_EXAMPLE, PERSON_DETAIL_EXAMPLE],
        )
    ),
    destroy=extend_schema(
        **guarded_write(
            summary="Delete a person",
            description="Needs `people.delete_person`; If-Match required. Refused with 409 "
            "while a story involves them.",
            responses={204: OpenApiResponse(description="Deleted. No body.")},
        )
    ),
)
class PersonViewSet(_InvolvedViewSet):
    queryset = Person.objects.all()
    filterset_class = PersonFilter
    search_fields = ["name", "title"]
    list_serializer_class = PersonSerializer
    detail_serializer_class = PersonDetailSerializer
    write_serializer_class = PersonWriteSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List organizations",
        description="Every organization stories involve, by name, with its published story count.",
        examples=[ORGANIZATION_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Read an organization",
        description="With every published story it appears in, and its role and status there.",
        examples=[ORGANIZATION_DETAIL_EXAMPLE],
    ),
    create=extend_schema(
        summary="Create an organization",
        description="JSON, or multipart form data to upload a logo. Needs "
        "`people.add_organization`.",
        responses={201: OrganizationDetailSerializer},
        examples=[ORGANIZATION_WRITE_EXAMPLE, ORGANIZATION_DETAIL_EXAMPLE],
    ),
    update=extend_schema(
        **guarded_write(
            summary="Replace an organization",
            description="Needs `people.change_organization`, and `stories.publish_story` "
            "while a published (or scheduled) story involves it: its name shows there. "
            "If-Match required (428 without it, 412 when stale).",
            responses={200: OrganizationDetailSerializer},
            examples=[ORGANIZATION_WRITE_EXAMPLE, ORGANIZATION_DETAIL_EXAMPLE],
        )
    ),
    partial_update=extend_schema(
        **guarded_write(
            summary="Change an organization",
            description="Needs `people.change_organization`, and `stories.publish_story` "
            "while a published (or scheduled) story involves it: its name shows there. "
            "If-Match required (428 without it, 412 when stale).",
            responses={200: OrganizationDetailSerializer},
            examples=[ORGANIZATION_WRITE_EXAMPLE, ORGANIZATION_DETAIL_EXAMPLE],
        )
    ),
    destroy=extend_schema(
        **guarded_write(
            summary="Delete an organization",
            description="Needs `people.delete_organization`; If-Match required. Refused with "
            "409 while a story involves it.",
            responses={204: OpenApiResponse(description="Deleted. No body.")},
        )
    ),
)
class OrganizationViewSet(_InvolvedViewSet):
    queryset = Organization.objects.all()
    filterset_class = OrganizationFilter
    search_fields = ["name", "kind"]
    list_serializer_class = OrganizationSerializer
    detail_serializer_class = OrganizationDetailSerializer
    write_serializer_class = OrganizationWriteSerializer
