"""What the API's views share: conditional GETs, sparse fieldsets, strict ids, record writes."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import File
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags
from django.utils.module_loading import import_string
from rest_framework import permissions, renderers, serializers
from rest_framework.response import Response

from core.caching import public_cache_control
from core.rest.errors import (
    PROBLEM_MEDIA_TYPE,
    PreconditionFailed,
    PreconditionRequired,
    bad_param,
    problem,
    whole_number,
)
from core.rest.rendering import representation_etag


def cache_control_for(request) -> dict:
    """Anonymous reads follow the pages' rule (shared caches keep them briefly); signed-in
    reads may show drafts."""
    if request.user and request.user.is_authenticated:
        return {"private": True, "no_cache": True}
    return public_cache_control()


class ConditionalGetMixin:
    """ETag, Last-Modified and Cache-Control on successful reads; 304 when nothing changed.

    The ETag hashes the representation, so it changes whenever any byte would. A view may set
    `response.last_modified` (an aware datetime) for the Last-Modified header.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            if isinstance(response, Response):
                patch_cache_control(response, no_store=True)
            return response
        if not isinstance(response, Response) or response.status_code != 200:
            return response
        patch_vary_headers(response, ["Accept", "Authorization", "Cookie"])
        patch_cache_control(response, **cache_control_for(request))
        if isinstance(response.accepted_renderer, renderers.BrowsableAPIRenderer):
            return response
        etag = representation_etag(response.data, response.accepted_media_type)
        response["ETag"] = etag
        last_modified = getattr(response, "last_modified", None)
        timestamp = None
        if last_modified is not None:
            timestamp = int(last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        conditional = get_conditional_response(
            request, etag=etag, last_modified=timestamp, response=response
        )
        if conditional.status_code == 412:
            body = problem(
                412,
                detail=PreconditionFailed.default_detail,
                code="precondition_failed",
                request=request,
            )
            return HttpResponse(
                renderers.JSONRenderer().render(body), status=412, content_type=PROBLEM_MEDIA_TYPE
            )
        return conditional


class SparseFieldsMixin:
    """`?fields=a,b` on reads returns only those top-level fields (and always `id`)."""

    fields_param = "fields"

    def sparse_field_names(self) -> list[str]:
        serializer = self.get_serializer_class()(context=self.get_serializer_context())
        return list(serializer.fields)

    def requested_fields(self) -> set[str] | None:
        if hasattr(self, "_requested_fields"):
            return self._requested_fields
        self._requested_fields = None
        raw = self.request.query_params.get(self.fields_param)
        if raw is None or self.request.method not in permissions.SAFE_METHODS:
            return None
        names = [name.strip() for name in raw.split(",") if name.strip()]
        available = self.sparse_field_names()
        unknown = [name for name in names if name not in available]
        if not names or unknown:
            shown = ", ".join(repr(name[:40]) for name in unknown[:5])
            raise bad_param(
                self.fields_param,
                (f"Unknown field(s) {shown}. " if unknown else "Name at least one field. ")
                + f"Choose from: {', '.join(available)}.",
            )
        self._requested_fields = {*names, "id"}
        return self._requested_fields

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.requested_fields()  # a bad ?fields= answers 400 before any query runs

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        wanted = self.requested_fields()
        if wanted is not None:
            target = (
                serializer.child
                if isinstance(serializer, serializers.ListSerializer)
                else serializer
            )
            for name in list(target.fields):
                if name not in wanted:
                    target.fields.pop(name)
        return serializer


def check_if_match(request, current_etag: str) -> None:
    """Raise 428 without If-Match, and 412 when it names none of the current representation's
    tags. Call it with the object's row locked (see RecordWriteMixin), or two writers holding
    the same tag both pass before either writes."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired()
    tags = parse_etags(header)
    if "*" in tags:
        return
    if current_etag not in tags:
        raise PreconditionFailed()


def unchanged(instance, values: dict) -> bool:
    """Whether setting these validated `values` on `instance` would change none of its stored
    fields, so a write can be skipped: no save, no new version or `updated_at`, the same ETag.

    A name that is not a concrete field of the model (a list of citations, a section) counts as
    a change: the write that knows it compares it. A new upload always changes a file field."""
    for name, value in values.items():
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if not field.concrete or field.many_to_many:
            return False
        current = getattr(instance, name)
        if isinstance(field, models.FileField):
            if isinstance(value, File) and not isinstance(value, FieldFile):
                return False
            if (current.name or None) != (getattr(value, "name", value) or None):
                return False
        elif current != value:
            return False
    return True


def _newest(*moments):
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


class ListReadMixin(ConditionalGetMixin, SparseFieldsMixin):
    """What every API viewset shares: conditional GETs, sparse fieldsets, Last-Modified.

    Last-Modified is the newest of the shown objects' own times (`timestamp_fields`, and
    `related_timestamps()` for what they embed) and of the content change log, which also
    records deletions and unpublishing, so a list never looks unmodified after losing an item.
    """

    timestamp_fields = ("updated_at",)
    # Any path segment reaches the view, so a malformed id is a 400 naming it, not a 404.
    lookup_value_regex = "[^/]+"

    def object_id(self) -> int:
        """The id in the URL; a 400 naming `id` when it is not a whole number in range."""
        lookup = self.lookup_url_kwarg or self.lookup_field
        return whole_number(
            self.kwargs.get(lookup, ""),
            name="id",
            message="Enter the object's id: a whole number from 1.",
        )

    def get_object(self):  # ReadMixin's, here so every view's ids are strict
        self.object_id()
        return super().get_object()

    def related_timestamps(self, obj) -> list:
        return []

    def prepare(self, objects) -> None:
        """Hook: attach what the serializer needs to the objects about to be shown."""

    def logged_change_time(self, objects):
        """When readers' content last changed (settings.CONTENT_CHANGED_AT names the function
        that reads it: core knows no product model); views may narrow this to `objects`."""
        return import_string(settings.CONTENT_CHANGED_AT)()

    def last_modified_for(self, objects) -> object:
        moments = [self.logged_change_time(objects)]
        for obj in objects:
            moments += [getattr(obj, name, None) for name in self.timestamp_fields]
            moments += self.related_timestamps(obj)
        return _newest(*moments)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self.prepare(page)
        serializer = self.get_serializer(page, many=True)
        response = self.get_paginated_response(serializer.data)
        response.last_modified = self.last_modified_for(page)
        return response


class ReadMixin(ListReadMixin):
    """ListReadMixin with a detail read (`retrieve`)."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.prepare([instance])
        serializer = self.get_serializer(instance)
        response = Response(serializer.data)
        response.last_modified = self.last_modified_for([instance])
        return response


