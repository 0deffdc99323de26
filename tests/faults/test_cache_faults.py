"""Redis stopped under a running gunicorn: zero 5xx, pages served uncached, caching back when
Redis is; edits made during the outage or by another process are never served stale."""

import concurrent.futures
import json
import secrets
import time

import pytest

from tests.faults import servers

pytestmark = pytest.mark.fault

STORY = "/stories/us-russia-restore-military-communication-channel/"
PATHS = ["/", STORY, "/api/v1/stories/", "/api/v1/brief/"]


@pytest.fixture(scope="module")
def database():
    """A private PostgreSQL with the project migrated, the demo story and a staff token."""
    pg = servers.PostgresServer().start()
    try:
        url = pg.create_database("newsroom_cache_faults")
        env = servers.app_env(DATABASE_URL=url, SECRET_KEY=secrets.token_urlsafe(50))
        servers.manage("migrate", "--noinput", env=env)
        servers.manage("load_demo", env=env)
        out = shell(
            env,
            "from django.contrib.auth.models import User; "
            "from rest_framework.authtoken.models import Token; "
            "u = User.objects.create_superuser('cachefault', 'c@example.com', 'x' * 20); "
            "print(Token.objects.create(user=u).key)",
        )
        yield {"url": url, "token": out.split()[-1]}
    finally:
        pg.destroy()


def shell(env: dict, code: str) -> str:
    """`manage.py shell -c` in its own process, as an editor on the server would run it."""
    return servers.manage("shell", "--no-imports", "-c", code, env=env, timeout=60).stdout


def app_env(database, **overrides) -> dict:
    return servers.app_env(
        DATABASE_URL=database["url"],
        SECRET_KEY=secrets.token_urlsafe(50),
        API_ANON_THROTTLE_RATE="1000000/minute",  # one address makes all the load
        LOG_LEVEL="WARNING",
        # What Redis does when it fails: each worker's own copies (core.hot_copies) would
        # keep serving hits through the outage, which is right, but not what is watched here.
        PAGE_CACHE_LOCAL_BYTES="0",
        **overrides,
    )


def story_pk(env) -> str:
    return shell(
        env,
        "from stories.models import Story; "
        "print(Story.objects.get(slug='us-russia-restore-military-communication-channel').pk)",
    ).split()[-1]


def load(base: str, seconds: float, events: list) -> list[tuple[float, str, int, str, float]]:
    """GETs over PATHS from 4 threads for `seconds`, running `events` ((at, action) pairs) on
    the way; (time, path, status, X-Cache, duration) for each request."""
    started = time.monotonic()

    def worker(offset: int):
        rows, n = [], offset
        while time.monotonic() - started < seconds:
            path = PATHS[n % len(PATHS)]
            n += 1
            status, headers, _, took = servers.get(base + path, timeout=5)
            at = time.monotonic() - started
            rows.append((at, path, status, headers.get("X-Cache", ""), took))
        return rows

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(worker, i) for i in range(4)]
        for at, action in events:
            time.sleep(max(0, at - (time.monotonic() - started)))
            action()
        return sorted(row for future in futures for row in future.result())


def _p50(rows) -> str:
    took = sorted(row[4] for row in rows)
    return f"{took[len(took) // 2] * 1000:.1f} ms" if took else "-"


def test_redis_stopped_mid_load_serves_uncached_then_caches_again(database):
    redis = servers.RedisServer().start()
    env = app_env(database, REDIS_URL=redis.url, REDIS_BACKOFF="2")
    server = servers.Gunicorn(env, workers=2).start()
    moments = {}
    try:

        def stop():
            moments["stop"] = time.monotonic()
            redis.stop()

        def restart():
            moments["restart"] = time.monotonic()
            redis.start()

        begun = time.monotonic()
        rows = load(server.base, 9.0, [(2.5, stop), (5.0, restart)])
        stop_at, restart_at = moments["stop"] - begun, moments["restart"] - begun
        errors = [row for row in rows if row[2] >= 500]
        assert not errors, errors[:5]
        assert {row[2] for row in rows} == {200}
        before = [row for row in rows if row[0] < stop_at]
        during = [row for row in rows if stop_at + 0.3 < row[0] < restart_at]
        after = [row for row in rows if row[0] > restart_at]
        assert any(row[3] == "hit" for row in before)
        assert during and all(row[3] == "miss" for row in during)
        first_hit = next(row[0] for row in after if row[3] == "hit")
        output = server.output()
        warnings, recoveries = output.count("unreachable"), output.count("reachable again")
        assert 1 <= warnings <= 2, output[-3000:]  # once per worker process, not per request
        assert recoveries >= 1
        print(
            f"\nRedis stopped mid-load: {len(rows)} requests, {len(errors)} 5xx; "
            f"p50 {_p50([r for r in before if r[3] == 'hit'])} on hits before, "
            f"{_p50(during)} uncached during the outage ({len(during)} requests); "
            f"first hit {first_hit - restart_at:.2f} s after the restart (back-off 2 s); "
            f"{warnings} warning(s) and {recoveries} recovery line(s) logged"
        )
    finally:
        server.stop()
        redis.stop()


