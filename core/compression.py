"""Compressed API responses for clients that carry no cookie secret.

Django's GZipMiddleware does the compressing. It runs only on /api/ and only for requests
without the session or CSRF cookie: an app authenticated by its token (or an anonymous client)
sends no secret that BREACH could recover by reflecting input next to it, while a browser
signed in by cookie keeps getting identity bodies. Pages stay uncompressed here, as before
(the CDN or nginx in front may compress them).

Conditional requests keep working across codings. GZipMiddleware would turn a strong ETag
weak, and a weak tag never satisfies If-Match (RFC 9110 13.1.1): an app that read a gzipped
story could not then write it. Instead the gzipped variant gets its own strong tag, the
identity tag with `-gzip` inside the quotes (Apache's mod_deflate does the same), and that
suffix is taken off If-Match before a view compares it with the identity tag. If-None-Match
keeps it: this middleware sits below ConditionalGetMiddleware, which so compares the client's
tag with the variant actually sent and answers 304.
"""

import re

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import set_response_etag

API_PREFIX = "/api/"
GZIP_SUFFIX = "-gzip"
_GZIP_TAG = re.compile(r'-gzip"')


def gzip_etag(etag: str) -> str:
    """The strong tag of a representation's gzipped variant; weak tags stay as they are."""
    if etag.startswith('"') and etag.endswith('"') and not etag.endswith(f'{GZIP_SUFFIX}"'):
        return etag[:-1] + GZIP_SUFFIX + '"'
    return etag


def _cookie_authenticated(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or settings.CSRF_COOKIE_NAME in cookies


class ApiGzipMiddleware(GZipMiddleware):
    """GZipMiddleware for /api/ responses to clients without a session or CSRF cookie."""

    def process_request(self, request):
        if not request.path.startswith(API_PREFIX):
            return None
        value = request.META.get("HTTP_IF_MATCH")
        if value and GZIP_SUFFIX in value:
            request.META["HTTP_IF_MATCH"] = _GZIP_TAG.sub('"', value)
            request.__dict__.pop("headers", None)  # HttpRequest.headers is cached from META
        return None

    def process_response(self, request, response):
        if not request.path.startswith(API_PREFIX) or _cookie_authenticated(request):
            return response
        if (
            response.status_code == 200
            and not response.streaming
            and not response.has_header("ETag")
        ):
            # The tag is the identity body's, taken before the gzip (which adds random bytes).
            set_response_etag(response)
        etag = response.get("ETag")
        compressed = super().process_response(request, response)
        if compressed.get("Content-Encoding") == "gzip" and etag and etag.startswith('"'):
            compressed.headers["ETag"] = gzip_etag(etag)
        return compressed
