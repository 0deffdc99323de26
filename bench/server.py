"""The benchmark's database and server: settings, `manage.py`, gunicorn started and stopped.

Shared by bench/run.py and its helpers; configured by the BENCH_* environment (see run.py).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench")
STORIES = int(os.environ.get("BENCH_STORIES", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS = 2
# Apps' HTTP stacks (OkHttp, URLSession) ask for gzip; the API's cached reads are stored so.
API_HEADERS = ("Accept-Encoding: gzip",)
COUNT_TIMEOUT = 60  # seconds for one in-process request when counting queries
# A request slower than this fails (500, counted as non-2xx) instead of being killed by
# gunicorn's 30 s worker timeout and leaving its query running in PostgreSQL.
STATEMENT_TIMEOUT_MS = "20000"
DEMO = "us-russia-restore-military-communication-channel"

ENV = {
    **os.environ,
    "DATABASE_URL": DB_URL,
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    # Anonymous API throttling would turn a benchmark into a 429 test.
    "API_ANON_THROTTLE_RATE": "1000000000/second",
    "LOG_LEVEL": "ERROR",
    # Two workers share one cache, as in production; each process's memory would not do.
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1"),
}


def say(text: str) -> None:
    print(text, flush=True)


def manage(*args: str, env: dict | None = None, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env or ENV,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def ensure_database() -> None:
    name = DB_URL.rsplit("/", 1)[1]
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
        stderr=subprocess.DEVNULL,
        check=False,
    )
    manage("migrate", "--noinput", "-v0")
    manage("load_demo")
    started = time.monotonic()
    manage("generate_content", "--stories", str(STORIES))
    say(f"content ready ({time.monotonic() - started:.0f}s for generation, 0 when already there)")
    # Fresh statistics: a planner that still sees the empty tables of the migration picks
    # sequential scans, and the first run after generation measures those. VACUUM too: it
    # sets the visibility map that lets index-only scans skip the heap, as autovacuum would
    # have done long before an archive of this size served readers.
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-qc", "VACUUM ANALYZE"],
        check=True,
    )
    manage("collectstatic", "--noinput", "-v0")
    # Responses cached by an earlier run (older code, same content) must not be measured.
    manage("shell", "-c", "from django.core.cache import cache; cache.clear()")


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start_server(cache: bool) -> subprocess.Popen:
    for _ in range(150):  # the previous target's server may still be letting go of the port
        if port_free(PORT):
            break
        time.sleep(0.2)
    assert port_free(PORT), f"port {PORT} is busy"
    env = {
        **ENV,
        "PAGE_CACHE": "1" if cache else "0",
        "DB_STATEMENT_TIMEOUT_MS": STATEMENT_TIMEOUT_MS,
    }
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "newsroom.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/ping/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait()
