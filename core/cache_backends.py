"""Django's Redis cache, made safe to lose: a Redis error or timeout is a cache miss, never a 500.

A cache is an optimisation, so every operation on it degrades when Redis cannot be reached:
a read finds nothing, a write is dropped, `add` and `delete` report False, and `incr` raises
the ValueError that Django's contract gives for a missing key. Everything that uses the default
cache goes through here: the page cache, DRF's throttles, django-ratelimit's counters and the
readiness probe. What each then does without counters is its own rule (docs/performance.md).

After a failure Redis is left alone for `BACKOFF` seconds (OPTIONS, default 5), so an outage
costs one socket timeout per process every few seconds, not one per request. The first failure
is logged as a warning and the recovery as info, once per process each, not once per request
(`Outage`). Socket timeouts are the OPTIONS `socket_connect_timeout` and `socket_timeout`.

One redis-py client is kept per connection pool: Django's `RedisCacheClient.get_client` builds
a new `redis.Redis` for every call, and its constructor fills a table of ~170 response
callbacks each time, a third of a cached page's cost in a profile. The client is thread-safe
(it borrows a connection from the pool per command), so one per pool does the same job.
"""

import functools
import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import NoScriptError, RedisError

logger = logging.getLogger("newsroom.cache")


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class CacheUnavailable(ValueError):
    """`incr` while Redis is unreachable: a ValueError, as Django raises for a missing key."""


def _unavailable(*args, **kwargs):
    raise CacheUnavailable("The cache is unavailable.")


def _degrades(method, fallback):
    """`method` against Redis unless it is backing off; on a Redis error the outage is noted
    and `fallback` (called with the same arguments) answers instead."""

    @functools.wraps(method)
    def wrapped(self, *args, **kwargs):
        outage = self._outage
        if outage.backing_off():
            return fallback(*args, **kwargs)
        began = time.monotonic()
        try:
            result = method(self, *args, **kwargs)
        except RedisError as error:
            outage.failed(error, self.backoff)
            return fallback(*args, **kwargs)
        if outage.since is not None:
            outage.recovered(began)
        return result

    return wrapped


def _constant(value):
    return lambda *args, **kwargs: value