class RecordWriteMixin:
    """Create, update and delete for a plain record, answering as its detail read would.

    Writes answer with the detail representation and its ETag (and Location on create).
    Updates and deletes require If-Match (428 without it) and are atomic: in one transaction
    the row is locked (`lock_record`), read, checked (`check_change_allowed`, then If-Match
    against the representation read under the lock: 412 when stale), and written. An update
    that changes nothing (`unchanged`) writes nothing and answers the same ETag. Set
    `detail_serializer_class`; override `save_record` / `delete_record` to route writes
    through a service.
    """

    detail_serializer_class: type

    def lock_record(self, pk: int) -> None:
        """Lock the row about to change until the transaction ends (SELECT … FOR UPDATE)."""
        rows = self.get_queryset().model._base_manager.select_for_update().filter(pk=pk)
        list(rows.values_list("pk", flat=True))

    def check_change_allowed(self, instance) -> None:
        """Hook: raise PermissionDenied when the user may not change or delete `instance`."""

    def locked_object(self):
        """The object named in the URL, read after its row is locked, and allowed to change."""
        self.lock_record(self.object_id())
        instance = self.get_object()
        self.check_change_allowed(instance)
        check_if_match(self.request, representation_etag(self.detail_data(instance)))
        return instance

    def detail_data(self, instance) -> dict:
        return self.detail_serializer_class(instance, context=self.get_serializer_context()).data

    def detail_response(self, pk, status_code):
        data = self.detail_data(self.get_queryset().get(pk=pk))
        headers = {"ETag": representation_etag(data)}
        if status_code == 201:
            headers["Location"] = data["api_url"]
        return Response(data, status=status_code, headers=headers)

    def save_record(self, serializer, instance=None):
        return serializer.save()

    def delete_record(self, instance) -> None:
        instance.delete()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.save_record(serializer)
        return self.detail_response(instance.pk, 201)

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            if not unchanged(instance, serializer.validated_data):
                self.save_record(serializer, instance)
        return self.detail_response(instance.pk, 200)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            self.delete_record(self.locked_object())
        return Response(status=204)
