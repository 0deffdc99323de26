"""Whole-response caching for anonymous reads, keyed by the content version in the database.

The version (`content_version`, computed by the function settings.CONTENT_VERSION names:
stories.versions) is the newest row of the content change log, which every committed change
to anything readers see writes, and the newest publication time already passed, which moves
by itself when a scheduled story comes out. It is read from the database in one query of
index probes, or on PostgreSQL kept in each process until the change log's NOTIFY or the next
scheduled publication moves it (core.db.listen). A stored response is
found under that version, so an edit made by any process (a second worker, `manage.py`, a
task worker) is never served stale, and no edit has to reach the cache: there is nothing to
invalidate, and nothing is lost when Redis is unreachable while an edit commits.

The cache holds only finished bytes, under (version, scheme, host, method, full path[, Accept]):
a hit costs one cache GET (and that query where the version is not kept). A cache that fails
is a miss (cache_backends).

Anonymous pages and API reads share one Cache-Control rule (`public_cache_control`); an API
hit is still counted by the view's own throttles (`cache_api_reads`).
"""

import functools
import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.module_loading import import_string
from rest_framework.exceptions import APIException

from core.compression import gzip_etag
from core.hot_copies import HotCopies

PAGE_PREFIX = "newsroom:page"
_NONCE = b' nonce="'
# Where a cached API read leaves the throttle's count of it, on Django's request.
COUNTED = "_newsroom_throttle_counted"


def hot_copies() -> HotCopies:
    """This process's copies of the responses it served last (core.hot_copies)."""
    global _hot
    size = settings.PAGE_CACHE_LOCAL_BYTES
    if _hot is None or _hot.max_bytes != size:
        _hot = HotCopies(size)
    return _hot


_hot = None


def content_version() -> str:
    """What readers' content is at now: the CONTENT_VERSION function's answer (one query)."""
    return _content_version()()


@functools.cache
def _content_version():
    return import_string(settings.CONTENT_VERSION)


def public_cache_control() -> dict:
    """Cache-Control of every anonymous page and API read (patch_cache_control's arguments).

    Browsers revalidate each time (max-age=0: a 304 when the ETag still matches); a shared
    cache may keep it PAGE_CACHE_SHARED_MAX_AGE seconds and serve it for
    PAGE_CACHE_STALE_WHILE_REVALIDATE more while it fetches a fresh copy, so a withdrawn story
    leaves an unpurged CDN within their sum.
    """
    return {
        "public": True,
        "max_age": 0,
        "s_maxage": settings.PAGE_CACHE_SHARED_MAX_AGE,
        "stale_while_revalidate": settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
    }


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # signed-in readers and staff see personal pages (Follow, previews)
    return "HTTP_AUTHORIZATION" not in request.META


def _shareable(response) -> bool:
    return response.status_code == 200 and not response.cookies


def _mark(request, response, *, cacheable: bool) -> None:
    """Anonymous successes are public (the one rule); anything personal is private."""
    if request.method not in ("GET", "HEAD"):
        return
    if cacheable and _shareable(response):
        if not response.has_header("Cache-Control"):  # the API sets the same rule itself
            patch_cache_control(response, **public_cache_control())
    elif not cacheable or response.cookies:
        patch_cache_control(response, private=True)


def _serve(request, build, *, vary_on_accept: bool, gzip_stored: bool, before_hit=None, read=None):
    """`build()`'s response, or the stored copy of it for this content version and URL: this
    process's own copy (`hot_copies`), else the shared cache's (`read.read(key)` finds it,
    `cache.get` unless given; `read.count()` counts a hit served from the own copy)."""
    cacheable = _cacheable_request(request)
    if not getattr(settings, "PAGE_CACHE", True) or not cacheable:
        response = build()
        _mark(request, response, cacheable=cacheable)
        return response
    key = _key(request, vary_on_accept)
    hot = hot_copies()
    stored = hot.get(key)
    if stored is not None:
        if read is not None:
            read.count()
    else:
        stored = read.read(key) if read is not None else cache.get(key)
        if stored is not None:
            hot.put(key, stored, settings.PAGE_CACHE_SECONDS)
    if stored is not None:
        refusal = before_hit() if before_hit is not None else None
        if refusal is not None:
            return refusal
        response = _for_client(request, stored)
        response["X-Cache"] = "hit"
        return response
    response = build()
    _mark(request, response, cacheable=True)
    response["X-Cache"] = "miss"
    if _shareable(response):
        vary = ["Cookie"] + (["Accept"] if vary_on_accept else [])
        patch_vary_headers(response, vary + (["Accept-Encoding"] if gzip_stored else []))

        def store(r):
            if r.streaming:
                return  # no bytes to keep
            if _NONCE in r.content:
                # A page that used this request's CSP nonce (the browsable API's): served
                # again, its nonce would not be the new response's, and the browser would
                # block its scripts and styles.
                return
            # Hashed once here, not by ConditionalGetMiddleware on every hit.
            if not r.has_header("ETag"):
                set_response_etag(r)
            kept = _gzipped(r) if gzip_stored else _bare(r)
            cache.set(key, kept, settings.PAGE_CACHE_SECONDS)

        if hasattr(response, "render") and callable(response.render):
            response.add_post_render_callback(store)
        else:
            store(response)
    return response