class Outage:
    """Whether one Redis server is reachable, as this process last saw it.

    Shared by the backend instances of every thread (Django makes one per thread), so an
    outage is logged once per process and waited out by all threads together.
    """

    def __init__(self, server: str):
        # For the log: where, without any password in the URL.
        self.server = ",".join(
            f"{parts.hostname}:{parts.port or 6379}" for parts in map(urlsplit, server.split(","))
        )
        self.since = None  # monotonic time of the first failure of the current outage
        self.until = 0.0  # Redis is not tried again before this monotonic time
        self._lock = threading.Lock()

    def backing_off(self) -> bool:
        return bool(self.until) and time.monotonic() < self.until

    def failed(self, error: RedisError, backoff: float) -> None:
        with self._lock:
            now = time.monotonic()
            first = self.since is None
            if first:
                self.since = now
            self.until = now + backoff
        if first:
            logger.warning(
                "Cache at %s unreachable (%s: %s): serving uncached, trying again every %g s.",
                self.server,
                type(error).__name__,
                error,
                backoff,
            )

    def recovered(self, began: float) -> None:
        """A command that `began` at that monotonic time succeeded. One sent before the
        outage was noted (another thread's, still in flight) proves nothing: counting it ended
        the outage early, and the next failure logged it a second time."""
        with self._lock:
            if self.since is None or began < self.since:
                return
            since, self.since, self.until = self.since, None, 0.0
        if since is not None:
            logger.info(
                "Cache at %s reachable again after %.1f s.", self.server, time.monotonic() - since
            )


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_for(server: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(server, Outage(server))


# DRF's SimpleRateThrottle on the server, in one round trip: drop the window's expired hits,
# and record this one only if fewer than the limit remain (a refused request is not counted,
# as DRF does not). Returns the hits in the window before this one and the oldest's time.
_SLIDING_WINDOW = """
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]),
    tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
    redis.call('ZADD', key, now, member)
    redis.call('PEXPIRE', key, math.ceil(window * 1000))
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
return {count, oldest or tostring(now)}
"""


def _window_args(key, now, window, limit, member):
    return (1, key, repr(now), repr(window), limit, member)


def _window_sha(client) -> str:
    """The script's SHA1, loaded into this client's server once per process (a server that
    restarted forgets it: NoScriptError, and it is loaded again)."""
    sha = _window_shas.get(id(client))
    if sha is None:
        sha = _window_shas[id(client)] = client.script_load(_SLIDING_WINDOW)
    return sha


_window_shas: dict[int, str] = {}


def _window_hit(self, key, *, now: float, window: float, limit: int, member: str):
    key = self.make_and_validate_key(key)
    client = self._cache.get_client(key, write=True)
    args = _window_args(key, now, window, limit, member)
    try:
        count, oldest = client.evalsha(_window_sha(client), *args)
    except NoScriptError:
        _window_shas.pop(id(client), None)
        count, oldest = client.evalsha(_window_sha(client), *args)
    return int(count), float(oldest)


def _get_and_window_hit(self, key, window: dict, default=None):
    """`get(key)` and `window_hit(**window)` in one round trip (a pipeline): a cached API read
    and the throttle's count of it (core.caching)."""
    key = self.make_and_validate_key(key)
    window_key = self.make_and_validate_key(window["key"])
    client = self._cache.get_client(window_key, write=True)
    args = _window_args(
        window_key, window["now"], window["window"], window["limit"], window["member"]
    )
    with client.pipeline(transaction=False) as pipe:
        pipe.get(key)
        pipe.evalsha(_window_sha(client), *args)
        stored, counted = pipe.execute(raise_on_error=False)
    if isinstance(stored, Exception):
        raise stored
    if isinstance(counted, NoScriptError):
        _window_shas.pop(id(client), None)
        counted = client.evalsha(_window_sha(client), *args)
    elif isinstance(counted, Exception):
        raise counted
    value = default if stored is None else self._cache._serializer.loads(stored)
    return value, (int(counted[0]), float(counted[1]))


class RedisCache(DjangoRedisCache):
    """Django's RedisCache with one client per pool, degrading to a miss when Redis fails."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.backoff = float(options.pop("BACKOFF", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self._outage = outage_for(",".join(self._servers))

    @property
    def available(self) -> bool:
        """False from a failure until an operation succeeds again."""
        return self._outage.since is None

    # Every operation of Django's RedisCache; BaseCache builds the rest (get_or_set, decr,
    # incr_version, …) on these. A failed read answers what a miss answers.
    get = _degrades(DjangoRedisCache.get, lambda key, default=None, version=None: default)
    get_many = _degrades(DjangoRedisCache.get_many, _constant({}))
    has_key = _degrades(DjangoRedisCache.has_key, _constant(False))
    add = _degrades(DjangoRedisCache.add, _constant(False))
    set = _degrades(DjangoRedisCache.set, _constant(None))
    set_many = _degrades(DjangoRedisCache.set_many, lambda data, *args, **kwargs: list(data))
    touch = _degrades(DjangoRedisCache.touch, _constant(False))
    incr = _degrades(DjangoRedisCache.incr, _unavailable)
    delete = _degrades(DjangoRedisCache.delete, _constant(False))
    delete_many = _degrades(DjangoRedisCache.delete_many, _constant(None))
    clear = _degrades(DjangoRedisCache.clear, _constant(False))
    # A sliding-window rate counter (core.rest.access.AnonThrottle): (hits in the window before
    # this one, the oldest's time), or None without Redis: no counters, so nothing is refused.
    window_hit = _degrades(_window_hit, _constant(None))
    get_and_window_hit = _degrades(
        _get_and_window_hit, lambda key, window, default=None: (default, None)
    )
