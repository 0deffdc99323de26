"""Project-wide REST framework pieces, named once in `settings.REST_FRAMEWORK`.

Problem-details errors (RFC 9457, formerly 7807), strict cursor pagination, strict ordering,
the anonymous throttle, conditional GETs (ETag / Last-Modified / 304), sparse fieldsets and
the OpenAPI schema class that documents all of them on every operation.
"""

import datetime as dt
import hashlib
import logging
import math
from http import HTTPStatus

import django_filters
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import exceptions, filters, pagination, permissions, renderers, serializers
from rest_framework.fields import empty
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.utils import html
from rest_framework.utils.urls import replace_query_param

logger = logging.getLogger("newsroom.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
MAX_ID = 2**63 - 1  # the largest BigAutoField value


# Errors ------------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = (
        "The resource changed since you read it: its ETag no longer matches If-Match. "
        "Read it again, reapply your change and retry."
    )
    default_code = "precondition_failed"


def _plain(detail):
    """ErrorDetail trees as plain JSON: lists of row errors become objects keyed by row index."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if detail and all(isinstance(item, dict) for item in detail):
            return {str(row): _plain(item) for row, item in enumerate(detail) if item}
        return [_plain(item) for item in detail]
    return str(detail)


def _codes(detail):
    if isinstance(detail, dict):
        return next((_codes(value) for value in detail.values()), "invalid")
    if isinstance(detail, list):
        return _codes(detail[0]) if detail else "invalid"
    return getattr(detail, "code", None) or "invalid"


def problem(status: int, *, detail: str, code: str, request=None, errors=None) -> dict:
    """An RFC 9457 problem-details body."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.get_full_path() if request is not None else None,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_exception_handler(exc, context):
    """Every error as `application/problem+json`; field errors under `errors`, keyed by name.

    Errors in nested rows are keyed by field, then row index: `{"events": {"2": {"date": [...]}}}`.
    """
    from rest_framework.views import set_rollback  # not at import: DRF's settings import us

    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, ProtectedError):
        names = sorted({str(obj) for obj in exc.protected_objects})[:10]
        exc = Conflict(
            "This cannot be deleted while other content uses it: " + "; ".join(names) + "."
        )
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )

    if not isinstance(exc, exceptions.APIException):
        if settings.DEBUG:
            return None  # Django's debug page
        logger.error("Unhandled error in %s", context.get("view"), exc_info=exc)
        set_rollback()
        body = problem(
            500, detail="Something went wrong on our side.", code="server_error", request=request
        )
        response = Response(body, status=500)
        response._has_been_logged = True
        return response

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(math.ceil(exc.wait))

    if isinstance(exc.detail, dict | list):
        errors = _plain(exc.detail)
        if not isinstance(errors, dict):
            errors = {api_settings.NON_FIELD_ERRORS_KEY: errors}
        names = ", ".join(errors)
        body = problem(
            exc.status_code,
            detail=f"Invalid input: {names}." if names else "Invalid input.",
            code=_codes(exc.detail),
            request=request,
            errors=errors,
        )
    else:
        body = problem(
            exc.status_code,
            detail=str(exc.detail),
            code=getattr(exc.detail, "code", None) or exc.default_code,
            request=request,
        )
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every error response."""

    type = serializers.CharField(help_text='Always "about:blank": `status` and `title` say it all.')
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, for a human.")
    instance = serializers.CharField(
        allow_null=True, help_text="The path and query string that was asked for."
    )
    code = serializers.CharField(
        help_text='A stable machine-readable code: "invalid", "not_found", "not_authenticated", '
        '"permission_denied", "precondition_failed", "throttled", "conflict", …'
    )
    errors = serializers.DictField(
        required=False,
        child=serializers.JSONField(),
        help_text="Present on 400: messages keyed by field or query parameter; errors in rows "
        'of a nested list are keyed by field, then row index (`{"events": {"2": {"date": '
        '["Enter a valid date."]}}}`).',
    )


# Rendering ---------------------------------------------------------------------------------


class JSONRenderer(renderers.JSONRenderer):
    """JSON, with error responses labelled `application/problem+json`."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = PROBLEM_MEDIA_TYPE
        return super().render(data, accepted_media_type, renderer_context)


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def representation_etag(data, media_type: str = "application/json") -> str:
    """A strong ETag for a JSON representation: the same data always gives the same tag."""
    body = renderers.JSONRenderer().render(data)
    digest = hashlib.sha256(media_type.encode() + b"\n" + body).hexdigest()[:32]
    return f'"{digest}"'


# Pagination --------------------------------------------------------------------------------


