"""Request bodies over the limit answer 413 before anything reads them.

Limits: `DATA_UPLOAD_MAX_MEMORY_SIZE` for JSON and form bodies (Django's own setting, applied
when a body is read), and `REQUEST_MAX_UPLOAD_BYTES` for multipart bodies, which carry an image
(core.images caps the image itself). A body sent chunked, without Content-Length, is read
here up to the limit: WSGI servers such as gunicorn pass it on, and Django would otherwise
read it as empty. On /api/ the answer is problem+json; elsewhere the site's 413 page.
"""

import io
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse
from django.shortcuts import render

from core.rest.errors import PROBLEM_MEDIA_TYPE, problem


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def body_limit(request) -> int:
    """The most bytes this request's body may hold."""
    if request.content_type == "multipart/form-data":
        return settings.REQUEST_MAX_UPLOAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large(request, limit: int, size: int | None = None):
    """The 413 answer: problem+json under /api/, the site's page elsewhere."""
    sent = (
        f"The request body is {_megabytes(size)}; " if size else "The request body is too large; "
    )
    detail = f"{sent}the limit is {_megabytes(limit)} ({limit} bytes)."
    if request.path.startswith("/api/"):
        body = problem(413, detail=detail, code="request_too_large", request=request)
        response = HttpResponse(json.dumps(body), status=413, content_type=PROBLEM_MEDIA_TYPE)
    else:
        response = render(request, "413.html", {"detail": detail}, status=413)
    # The client may still be sending; closing tells it to stop rather than wait for a reply.
    response["Connection"] = "close"
    return response


class RequestSizeLimitMiddleware:
    """413 for a body over `body_limit`: by its Content-Length, or by reading a chunked one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large(request, limit, length)
        if not length and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            stream = request.META.get("wsgi.input")
            if stream is not None:
                data = stream.read(limit + 1)
                if len(data) > limit:
                    return too_large(request, limit)
                # Give Django the body it would have dropped, as if Content-Length had come.
                request.META["CONTENT_LENGTH"] = str(len(data))
                request._stream = LimitedStream(io.BytesIO(data), len(data))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return too_large(request, body_limit(request))
        return None
