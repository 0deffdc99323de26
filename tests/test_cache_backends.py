"""The cache can fail: Redis down or frozen is a miss, logged once, with a back-off; the
content version it keys on is one indexed query, and an edit needs no cache call at all."""

import logging
import socket
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from core import cache_backends
from core.caching import content_version, hot_copies
from tests.factories import make_story

pytestmark = pytest.mark.django_db

CLOSED_PORT = 7219  # nothing listens here: a Redis that is down


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def story():
    return make_story(headline="Cached headline", people=1, sources=2, events=2)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as if its transaction committed, so its change-log rows are written."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# The content version ---------------------------------------------------------------------


def test_the_version_is_one_query_on_indexes(story, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        content_version()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # With sequential scans priced out, a plan still holding one has no index to use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan and plan.count("Backward") == 3, plan


# Redis: the production backend, and what happens when it is down. -------------------------


def redis_settings(url: str, **options) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache_backends.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, **options},
        }
    }


@pytest.fixture
def redis_cache(settings):
    """The page cache on a real Redis (database 15), as in production; skipped without one."""
    import redis
    from django.core.cache import caches

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).flushdb()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = redis_settings(url)
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture
def redis_down(settings, caplog):
    """The default cache on a Redis port where nothing listens."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", CLOSED_PORT)) == 0:
            pytest.skip(f"something listens on {CLOSED_PORT}")
    cache_backends._outages.clear()
    settings.CACHES = redis_settings(f"redis://127.0.0.1:{CLOSED_PORT}/0")
    caplog.set_level(logging.INFO, logger="newsroom.cache")
    yield caplog
    cache_backends._outages.clear()


def test_redis_hit_is_one_get_and_an_edit_needs_no_cache_call(
    client, story, redis_cache, committed
):
    from redis import Redis

    url = story.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and first.has_header("ETag")
    with mock.patch.object(
        Redis, "execute_command", autospec=True, side_effect=Redis.execute_command
    ) as sent:
        assert "Cached headline" in page(client, url)
        assert [call.args[1] for call in sent.call_args_list] == ["GET"]
        sent.reset_mock()
        with committed():
            story.headline = "Renamed after caching"
            story.save()
        assert sent.call_args_list == []  # nothing to invalidate
    # The browser's copy is out of date too: a full answer, not a 304.
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert "Renamed after caching" in page(client, url)


def test_redis_backend_reuses_one_client_per_pool(redis_cache):
    backend = redis_cache._cache
    assert backend.get_client() is backend.get_client()
    redis_cache.set("k", "v")
    assert redis_cache.get_many(["k", "missing"]) == {"k": "v"}
    pool = backend._get_connection_pool(False)
    assert pool.connection_kwargs["socket_timeout"] == 0.25
    assert pool.connection_kwargs["socket_connect_timeout"] == 0.25


def test_redis_down_serves_every_read_uncached_and_logs_once(client, story, redis_down):
    urls = [story.get_absolute_url(), reverse("stories:home"), f"/api/v1/stories/{story.pk}/"]
    for _ in range(3):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200 and response["X-Cache"] == "miss"
    assert "Cached headline" in response.content.decode()
    warnings = [r for r in redis_down.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()
    # Readiness says degraded, not down: the site serves without its cache.
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "degraded"


def test_redis_down_throttles_and_rate_limits_answer_without_500(client, story, redis_down):
    # DRF's throttle fails open: without its counters every read is allowed.
    for _ in range(3):
        assert client.get("/api/v1/stories/").status_code == 200
    # django-ratelimit fails open (RATELIMIT_FAIL_OPEN): readers still sign in while Redis is
    # down, and guessing stays limited by the account lockout, which the database keeps.
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("reader9", "r9@example.com", "right-pass-for-reader9")
    login = reverse("readers:login")
    response = client.post(login, {"username": "reader9", "password": "right-pass-for-reader9"})
    assert response.status_code == 302, response.status_code
    client.logout()
    statuses = [
        client.post(login, {"username": "reader9", "password": "wrong"}).status_code
        for _ in range(6)
    ]
    assert statuses[:4] == [200] * 4 and statuses[-1] == 429, statuses
    locked = client.post(login, {"username": "reader9", "password": "right-pass-for-reader9"})
    assert locked.status_code == 429


def test_an_edit_while_redis_is_down_commits_and_is_seen(client, story, redis_down, committed):
    url = story.get_absolute_url()
    page(client, url)
    with committed():
        story.headline = "Edited during the outage"
        story.save()
    assert "Edited during the outage" in page(client, url)


def test_the_backend_backs_off_then_recovers(settings, caplog, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    cache_backends._outages.clear()
    backend = cache_backends.RedisCache("redis://127.0.0.1:6390/0", {"OPTIONS": {"BACKOFF": 5}})
    clock = [1000.0]
    monkeypatch.setattr(cache_backends.time, "monotonic", lambda: clock[0])
    calls = []

    def flaky_get(key, default):
        calls.append(key)
        if clock[0] < 1010:
            raise RedisConnectionError("refused")
        return "value"

    monkeypatch.setattr(backend._cache, "get", flaky_get)
    caplog.set_level(logging.INFO, logger="newsroom.cache")
    assert backend.get("k", []) == []  # the caller's default, as for a miss
    clock[0] += 1
    assert backend.get("k") is None and len(calls) == 1  # backing off: Redis not tried
    clock[0] += 5
    assert backend.get("k") is None and len(calls) == 2  # tried again, still down
    clock[0] += 6
    assert backend.get("k") == "value" and backend.available
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]
    cache_backends._outages.clear()


def test_a_command_sent_before_the_outage_does_not_end_it(caplog):
    """Under load, a GET in flight when Redis stopped came back after another thread noted the
    outage; counting it as a recovery made the next failure log the outage again (3 warnings
    from 2 workers in the fault suite)."""
    import time

    from redis.exceptions import ConnectionError as RedisConnectionError

    outage = cache_backends.Outage("redis://127.0.0.1:1")
    sent_before = time.monotonic()
    with caplog.at_level(logging.INFO, logger="newsroom.cache"):
        outage.failed(RedisConnectionError("refused"), backoff=0.0)
        outage.recovered(sent_before)  # the in-flight GET
        outage.failed(RedisConnectionError("refused"), backoff=0.0)
        assert outage.since is not None
        outage.recovered(time.monotonic())  # a GET sent after: Redis is back
    assert outage.since is None
    messages = [r.getMessage() for r in caplog.records]
    assert sum("unreachable" in m for m in messages) == 1
    assert sum("reachable again" in m for m in messages) == 1


# The API throttle on Redis: DRF's sliding window in one round trip. ------------------------


def test_the_api_throttle_on_redis_keeps_drfs_rule_in_one_round_trip(
    client, story, redis_cache, settings, monkeypatch
):
    import redis

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    settings.PAGE_CACHE = False
    url = f"/api/v1/stories/{story.pk}/"
    sent = []
    real = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *a, **k: sent.append(a[0]) or real(self, *a, **k),
    )
    statuses = []
    for _ in range(5):
        sent.clear()
        statuses.append(client.get(url))
        # The view's own reads aside, the throttle sent one script call (loaded once).
        assert [c for c in sent if c not in ("GET", "SET")] in (
            ["EVALSHA"],
            ["SCRIPT LOAD", "EVALSHA"],
        ), sent
    assert [r.status_code for r in statuses] == [200, 200, 200, 429, 429]
    refused = statuses[3]
    assert refused.json()["code"] == "throttled" and 0 < int(refused["Retry-After"]) <= 60
    # As in DRF, a refused request is not counted: the window holds the three allowed.
    members = redis.Redis.from_url("redis://127.0.0.1:6379/15").keys("*throttle_anon_*:window")
    assert len(members) == 1
    assert redis.Redis.from_url("redis://127.0.0.1:6379/15").zcard(members[0]) == 3
    # Another address has its own window.
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_api_throttle_window_slides(redis_cache):
    hits = [
        redis_cache.window_hit("w", now=t, window=10, limit=2, member=str(t)) for t in (0, 1, 2)
    ]
    assert [count for count, _ in hits] == [0, 1, 2]  # the third is refused, not recorded
    assert hits[2][1] == 0.0  # the oldest hit, for Retry-After
    count, oldest = redis_cache.window_hit("w", now=10.5, window=10, limit=2, member="10.5")
    assert (count, oldest) == (1, 1.0)  # the hit at 0 left the window; this one is recorded


def test_a_cached_api_read_and_its_throttle_count_are_one_round_trip(
    client, story, redis_cache, settings, monkeypatch
):
    """The stored response and the throttle's count of the request come back in one script
    call, and the request is counted once, whether it is a hit (from this process's own copy
    or from Redis) or a miss."""
    import redis

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "4/minute"},
    }
    url = f"/api/v1/stories/{story.pk}/"
    trips = []
    real_command, real_pipeline = redis.Redis.execute_command, redis.client.Pipeline.execute
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *a, **k: trips.append(a[0]) or real_command(self, *a, **k),
    )
    monkeypatch.setattr(
        redis.client.Pipeline,
        "execute",
        lambda self, *a, **k: trips.append("PIPELINE") or real_pipeline(self, *a, **k),
    )
    client.get(url)  # a miss: stored
    hot_copies().clear()  # as in another worker: the stored copy is in Redis only
    trips.clear()
    hit = client.get(url)
    assert hit["X-Cache"] == "hit"
    assert trips in (["EVALSHA"], ["SCRIPT LOAD", "EVALSHA"]), trips  # read and counted
    trips.clear()
    hit = client.get(url)  # this process kept a copy: only the count goes to Redis
    assert hit["X-Cache"] == "hit" and trips == ["EVALSHA"], trips
    # 4 a minute: the miss and the two hits counted once each, so one more, then refused.
    statuses = [client.get(url).status_code for _ in range(2)]
    assert statuses == [200, 429]
    window = redis.Redis.from_url("redis://127.0.0.1:6379/15").keys("*throttle_anon_*:window")
    assert redis.Redis.from_url("redis://127.0.0.1:6379/15").zcard(window[0]) == 4


def test_a_cached_api_read_with_redis_down_is_served_uncached(client, story, redis_down):
    url = f"/api/v1/stories/{story.pk}/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]


def test_a_client_far_from_its_limit_is_counted_on_a_lease(redis_cache, monkeypatch):
    """Far from the limit, a process counts 1/LEASE_SHARE of the client's room in memory and
    writes those hits with its next script call; the window holds every one of them."""
    import redis

    monkeypatch.setattr(cache_backends, "_leases", {})
    sent = []
    real = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *a, **k: sent.append(a[0]) or real(self, *a, **k),
    )
    limit, window = 1000, 60
    room = (limit - 1) // cache_backends.LEASE_SHARE  # 62 after the first hit
    hits = [
        redis_cache.window_hit("w", now=t / 100, window=window, limit=limit, member=str(t))
        for t in range(1 + room + 1)
    ]
    assert sent.count("EVALSHA") == 2  # the first hit, then the one after the lease ran out
    assert [count for count, _ in hits] == list(range(len(hits)))
    key = redis_cache.make_and_validate_key("w")
    assert redis.Redis.from_url("redis://127.0.0.1:6379/15").zcard(key) == 1 + room + 1


def test_a_lease_never_lets_a_client_past_its_limit(redis_cache, monkeypatch):
    """Two processes (two lease tables) sharing one window: exactly `limit` hits pass."""
    limit = 200
    tables = [{}, {}]
    allowed = 0
    for t in range(400):
        monkeypatch.setattr(cache_backends, "_leases", tables[t % 2])
        count, _ = redis_cache.window_hit("w", now=t / 100, window=60, limit=limit, member=str(t))
        allowed += count < limit
    for table in tables:  # what each process still holds is written with its next call
        monkeypatch.setattr(cache_backends, "_leases", table)
        redis_cache.window_hit("w", now=4.0, window=60, limit=limit, member="last")
    assert allowed == limit
    import redis

    key = redis_cache.make_and_validate_key("w")
    assert redis.Redis.from_url("redis://127.0.0.1:6379/15").zcard(key) == limit


def test_a_lease_expires_and_its_hits_are_written(redis_cache, monkeypatch):
    monkeypatch.setattr(cache_backends, "_leases", {})
    redis_cache.window_hit("w", now=0, window=60, limit=1000, member="0")
    redis_cache.window_hit("w", now=0.1, window=60, limit=1000, member="0.1")  # on the lease
    lease = next(iter(cache_backends._leases.values()))
    lease.until = 0  # LEASE_SECONDS have passed
    count, _ = redis_cache.window_hit("w", now=2, window=60, limit=1000, member="2")
    assert count == 2  # the leased hit reached the server before this one was counted
