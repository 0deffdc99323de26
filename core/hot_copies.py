"""A worker's own copies of the cached responses it serves most, in front of Redis.

A page-cache hit costs one Redis round trip and unpickling the stored response (core.caching).
Readers crowd onto the few stories in the news, so each worker keeps the responses it served
last in its own memory, under the same key: the key holds the content version, so a copy can
never be stale (a withdrawn story moves the version, and the next request looks for a new
key). A copy also expires when the shared one would (PAGE_CACHE_SECONDS).

Bounded by bytes (`PAGE_CACHE_LOCAL_BYTES`, default 16 MiB per process; 0 turns it off), the
least recently used copy leaving first. Each hit is served a new HttpResponse, so what
middleware adds to one reader's response never reaches the next.
"""

import threading
import time
from collections import OrderedDict

from django.http import HttpResponse


class HotCopies:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._copies: OrderedDict[str, tuple] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> HttpResponse | None:
        if not self.max_bytes:
            return None
        with self._lock:
            kept = self._copies.get(key)
            if kept is None:
                return None
            if kept[0] <= time.monotonic():
                self._drop(key)
                return None
            self._copies.move_to_end(key)
        _, status, headers, content, identity_etag = kept
        response = HttpResponse(content, status=status, headers=headers)
        if identity_etag is not None:
            response.identity_etag = identity_etag
        return response

    def put(self, key: str, response: HttpResponse, seconds: float) -> None:
        size = len(response.content) + len(key)
        if not self.max_bytes or size > self.max_bytes // 8:
            return  # one huge response (a sync page) must not push out the rest
        kept = (
            time.monotonic() + seconds,
            response.status_code,
            dict(response.items()),
            response.content,
            getattr(response, "identity_etag", None),
        )
        with self._lock:
            if key in self._copies:
                self._drop(key)
            self._copies[key] = kept
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._copies)))

    def clear(self) -> None:
        with self._lock:
            self._copies.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        kept = self._copies.pop(key)
        self._bytes -= len(kept[3]) + len(key)
