"""What a request gets when a dependency fails: a 503 that says when to come back.

Django calls `server_error` (settings: handler500) for any exception no view handled, inside
the `except` block, so the exception is at hand: a database that cannot be reached or did
not answer in time (`OperationalError`, `InterfaceError`) is a 503 with `Retry-After` —
problem+json on the API, a self-contained page elsewhere — and anything else is the usual
500. Django has already logged the traceback by then (django.request), so the cause is on
record. Nothing here touches the database.
"""

import base64
import hashlib
import json
import re
import sys

from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.defaults import server_error as django_server_error

from core.db.outage import database_unavailable
from core.rest.errors import PROBLEM_MEDIA_TYPE, problem

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _allow_own_styles(response: HttpResponse) -> HttpResponse:
    """Error pages carry their CSS inline (nothing that could fail again): allow exactly that
    CSS, by hash, in the Content-Security-Policy; no nonce is at hand without a request context."""
    hashes = [
        "'sha256-{}'".format(
            base64.b64encode(hashlib.sha256(css.encode()).digest()).decode("ascii")
        )
        for css in _STYLE.findall(response.content.decode())
    ]
    if not hashes:
        return response
    return csp_update({"style-src": hashes})(lambda: response)()


def _wants_problem(request) -> bool:
    return request.path.startswith("/api/")


def service_unavailable(request) -> HttpResponse:
    retry = str(settings.DB_UNAVAILABLE_RETRY_AFTER)
    if _wants_problem(request):
        body = problem(
            503,
            detail=f"The database cannot be reached just now. Try again in {retry} seconds.",
            code="database_unavailable",
            request=request,
        )
        response = HttpResponse(json.dumps(body), status=503, content_type=PROBLEM_MEDIA_TYPE)
    else:
        response = _allow_own_styles(
            HttpResponse(loader.get_template("503.html").render({"retry_after": retry}), status=503)
        )
    response["Retry-After"] = retry
    add_never_cache_headers(response)
    return response


def server_error(request, template_name="500.html"):
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    if _wants_problem(request):
        body = problem(
            500,
            detail="Something went wrong on our side; it has been logged.",
            code="server_error",
            request=request,
        )
        return HttpResponse(json.dumps(body), status=500, content_type=PROBLEM_MEDIA_TYPE)
    return _allow_own_styles(django_server_error(request, template_name))
