"""The database stopped or frozen under a running gunicorn: 503s that end in time, recovery
without a restart, and liveness that never depends on the database."""

import json
import threading
import time

import pytest

from tests.faults import servers

pytestmark = pytest.mark.fault

STORY = "/stories/us-russia-restore-military-communication-channel/"
API = "/api/v1/stories/"
CONNECT_TIMEOUT = 2
STATEMENT_TIMEOUT_MS = 2000
CLIENT_TIMEOUT = 3
# Where a request can wait at most: a cut round trip on a reused connection, then a new
# connection attempt that times out.
BOUND = CLIENT_TIMEOUT + CONNECT_TIMEOUT + 1.5


@pytest.fixture(scope="module")
def stack(private_postgres, secret_key):
    env = servers.app_env(
        DATABASE_URL=private_postgres.url(),
        SECRET_KEY=secret_key,
        PAGE_CACHE="0",  # every request reaches the database
        DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
        DB_STATEMENT_TIMEOUT_MS=str(STATEMENT_TIMEOUT_MS),
        DB_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT),
        CONN_MAX_AGE="60",
    )
    server = servers.Gunicorn(env, workers=2, threads=4).start()
    try:
        yield private_postgres, server
    finally:
        private_postgres.thaw()
        server.stop()


def _wait_until_ok(base: str, path: str, limit: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        status, *_ = servers.get(base + path, timeout=BOUND + 2)
        if status == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{path} did not recover within {limit} s")


def test_a_stopped_database_is_a_503_with_retry_after_and_recovers_by_itself(stack):
    pg, server = stack
    for path in (STORY, API):
        assert servers.get(server.base + path)[0] == 200
    pg.stop()
    try:
        status, headers, body, seconds = servers.get(server.base + STORY)
        assert status == 503, body[:300]
        assert headers["Retry-After"].isdigit()
        assert b"cannot reach its database" in body
        assert seconds < BOUND

        status, headers, body, _ = servers.get(server.base + API)
        assert status == 503
        assert headers["Content-Type"] == "application/problem+json"
        problem = json.loads(body)
        assert problem["status"] == 503 and problem["code"] == "database_unavailable"
        assert headers["Retry-After"].isdigit()

        assert servers.get(server.base + "/healthz")[0] == 200
        status, headers, body, _ = servers.get(server.base + "/readyz")
        assert status == 503 and json.loads(body)["checks"]["database"]["ok"] is False
    finally:
        pg.start()
    recovered = _wait_until_ok(server.base, STORY)
    assert servers.get(server.base + API)[0] == 200
    assert json.loads(servers.get(server.base + "/readyz")[2])["status"] in ("ok", "degraded")
    print(f"\nstopped database: recovered {recovered:.2f} s after restart, no server restart")
    assert "WORKER TIMEOUT" not in server.output()


def test_a_frozen_database_ends_requests_in_time_and_liveness_keeps_answering(stack):
    pg, server = stack
    _wait_until_ok(server.base, STORY)
    _wait_until_ok(server.base, API)  # both workers hold a live connection, most likely
    results: list[tuple[int, float]] = []

    def read(path):
        status, _, _, seconds = servers.get(server.base + path, timeout=30)
        results.append((status, seconds))

    pg.freeze()
    try:
        readers = [threading.Thread(target=read, args=(STORY if i % 2 else API,)) for i in range(4)]
        for thread in readers:
            thread.start()
        time.sleep(0.5)
        liveness = [servers.get(server.base + "/healthz", timeout=10) for _ in range(5)]
        for thread in readers:
            thread.join(30)
        assert all(status == 200 for status, *_ in liveness)
        slowest_liveness = max(seconds for *_, seconds in liveness)
        assert slowest_liveness < 1.0
        assert len(results) == 4
        assert {status for status, _ in results} == {503}, results
        slowest = max(seconds for _, seconds in results)
        assert slowest < BOUND, results
        status, _, _, seconds = servers.get(server.base + "/readyz", timeout=30)
        assert status == 503 and seconds < BOUND
    finally:
        pg.thaw()
    recovered = _wait_until_ok(server.base, STORY)
    print(
        f"\nfrozen database: 4 reads answered 503 in at most {slowest:.2f} s "
        f"(bound {BOUND:.1f} s), /healthz at most {slowest_liveness * 1000:.0f} ms, "
        f"recovered {recovered:.2f} s after thawing"
    )
    log = server.output()
    assert "WORKER TIMEOUT" not in log
    assert "did not answer within" in log