def _bad_param(name: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({name: [message]})


class CursorPagination(pagination.CursorPagination):
    """Cursor pages: stable while content is added, `page_size` 1–100 (default 20).

    Cursors are signed and tied to the ordering they were made for, so a damaged or
    hand-made cursor answers 400 instead of reaching the database.
    """

    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-pk",)
    cursor_salt = "newsroom.api.cursor"
    cursor_query_description = (
        "Opaque position from the `next` or `previous` link of a page. Do not build it yourself."
    )
    page_size_query_description = "Items per page, 1 to 100. Default 20."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise _bad_param(
                self.page_size_query_param,
                f"Enter a whole number from 1 to {self.max_page_size}.",
            )
        return int(raw)

    def _ordering_key(self) -> str:
        return ",".join(self.ordering)

    def encode_cursor(self, cursor):
        token = signing.dumps(
            [cursor.offset, int(cursor.reverse), cursor.position, self._ordering_key()],
            salt=self.cursor_salt,
            compress=True,
        )
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            offset, reverse, position, ordering = signing.loads(encoded, salt=self.cursor_salt)
            offset = int(offset)
        except (signing.BadSignature, TypeError, ValueError):
            raise _bad_param(
                self.cursor_query_param,
                "This cursor is not valid. Use the `next` or `previous` link of a page.",
            ) from None
        if ordering != self._ordering_key():
            raise _bad_param(
                self.cursor_query_param,
                "This cursor was made for another ordering; start again without a cursor.",
            )
        offset = max(0, min(offset, self.offset_cutoff))
        return pagination.Cursor(offset=offset, reverse=bool(reverse), position=position)

    def get_paginated_response_schema(self, schema):
        example = "https://newsroom.example/api/v1/stories/?cursor=WzAsMCwiMjAyNi0wMi0wNSJd"
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last one.",
                    "example": example,
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page, or null on the first one.",
                    "example": None,
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
                parameter["example"] = 20
        return parameters


# Filtering ---------------------------------------------------------------------------------


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=` with one of the fields a view documents, `-` for descending; else 400.

    Views declare `ordering_fields` as {public name: model field or annotation} and a default
    `ordering` tuple. The primary key breaks ties, so cursors stay stable.
    """

    def allowed(self, view) -> list[str]:
        names = list(getattr(view, "ordering_fields", {}))
        return [value for name in names for value in (name, f"-{name}")]

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return tuple(self.get_default_ordering(view))
        allowed = self.allowed(view)
        if raw not in allowed:
            raise _bad_param(
                self.ordering_param,
                f"Unknown ordering {raw[:50]!r}. Use one of: {', '.join(allowed)}.",
            )
        descending = raw.startswith("-")
        field = view.ordering_fields[raw.lstrip("-")]
        return (f"-{field}", "-pk") if descending else (field, "pk")

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(*self.get_ordering(request, queryset, view))

    def get_schema_operation_parameters(self, view):
        allowed = self.allowed(view)
        if not allowed:
            return []
        default = ",".join(getattr(view, "ordering", ()))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Sort order: one field, `-` in front for descending. Default `{default}`.",
                "schema": {"type": "string", "enum": allowed},
                "example": allowed[1] if len(allowed) > 1 else allowed[0],
            }
        ]


class SearchFilter(filters.SearchFilter):
    """`?search=` words matched, case-insensitively, against the fields a view lists."""

    max_length = 200
    search_description = "Words to look for (all must match), up to 200 characters."

    def get_search_terms(self, request):
        raw = request.query_params.get(self.search_param, "")
        if len(raw) > self.max_length:
            raise _bad_param(self.search_param, f"Search for at most {self.max_length} characters.")
        return super().get_search_terms(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "string", "maxLength": self.max_length}
            parameter["example"] = "treaty"
        return parameters


# Throttling and permissions ----------------------------------------------------------------


class AnonThrottle(AnonRateThrottle):
    """Per-IP limit for anonymous clients; the rate is `API_ANON_THROTTLE_RATE` (env)."""

    def get_rate(self):
        # Read at request time, so the rate follows settings (and test overrides).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ModelPermissionsOrAnonReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writes need Django's add / change / delete permission on the model."""


# Views -------------------------------------------------------------------------------------


def cache_control_for(request) -> dict:
    """Shared caches may keep anonymous reads briefly; signed-in reads may show drafts."""
    if request.user and request.user.is_authenticated:
        return {"private": True, "no_cache": True}
    return {"public": True, "max_age": settings.API_CACHE_MAX_AGE}


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
            raise _bad_param(
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
    """Raise 412 when If-Match is present and names none of the current representation's tags."""
    from django.utils.http import parse_etags

    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = parse_etags(header)
    if "*" in tags:
        return
    if current_etag not in tags:
        raise PreconditionFailed()


# Schema ------------------------------------------------------------------------------------

SPARSE_COMPONENTS: set[str] = set()


class SparseFieldsSerializerMixin:
    """Marks a response serializer whose fields `?fields=` may trim (see the schema hook)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        SPARSE_COMPONENTS.add(cls.__name__.removesuffix("Serializer"))


# Representation helpers --------------------------------------------------------------------


class ImageSerializer(serializers.Serializer):
    """An image: absolute URL and pixel size, with its text alternative where there is one."""

    url = serializers.URLField(help_text="Absolute URL of the image file.")
    width = serializers.IntegerField(allow_null=True, help_text="Width in pixels.")
    height = serializers.IntegerField(allow_null=True, help_text="Height in pixels.")
    alt = serializers.CharField(help_text="Text alternative; empty when the image is decorative.")


def image_data(request, image, width, height, alt: str = "") -> dict | None:
    """The ImageSerializer shape for an ImageField value, or None when there is no image."""
    if not image:
        return None
    url = image.url
    return {
        "url": request.build_absolute_uri(url) if request is not None else url,
        "width": width,
        "height": height,
        "alt": alt,
    }


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# ViewSets ----------------------------------------------------------------------------------


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

    def get_object(self):  # ReadMixin's, here so every view's ids are strict
        lookup = self.lookup_url_kwarg or self.lookup_field
        raw = str(self.kwargs.get(lookup, ""))
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
            raise _bad_param("id", "Enter the object's id: a whole number from 1.")
        return super().get_object()

    def related_timestamps(self, obj) -> list:
        return []

    def prepare(self, objects) -> None:
        """Hook: attach what the serializer needs to the objects about to be shown."""

    def logged_change_time(self, objects):
        """When the content change log last moved; views may narrow this to `objects`."""
        from stories.sync import latest_change_time

        return latest_change_time()

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


# django-filter pieces that refuse bad input instead of ignoring it ---------------------------


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet where a typed parameter given with no value (`?updated_since=`) is an error.

    django-filter ignores empty values, as HTML forms send them; an API client sending one
    has a bug worth hearing about. Free-text filters may still be empty.
    """

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            if isinstance(filter_, django_filters.CharFilter) or name not in self.data:
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            if any(value == "" for value in values):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number from 1; anything else answers 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # The schema: an integer in range, described by the filter's help text.
        extend_schema_field(
            {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_ID,
                "description": kwargs.get("help_text", ""),
            }
        )(self)


class _BoundedIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                # In UTC: PostgreSQL refuses offsets past ±15:59, which ISO 8601 allows.
                value = value.astimezone(dt.UTC)
            except (OverflowError, ValueError):
                raise forms.ValidationError(
                    "Enter a date and time between the years 1 and 9999.", code="invalid"
                ) from None
        return value


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time (`2026-02-05T21:00:00Z`); a date alone means its midnight UTC."""

    field_class = _BoundedIsoDateTimeField


class RecordWriteMixin:
    """Create, update and delete for a plain record, answering as its detail read would.

    Writes answer with the detail representation and its ETag (and Location on create);
    updates and deletes honour If-Match. Set `detail_serializer_class`; override
    `save_record` / `delete_record` to route writes through a service.
    """

    detail_serializer_class: type

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
        instance = self.get_object()
        check_if_match(request, representation_etag(self.detail_data(instance)))
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.save_record(serializer, instance)
        return self.detail_response(instance.pk, 200)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        check_if_match(request, representation_etag(self.detail_data(instance)))
        self.delete_record(instance)
        return Response(status=204)


# Write fields that take JSON at its word ----------------------------------------------------
# REST framework turns 0 into "0" and "7" into 7. The schema promises strings and integers, so
# a JSON body must send exactly those; form data, where every value is text, is read as before.


def _reading_json(field) -> bool:
    from django.http import QueryDict

    return not isinstance(getattr(field.root, "initial_data", None), QueryDict)


class _StringOnly:
    def get_value(self, dictionary):
        # Form data: REST framework reads "" as "not sent" for optional fields; here it stays
        # "", so a blank slug in a multipart PATCH is refused as in JSON.
        value = super().get_value(dictionary)
        if value is empty and html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return value

    def to_internal_value(self, data):
        if not isinstance(data, str) and _reading_json(self):
            self.fail("invalid")
        value = super().to_internal_value(data)
        # Refused here, before validators (a uniqueness check among them) send it to the
        # database: PostgreSQL cannot store NUL, and no database stores a lone surrogate.
        if isinstance(value, str) and not storable_text(value):
            raise serializers.ValidationError(UNSTORABLE_TEXT, code="invalid")
        return value


UNSTORABLE_TEXT = "Null characters and lone surrogates are not allowed."


def storable_text(value: str) -> bool:
    """Whether `value` can be stored as text: no NUL, no lone UTF-16 surrogate."""
    return "\x00" not in value and not any("\ud800" <= c <= "\udfff" for c in value)


class StrictCharField(_StringOnly, serializers.CharField):
    default_error_messages = {"invalid": "Not a valid string."}


class StrictSlugField(_StringOnly, serializers.SlugField):
    pass


class StrictURLField(_StringOnly, serializers.URLField):
    pass


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if _reading_json(self) and (isinstance(data, bool) or not isinstance(data, int | float)):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A reference by slug: a string that could be a slug, else "does not exist", no query."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not storable_text(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        if _reading_json(self) and (isinstance(data, bool) or not isinstance(data, int)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer for writes whose fields refuse JSON values of the wrong type."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.IntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.PositiveBigIntegerField: StrictIntegerField,
    }
    serializer_related_field = StrictPrimaryKeyRelatedField
