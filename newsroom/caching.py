"""Whole-response caching for anonymous reads, keyed by the content version.

Every committed change to anything readers see moves the content version on (stories.sync calls
`content_version_bump` once per transaction, after its change log is written), so a cached page
is never served after an edit: not after a person's rename shown on many stories, an unpublish,
or a trash. A scheduled story going live changes nothing in the database, so the version state
also holds the next scheduled publication time and moves on by itself when that time passes.

The state lives in the default cache: Redis when REDIS_URL is set, which every worker shares.
With the local-memory cache each process has its own, which is only right for one process
(`make run`); production with several workers sets REDIS_URL.

A page is stored under its URL together with the version it was built for, and read in the
same round trip as the state (one MGET), so a hit costs one cache call; an entry whose version
is not the current one is a miss.
"""

import functools
import gzip
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.decorators import method_decorator

STATE_KEY = "newsroom:content-state"
PAGE_PREFIX = "newsroom:page"


def _fresh_state() -> dict:
    from stories.models import Story

    next_live = (
        Story.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return {"version": uuid.uuid4().hex[:12], "valid_until": next_live}


def _current_version(state: dict | None) -> str:
    """The content version in `state`, renewed when it is missing or a scheduled story's time
    has come."""
    if state is None or (
        state["valid_until"] is not None and state["valid_until"] <= timezone.now()
    ):
        state = _fresh_state()
        cache.set(STATE_KEY, state, timeout=None)
    return state["version"]


def content_version_bump() -> None:
    """Forget every cached response: called after a content change commits."""
    cache.delete(STATE_KEY)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # signed-in readers and staff see personal pages (Follow, previews)
    return "HTTP_AUTHORIZATION" not in request.META


def cache_anonymous(view=None, *, vary_on_accept: bool = False, gzip_stored: bool = False):
    """Serve anonymous GETs of `view` from the cache, keyed by content version and full URL.

    Only 200 responses that set no cookie are stored. Responses say `Cache-Control: public` with
    a short max-age for anonymous readers, so a CDN or browser revalidates (ETag) soon after.

    With `gzip_stored` (the JSON API), a body of GZIP_MIN_BYTES or more is stored compressed,
    once, and served so to clients that accept gzip (every mobile HTTP stack does); others get
    it decompressed. HTML pages are never compressed here: they can carry a CSRF token, and
    compressing secrets next to reflected input invites BREACH.
    """

    def decorator(view_func):
        @functools.wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not getattr(settings, "PAGE_CACHE", True) or not _cacheable_request(request):
                response = view_func(request, *args, **kwargs)
                if request.user.is_authenticated:
                    patch_cache_control(response, private=True)
                return response
            key = _key(request, vary_on_accept)
            found = cache.get_many([STATE_KEY, key])
            version = _current_version(found.get(STATE_KEY))
            entry = found.get(key)
            if entry is not None and entry[0] == version:
                return _for_client(request, entry[1])
            response = view_func(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies:
                if not response.has_header("Cache-Control"):  # the API sets its own
                    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
                vary = ["Cookie"] + (["Accept"] if vary_on_accept else [])
                patch_vary_headers(response, vary + (["Accept-Encoding"] if gzip_stored else []))

                def store(r):
                    if r.streaming:
                        return  # no bytes to keep
                    # Hashed once here, not by ConditionalGetMiddleware on every hit.
                    if not r.has_header("ETag"):
                        set_response_etag(r)
                    stored = _gzipped(r) if gzip_stored else _bare(r)
                    cache.set(key, (version, stored), settings.PAGE_CACHE_SECONDS)

                if hasattr(response, "render") and callable(response.render):
                    response.add_post_render_callback(store)
                else:
                    store(response)
            return response

        return wrapped

    return decorator(view) if view is not None else decorator


def _bare(response: HttpResponse) -> HttpResponse:
    """The finished bytes and headers only. A DRF Response pickles its `data` too (the whole
    serialized structure, unpickled again on every hit: a 1 MB sync page served at 100 req/s),
    and a TemplateResponse its render state."""
    bare = HttpResponse(response.content, status=response.status_code)
    for header, value in response.items():
        if header != "Content-Length":  # set on the way out, for the bytes actually sent
            bare[header] = value
    return bare


GZIP_MIN_BYTES = 1024
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _gzipped(response: HttpResponse) -> HttpResponse:
    """`_bare`, compressed once when that is worth it. Its ETag becomes weak, as Django's
    GZipMiddleware makes it: the bytes differ from the uncompressed representation's."""
    bare = _bare(response)
    if len(bare.content) < GZIP_MIN_BYTES or bare.has_header("Content-Encoding"):
        return bare
    bare.content = gzip.compress(bare.content, compresslevel=6, mtime=0)
    bare["Content-Encoding"] = "gzip"
    bare.identity_etag = bare.get("ETag")  # for clients served the uncompressed bytes
    if bare.has_header("ETag") and not bare["ETag"].startswith("W/"):
        bare["ETag"] = "W/" + bare["ETag"]
    return bare


def _for_client(request, stored: HttpResponse) -> HttpResponse:
    """A stored response as this client can read it: decompressed for one that does not
    accept gzip."""
    if stored.get("Content-Encoding") != "gzip":
        return stored
    if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        return stored
    plain = _bare(stored)
    plain.content = gzip.decompress(stored.content)
    del plain["Content-Encoding"]
    if getattr(stored, "identity_etag", None):
        plain["ETag"] = stored.identity_etag
    return plain


def _key(request, vary_on_accept: bool) -> str:
    parts = [PAGE_PREFIX, request.method, request.get_full_path()]
    if vary_on_accept:
        parts.append(request.META.get("HTTP_ACCEPT", ""))
    return ":".join(parts)


def cache_api_reads(view_class):
    """Cache a DRF view's anonymous GETs like a page's, per Accept header.

    Applied to `dispatch`, so what is stored is the finished response: rendered, with the
    view's ETag, Last-Modified and Cache-Control. ConditionalGetMiddleware answers a cached
    hit's If-None-Match with a 304. Errors (problem+json) are never stored: only 200s are.
    """
    return method_decorator(
        cache_anonymous(vary_on_accept=True, gzip_stored=True), name="dispatch"
    )(view_class)