def cache_anonymous(view=None, *, vary_on_accept: bool = False, gzip_stored: bool = False):
    """Serve anonymous GETs of `view` from the cache, keyed by content version and full URL.

    Only 200 responses that set no cookie are stored, and only those are public
    (`public_cache_control`); responses for signed-in readers are private.

    With `gzip_stored` (the JSON API), a body of GZIP_MIN_BYTES or more is stored compressed,
    once, and served so to clients that accept gzip (every mobile HTTP stack does); others get
    it decompressed. HTML pages are never compressed here: they can carry a CSRF token, and
    compressing secrets next to reflected input invites BREACH.
    """

    def decorator(view_func):
        @functools.wraps(view_func)
        def wrapped(request, *args, **kwargs):
            return _serve(
                request,
                lambda: view_func(request, *args, **kwargs),
                vary_on_accept=vary_on_accept,
                gzip_stored=gzip_stored,
            )

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
    """`_bare`, compressed once when that is worth it. Its ETag becomes the gzipped variant's
    (core.compression.gzip_etag): the bytes differ from the uncompressed representation's."""
    bare = _bare(response)
    if len(bare.content) < GZIP_MIN_BYTES or bare.has_header("Content-Encoding"):
        return bare
    bare.content = gzip.compress(bare.content, compresslevel=6, mtime=0)
    bare["Content-Encoding"] = "gzip"
    bare.identity_etag = bare.get("ETag")  # for clients served the uncompressed bytes
    if bare.has_header("ETag"):
        bare["ETag"] = gzip_etag(bare["ETag"])
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
    version = hashlib.blake2b(content_version().encode(), digest_size=8).hexdigest()
    parts = [
        PAGE_PREFIX,
        version,
        request.scheme,
        request.get_host(),
        request.method,
        request.get_full_path(),
    ]
    if vary_on_accept:
        parts.append(request.META.get("HTTP_ACCEPT", ""))
    return ":".join(parts)


def _throttle_refusal(view, request, args, kwargs):
    """The view's own 429 when its throttles refuse this request, else None: a stored answer
    must not let a client past the limit the view would have applied. A request the read of
    the stored answer counted and its throttle allowed (`_CountingRead`) is let through
    without building DRF's request for it."""
    counted = getattr(request, COUNTED, None)
    if counted is not None and counted[2]:
        return None
    drf_request = view.initialize_request(request, *args, **kwargs)
    view.args, view.kwargs, view.request = args, kwargs, drf_request
    view.headers = view.default_response_headers
    try:
        view.check_throttles(drf_request)
    except APIException as exc:
        response = view.handle_exception(exc)
        return view.finalize_response(drf_request, response, *args, **kwargs)
    return None


class _CountingRead:
    """A read of the stored response that also counts the request in the view's throttle, in
    the same Redis round trip (core.cache_backends.get_and_window_hit): the throttle then
    uses that count (core.rest.access), on a hit as on a miss, so each request counts once.
    A hit served from this process's own copy is counted alone (`count`). Both are plain
    reads unless the view's only throttle counts a window on Redis
    (core.rest.access.AnonThrottle.window). Used only for cacheable (anonymous) requests."""

    def __init__(self, view, request):
        self.view, self.request = view, request

    def _window(self):
        if not hasattr(cache, "get_and_window_hit"):
            return None, None
        throttles = self.view.get_throttles()
        window_of = getattr(throttles[0], "window", None) if len(throttles) == 1 else None
        return (window_of(self.request) if window_of is not None else None), throttles

    def _keep(self, window, throttles, counted) -> None:
        allowed = throttles[0].allows(counted)
        setattr(self.request, COUNTED, (window["now"], counted, allowed))

    def read(self, key):
        window, throttles = self._window()
        if window is None:
            return cache.get(key)
        stored, counted = cache.get_and_window_hit(key, window)
        self._keep(window, throttles, counted)
        return stored

    def count(self) -> None:
        window, throttles = self._window()
        if window is not None:
            self._keep(window, throttles, cache.window_hit(**window))


def cache_api_reads(view_class):
    """Cache a DRF view's anonymous GETs like a page's, per Accept header.

    Wraps `dispatch`, so what is stored is the finished response: rendered, with the view's
    ETag, Last-Modified and Cache-Control. ConditionalGetMiddleware answers a cached hit's
    If-None-Match with a 304. Errors (problem+json) are never stored: only 200s are. Before a
    hit is served, the view's throttle classes count it (and refuse it) as DRF would.
    """
    dispatch = view_class.dispatch

    @functools.wraps(dispatch)
    def cached_dispatch(self, request, *args, **kwargs):
        return _serve(
            request,
            lambda: dispatch(self, request, *args, **kwargs),
            vary_on_accept=True,
            gzip_stored=True,
            before_hit=lambda: _throttle_refusal(self, request, args, kwargs),
            read=_CountingRead(self, request),
        )

    view_class.dispatch = cached_dispatch
    return view_class
