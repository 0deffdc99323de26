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


# DRF's SimpleRateThrottle on the server, in one round trip: write the hits this process
# counted on its lease (`_Lease`), drop the window's expired hits, and record this one only if
# fewer than the limit remain (a refused request is not counted, as DRF does not). Returns the
# hits in the window before this one, the oldest's time and, when a second key is given, that
# key's value (a cached API read: core.caching), so the read and its count are one command.
_SLIDING_WINDOW = """
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]),
    tonumber(ARGV[3]), ARGV[4]
if #ARGV > 4 then
    redis.call('ZADD', key, unpack(ARGV, 5))
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
    redis.call('ZADD', key, now, member)
    redis.call('PEXPIRE', key, math.ceil(window * 1000))
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
if KEYS[2] then
    return {count, oldest or tostring(now), redis.call('GET', KEYS[2])}
end
return {count, oldest or tostring(now)}
"""


def _window_sha(client) -> str:
    """The script's SHA1, loaded into this client's server once per process (a server that
    restarted forgets it: NoScriptError, and it is loaded again)."""
    sha = _window_shas.get(id(client))
    if sha is None:
        sha = _window_shas[id(client)] = client.script_load(_SLIDING_WINDOW)
    return sha


_window_shas: dict[int, str] = {}


class _Lease:
    """Hits of one client's window this process may count without asking Redis.

    Each time the server answers, the process takes 1/LEASE_SHARE of the room the client has
    left (at most LEASE_MAX hits), and counts that many in memory; their times are written
    with its next script call, at most LEASE_SECONDS later. A client near its limit has no
    room to share, so every request is counted on the server, exactly as DRF does; far from
    it, up to LEASE_SHARE processes sharing a Redis can never let it past the limit.
    """

    __slots__ = ("room", "pending", "until", "count", "oldest")

    def __init__(self, room, until, count, oldest):
        self.room, self.until, self.count, self.oldest = room, until, count, oldest
        self.pending = []  # score, member, score, member, … for ZADD


LEASE_SHARE = 16
LEASE_MAX = 1000
LEASE_SECONDS = 1.0
LEASES_KEPT = 10_000  # clients with a lease in one process; more are counted on the server
_leases: dict[str, _Lease] = {}
_leases_lock = threading.Lock()


def _spend_lease(key, now, member):
    """This hit counted on the process's lease: (count, oldest) as the server would say, or
    None when there is no room left on it (the caller asks the server)."""
    with _leases_lock:
        lease = _leases.get(key)
        if lease is None or lease.room <= 0 or time.monotonic() >= lease.until:
            return None
        lease.room -= 1
        lease.pending += (repr(now), member)
        lease.count += 1
        return lease.count - 1, lease.oldest


def _pending(key) -> list:
    """The hits counted on the lease and not yet written; the lease ends."""
    with _leases_lock:
        lease = _leases.pop(key, None)
    return lease.pending if lease is not None else []


def _renew_lease(key, count, oldest, window, limit) -> None:
    room = min((limit - count - 1) // LEASE_SHARE, LEASE_MAX)
    if room <= 0 or count >= limit:
        return
    until = time.monotonic() + min(LEASE_SECONDS, window / 10)
    with _leases_lock:
        if key not in _leases and len(_leases) >= LEASES_KEPT:
            for stale in [k for k, v in _leases.items() if not v.pending]:
                del _leases[stale]
            if len(_leases) >= LEASES_KEPT:
                return
        lease = _Lease(room, until, count + 1, oldest)
        earlier = _leases.get(key)  # another thread's, renewed meanwhile: keep its hits
        if earlier is not None:
            lease.pending = earlier.pending
        _leases[key] = lease


def _run_window(client, keys, now, window, limit, member):
    pending = _pending(keys[0])
    args = (len(keys), *keys, repr(now), repr(window), limit, member, *pending)
    try:
        reply = client.evalsha(_window_sha(client), *args)
    except NoScriptError:
        _window_shas.pop(id(client), None)
        reply = client.evalsha(_window_sha(client), *args)
    count, oldest = int(reply[0]), float(reply[1])
    _renew_lease(keys[0], count, oldest, window, limit)
    return count, oldest, (reply[2] if len(reply) > 2 else None)


def _window_hit(self, key, *, now: float, window: float, limit: int, member: str):
    key = self.make_and_validate_key(key)
    leased = _spend_lease(key, now, member)
    if leased is not None:
        return leased
    client = self._cache.get_client(key, write=True)
    count, oldest, _ = _run_window(client, (key,), now, window, limit, member)
    return count, oldest


def _get_and_window_hit(self, key, window: dict, default=None):
    """`get(key)` and `window_hit(**window)` in one command (the script reads the key too): a
    cached API read and the throttle's count of it (core.caching). Both keys are on the
    server that takes writes, as `window_hit`'s is."""
    window_key = self.make_and_validate_key(window["key"])
    leased = _spend_lease(window_key, window["now"], window["member"])
    if leased is not None:
        return DjangoRedisCache.get(self, key, default), leased
    key = self.make_and_validate_key(key)
    client = self._cache.get_client(window_key, write=True)
    count, oldest, stored = _run_window(
        client,
        (window_key, key),
        window["now"],
        window["window"],
        window["limit"],
        window["member"],
    )
    value = default if stored is None else self._cache._serializer.loads(stored)
    return value, (count, oldest)


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