def test_a_frozen_redis_costs_one_socket_timeout_then_is_skipped(database):
    redis = servers.RedisServer().start()
    server = servers.Gunicorn(app_env(database, REDIS_URL=redis.url), workers=2).start()
    try:
        for path in PATHS:
            servers.get(server.base + path)
        redis.freeze()  # connections are accepted by the kernel, nothing answers
        answers = [servers.get(server.base + path) for _ in range(5) for path in PATHS]
        assert {a[0] for a in answers} == {200}
        took = sorted(a[3] for a in answers)
        # At most a socket timeout (0.25 s) or two per process, then the back-off skips Redis.
        assert took[-1] < 1.5 and took[len(took) // 2] < 0.25, took
        print(f"\nRedis frozen: {len(answers)} requests, all 200, slowest {took[-1]:.2f} s")
    finally:
        redis.thaw()
        server.stop()
        redis.stop()


def test_edits_while_redis_is_down_are_never_served_stale(database):
    redis = servers.RedisServer().start()
    env = app_env(database, REDIS_URL=redis.url, REDIS_BACKOFF="1")
    server = servers.Gunicorn(env, workers=2).start()
    token = {"Authorization": f"Token {database['token']}"}
    story_id = story_pk(env)
    detail = f"/api/v1/stories/{story_id}/"
    try:
        for _ in range(4):  # both workers hold the old pages, for PAGE_CACHE_SECONDS
            for path in PATHS + [detail]:
                assert servers.get(server.base + path)[0] == 200
        assert servers.get(server.base + STORY)[1]["X-Cache"] == "hit"
        redis.stop()

        # An edit in another process: no cache to reach, nothing lost.
        shell(
            env,
            "from stories.models import Story; "
            f"s = Story.objects.get(pk={story_id}); s.headline = 'Edited in the shell'; s.save()",
        )
        # An edit through the API: 200, not a 500 after the commit.
        status, headers, body, _ = servers.get(server.base + detail, headers=token)
        assert status == 200
        status, body = _patch(server.base + detail, token, headers["ETag"], {"dek": "API dek"})
        assert status == 200, body[:300]

        redis.start()
        time.sleep(1.2)  # past the back-off: the workers use Redis again
        seen = [servers.get(server.base + path) for _ in range(6) for path in (STORY, "/")]
        assert all(r[0] == 200 and b"Edited in the shell" in r[2] for r in seen)
        assert any(r[1].get("X-Cache") == "hit" for r in seen[4:])  # cached again, fresh
        api = [servers.get(server.base + detail) for _ in range(4)]
        assert all(json.loads(r[2])["dek"] == "API dek" for r in api)

        # A story trashed while Redis is down is gone once it is back, not 200 from the cache.
        status, headers, _, _ = servers.get(server.base + detail, headers=token)
        redis.stop()
        status, body = _request(
            "DELETE", server.base + detail, {**token, "If-Match": headers["ETag"]}
        )
        assert status == 204, body[:300]
        redis.start()
        time.sleep(1.2)
        assert all(servers.get(server.base + STORY)[0] == 404 for _ in range(4))
        assert all(servers.get(server.base + detail)[0] == 404 for _ in range(4))
        brief = servers.get(server.base + "/")[2]
        assert b"Edited in the shell" not in brief
    finally:
        server.stop()
        redis.stop()
        shell(
            env,
            "from stories.models import Story; from stories.services import story_restore; "
            f"s = Story.all_objects.get(pk={story_id}); "
            "s.deleted_at and story_restore(story=s, user=None)",
        )


def test_an_edit_from_another_process_reaches_every_worker_without_redis(database):
    env = app_env(database)  # no REDIS_URL: each worker caches in its own memory
    server = servers.Gunicorn(env, workers=2).start()
    story_id = story_pk(env)
    try:
        for _ in range(20):  # enough for both workers to have cached both pages
            for path in (STORY, "/"):
                assert servers.get(server.base + path)[0] == 200
        assert servers.get(server.base + STORY)[1]["X-Cache"] == "hit"
        shell(
            env,
            "from stories.models import Story; "
            f"s = Story.objects.get(pk={story_id}); s.headline = 'Edited by a task'; s.save()",
        )
        seen = [servers.get(server.base + path) for _ in range(20) for path in (STORY, "/")]
        stale = [r for r in seen if b"Edited by a task" not in r[2]]
        assert not stale, f"{len(stale)} of {len(seen)} reads were stale"
        assert sum(r[1].get("X-Cache") == "hit" for r in seen) > len(seen) / 2
    finally:
        server.stop()


def _patch(url: str, headers: dict, etag: str, data: dict):
    return _request(
        "PATCH",
        url,
        {**headers, "If-Match": etag, "Content-Type": "application/json"},
        json.dumps(data).encode(),
    )


def _request(method: str, url: str, headers: dict, data: bytes | None = None):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url, data=data, method=method, headers={"Host": "127.0.0.1", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
