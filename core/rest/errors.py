"""Errors as RFC 9457 problem details (`application/problem+json`), and the limits behind them."""

import logging
import math
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.db.outage import database_unavailable

logger = logging.getLogger("newsroom.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
MAX_ID = 2**63 - 1  # the largest BigAutoField value


def bad_param(name: str, message: str) -> exceptions.ValidationError:
    """A 400 naming the query parameter (or field) that is wrong."""
    return exceptions.ValidationError({name: [message]})


def whole_number(raw, *, name: str, maximum: int = MAX_ID, message: str = "") -> int:
    """`raw` (a path segment or query value) as a whole number from 1 to `maximum`, strictly:
    ASCII digits only, so "1.0", " 1", "+1" and "١" are refused. Otherwise a 400 naming `name`."""
    raw = str(raw)
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise bad_param(name, message or f"Enter a whole number from 1 to {maximum}.")
    return int(raw)


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


class PreconditionRequired(exceptions.APIException):
    """428: a write to an existing object came without If-Match (RFC 6585)."""

    status_code = 428
    default_detail = (
        "Send If-Match with the ETag you last read (GET this object first): writes to an "
        "existing object are refused without it, so that nobody overwrites a change they "
        "have not seen. `If-Match: *` overwrites whatever is there."
    )
    default_code = "precondition_required"


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


class DatabaseUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "The database cannot be reached just now. Try again shortly."
    default_code = "database_unavailable"

    def __init__(self, wait: int):
        super().__init__()
        self.wait = wait


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

    if database_unavailable(exc):
        # Logged with its traceback, then a 503 the client may retry (core.faults).
        logger.error("Database unavailable in %s", context.get("view"), exc_info=exc)
        exc = DatabaseUnavailable(wait=settings.DB_UNAVAILABLE_RETRY_AFTER)

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
    if isinstance(exc, DatabaseUnavailable):
        headers["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"

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
        '"permission_denied", "precondition_failed", "precondition_required", "throttled", '
        '"conflict", …'
    )
    errors = serializers.DictField(
        required=False,
        child=serializers.JSONField(),
        help_text="Present on 400: messages keyed by field or query parameter; errors in rows "
        'of a nested list are keyed by field, then row index (`{"events": {"2": {"date": '
        '["Enter a valid date."]}}}`).',
    )
