"""`make bench`: the production server under load, on PostgreSQL, with and without the cache.

Starts gunicorn (DEBUG off, 2 workers) against a benchmark database holding BENCH_STORIES
generated stories plus the demo story, drives each target with wrk after a warm-up (three runs,
medians), and reports requests/s, p50/p95/p99 latency, each target's throughput as a ratio to
the minimal /ping/ view served by the same server, SQL queries per request, and a worker's memory
growth over 20,000 requests. Writes docs/benchmarks.md.

Environment: BENCH_DATABASE_URL (default: a newsroom_bench database on 127.0.0.1),
BENCH_STORIES (100000), BENCH_SECONDS per run (5), BENCH_CONNECTIONS (16), BENCH_PORT (8765),
BENCH_REDIS_URL (redis://127.0.0.1:6379/1: both workers must share one cache).
"""

import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
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
MEMORY_REQUESTS = 20_000
MEMORY_WARMUP = 1_000
MEMORY_MAX_SECONDS = 300
COUNT_TIMEOUT = 60  # seconds for one in-process request when counting queries
# A request slower than this fails (500, counted as non-2xx) instead of being killed by
# gunicorn's 30 s worker timeout and leaving its query running in PostgreSQL.
STATEMENT_TIMEOUT_MS = "20000"
DEMO = "us-russia-restore-military-communication-channel"

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("JSON{\\"requests\\":%d,\\"seconds\\":%f,\\"errors\\":%d,\\"non2xx\\":%d,"
    .. "\\"p50\\":%f,\\"p95\\":%f,\\"p99\\":%f}\\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

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
    manage("collectstatic", "--noinput", "-v0")
    # Responses cached by an earlier run (older code, same content) must not be measured.
    manage("shell", "-c", "from django.core.cache import cache; cache.clear()")


def targets() -> dict[str, str]:
    """Paths to load, found through Django so they follow the URL configuration."""
    code = f"""
import json
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from urllib.parse import quote
from django.utils import timezone
from stories.models import Story
from sync.batches import latest_change_id
from sync.tokens import SyncPosition
story = Story.objects.get(slug={DEMO!r})
# The token a client holds after syncing up to now.
next_token = quote(
    SyncPosition(change_id=latest_change_id(), synced_at=timezone.now()).to_token()
)
print(json.dumps({{
    "ping": reverse("ping"),
    "story page": story.get_absolute_url(),
    "daily brief": reverse("stories:home"),
    "search": reverse("stories:search") + "?q=treaty",
    "api story detail": "/api/v1/stories/" + str(story.pk) + "/",
    "api story list": "/api/v1/stories/",
    "api sync": "/api/v1/sync/",
    # What apps do most: sync again with the token of their last sync (nothing or little new).
    "api sync, since last": "/api/v1/sync/?since=" + next_token,
    "static file": staticfiles_storage.url("css/site.css"),
}}))
"""
    return json.loads(manage("shell", "-c", code, capture=True).strip().splitlines()[-1])


def explain_paths(paths: dict[str, str]) -> dict[str, str]:
    """The load targets plus the other reader and API reads whose plans must hold at scale."""
    code = """
import json
from django.urls import reverse
from people.models import Person
from stories.models import Category, Story
story = Story.objects.published().filter(slug__startswith="gen-").order_by("pk").first()
category = Category.objects.order_by("-slug").first()  # a generated one: thousands of stories
person = Person.objects.filter(slug__startswith="gen-").order_by("pk").first()
print(json.dumps({
    "generated story page": story.get_absolute_url() if story else "/",
    "daily brief, page 50": reverse("stories:home") + "?page=50",
    "category page": reverse("stories:category", args=[category.slug]),
    "person page": reverse("people:person", args=[person.slug]) if person else "/",
    "search, a name": reverse("stories:search") + "?q=okafor",
    "search, no match": reverse("stories:search") + "?q=zzzzqx",
    "story feed": reverse("syndication:story-feed-rss", args=[story.slug]) if story else "/",
    "site feed": reverse("syndication:feed-rss"),
    "news sitemap": reverse("syndication:news-sitemap"),
    "api list by category": "/api/v1/stories/?category=" + str(category.pk),
    "api list, updated since": "/api/v1/stories/?updated_since=2025-12-01T00:00:00Z",
    "api brief": "/api/v1/brief/",
    "api events by kind and date": "/api/v1/events/?kind=military&date_after=2025-01-01",
    "api people": "/api/v1/people/",
    "api sources": "/api/v1/sources/",
}))
"""
    extra = json.loads(manage("shell", "-c", code, capture=True).strip().splitlines()[-1])
    return {**{k: v for k, v in paths.items() if k not in ("ping", "static file")}, **extra}


def explain_all(paths: dict[str, str]) -> dict:
    result = subprocess.run(
        [PY, str(ROOT / "bench" / "explain.py"), json.dumps(paths)],
        cwd=ROOT,
        env={**ENV, "PAGE_CACHE": "0"},
        text=True,
        capture_output=True,
        timeout=600,
    )
    return json.loads((result.stdout.strip().splitlines() or ["{}"])[-1])


def query_counts(paths: dict[str, str]) -> dict[str, int | str]:
    """SQL queries per anonymous request, measured in-process with the cache off.

    One process per target with a time budget, so one pathological target is reported as
    such instead of stalling the whole run.
    """
    counts: dict[str, int | str] = {}
    env = {**ENV, "PAGE_CACHE": "0"}
    for name, path in paths.items():
        code = f"""
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")  # an allowed host, as gunicorn sees
with CaptureQueriesContext(connection) as ctx:
    status = client.get({path!r}).status_code
print(len(ctx) if status == 200 else f"status {{status}}")
"""
        try:
            result = subprocess.run(
                [PY, "manage.py", "shell", "-c", code],
                cwd=ROOT,
                env=env,
                text=True,
                capture_output=True,
                timeout=COUNT_TIMEOUT,
            )
            last = (result.stdout.strip().splitlines() or ["error"])[-1]
            counts[name] = int(last) if last.isdigit() else last
        except subprocess.TimeoutExpired:
            counts[name] = f"over {COUNT_TIMEOUT} s"
    return counts


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


def wrk(url: str, seconds: int, script: str, connections: int = CONNECTIONS, headers=()) -> dict:
    threads = min(2, connections)
    out = subprocess.run(
        # Slow targets must count as slow, not vanish as timeouts (wrk's default is 2 s).
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            *(arg for header in headers for arg in ("-H", header)),
            "-s",
            script,
            url,
        ],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    data = json.loads(re.search(r"JSON(\{.*\})", out).group(1))
    data["rps"] = data["requests"] / data["seconds"]
    return data


def measure(url: str, script: str, connections: int = CONNECTIONS, headers=()) -> dict:
    wrk(url, 2, script, connections, headers)  # warm-up: connections, caches, lazy imports
    runs = [wrk(url, SECONDS, script, connections, headers) for _ in range(3)]
    return {
        key: statistics.median(run[key] for run in runs)
        for key in ("rps", "p50", "p95", "p99", "errors", "non2xx")
    }


def worker_pids(server: subprocess.Popen) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def drive(base: str, paths: list[str], requests: int, max_seconds: int) -> float:
    """Send exactly `requests` GETs cycling through `paths`, 8 at a time, each on a new
    connection (as gunicorn's sync workers serve them); returns the seconds it took. (wrk
    cannot stop after a number of requests: a thread stopped early leaves an idle connection
    that a sync worker waits on until gunicorn kills it.)"""
    import concurrent.futures
    import itertools

    urls = itertools.cycle(f"{base}{path}" for path in paths)
    deadline = time.monotonic() + max_seconds

    def get(url: str) -> None:
        if time.monotonic() < deadline:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(get, next(urls)) for _ in range(requests)]:
            future.result()
    return time.monotonic() - started


def memory_growth(server: subprocess.Popen, base: str, paths: list[str]) -> dict:
    """A worker's resident memory over MEMORY_REQUESTS uncached requests cycling through the
    reader and API targets, measured from after a warm-up (imports, connections and Django's
    own lazy caches settle in the first requests; growth after that is what leaks)."""
    pids = worker_pids(server)
    drive(base, paths, MEMORY_WARMUP, 60)
    before = {pid: rss_kib(pid) for pid in pids}
    seconds = drive(base, paths, MEMORY_REQUESTS, MEMORY_MAX_SECONDS)
    after = {pid: rss_kib(pid) for pid in pids}
    growth = max((after[p] - before[p]) / before[p] for p in pids if before[p])
    return {
        "before_kib": max(before.values()),
        "after_kib": max(after.values()),
        "growth": growth,
        "seconds": seconds,
        "complete": seconds < MEMORY_MAX_SECONDS - 1,
    }


def check(results: dict, counts: dict, memory: dict, plans: dict) -> list[tuple[str, bool, str]]:
    cached, uncached = results["cached"], results["uncached"]
    ping_c, ping_u = cached["ping"]["rps"], uncached["ping"]["rps"]
    rows = []
    for name in ("story page", "api story detail"):
        ratio = cached[name]["rps"] / ping_c
        rows.append((f"{name}, cached ≥ 50% of ping", ratio >= 0.5, f"{ratio:.0%}"))
        p99 = cached[name]["p99"]
        rows.append((f"{name}, cached p99 < 20 ms", p99 < 20, f"{p99:.1f} ms"))
        ratio = uncached[name]["rps"] / ping_u
        rows.append((f"{name}, uncached ≥ 3% of ping", ratio >= 0.03, f"{ratio:.1%}"))
    for name in ("daily brief", "api story list", "api sync", "api sync, since last"):
        ratio = cached[name]["rps"] / ping_c
        rows.append((f"{name}, cached ≥ 30% of ping", ratio >= 0.3, f"{ratio:.0%}"))
    alone, crowd = uncached["search, 1 connection"], uncached["search"]
    served = alone["rps"] > 0
    rows.append(
        (
            "search p95 < 50 ms (uncached, one reader at a time)",
            served and alone["p95"] < 50,
            (f"{alone['p95']:.1f} ms" if served else "no request answered")
            + f"; {crowd['p95']:.0f} ms queued behind {CONNECTIONS} connections",
        )
    )
    rows.append(
        (
            f"worker memory growth < 10% over {MEMORY_REQUESTS:,} requests",
            memory["growth"] < 0.10 and memory["complete"],
            f"{memory['growth']:+.1%} ({memory['before_kib'] / 1024:.0f} → "
            f"{memory['after_kib'] / 1024:.0f} MiB, uncached mix, {memory['seconds']:.0f} s)"
            + ("" if memory["complete"] else f"; cut off at {MEMORY_MAX_SECONDS} s"),
        )
    )
    scans = sorted({f"{name}: {t}" for name, p in plans.items() for t in p["seq_scans"]})
    rows.append(("no sequential scan of a growing table", not scans, "; ".join(scans) or "none"))
    bad = [n for n, c in counts.items() if not isinstance(c, int)]
    rows.append(("every target answers 200", not bad, ", ".join(bad) or "yes"))
    return rows


def report(results, counts, memory, checks, story_count: int, conditions: dict, plans: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `make bench` (bench/run.py).",
        "",
        f"- Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"- Database: PostgreSQL, {story_count:,} published and draft stories",
        f"- Server: gunicorn, {WORKERS} sync workers, DEBUG off; load: wrk -t2 -c{CONNECTIONS}, "
        f"{SECONDS} s runs after a 2 s warm-up, median of 3; API targets send "
        "`Accept-Encoding: gzip`, as apps do",
        "- Ratio: the target's requests/s divided by the /ping/ view's on the same server and run "
        "(same middleware, no database), so the figures compare across machines.",
        f"- Load average (1 min) before and after: {conditions['load_before']:.2f} / "
        f"{conditions['load_after']:.2f}; the whole run took {conditions['seconds'] / 60:.1f} min",
        "",
    ]
    for mode in ("cached", "uncached"):
        lines += [
            f"## {mode.capitalize()}",
            "",
            "| target | requests/s | ratio to ping | p50 ms | p95 ms | p99 ms | SQL queries |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        ping = results[mode]["ping"]["rps"]
        for name, r in results[mode].items():
            lines.append(
                f"| {name} | {r['rps']:,.0f} | {r['rps'] / ping:.1%} | {r['p50']:.1f} | "
                f"{r['p95']:.1f} | {r['p99']:.1f} | {counts.get(name, '')} |"
            )
        lines.append("")
    lines += [
        "## Targets",
        "",
        "| target | met | measured |",
        "| --- | --- | --- |",
        *[f"| {name} | {'yes' if ok else '**no**'} | {value} |" for name, ok, value in checks],
        "",
        "SQL queries are counted per anonymous request with the cache off.",
        "",
        f"## Query plans at {story_count:,} stories",
        "",
        "Every query of each read, run again under `EXPLAIN ANALYZE` (bench/explain.py, cache "
        "off). *Sequential scans* lists any scan of a table that grows with the content and "
        "already holds more than 10,000 rows (smaller ones are read faster than an index).",
        "",
        "| read | status | queries | SQL time ms | slowest query ms | sequential scans |",
        "| --- | --- | ---: | ---: | ---: | --- |",
        *[
            f"| {name} | {p['status']} | {p['queries']} | {p['total_ms']:.1f} | "
            f"{p['slowest_ms']:.1f} | {', '.join(p['seq_scans']) or 'none'} |"
            for name, p in plans.items()
        ],
        "",
        "## Rerun",
        "",
        "```sh",
        "make bench                          # 100,000 stories; generates them on the first run",
        "BENCH_STORIES=1000 make bench       # a quick run",
        "```",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    bench_started, load_before = time.monotonic(), os.getloadavg()[0]
    ensure_database()
    paths = targets()
    counts = query_counts(paths)
    say("queries per request: " + json.dumps(counts))
    story_count = int(
        manage(
            "shell",
            "-c",
            "from stories.models import Story; print(Story.all_objects.count())",
            capture=True,
        )
        .strip()
        .splitlines()[-1]
    )
    results, memory = {}, {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    for mode in ("cached", "uncached"):
        results[mode] = {}
        for name, path in paths.items():
            # A fresh server per target: a target slower than wrk's timeout leaves requests
            # queued in gunicorn, which would otherwise be charged to the next target.
            server = start_server(cache=mode == "cached")
            try:
                r = measure(
                    f"http://127.0.0.1:{PORT}{path}",
                    script.name,
                    headers=API_HEADERS if name.startswith("api") else (),
                )
            finally:
                stop_server(server)
            results[mode][name] = r
            say(
                f"{mode:9} {name:18} {r['rps']:8,.0f} req/s  p50 {r['p50']:6.1f} ms  "
                f"p99 {r['p99']:6.1f} ms  errors {r['errors']:.0f} non-2xx {r['non2xx']:.0f}"
            )
    # Search latency as one reader sees it (no queue of 16 connections in front of it).
    server = start_server(cache=False)
    try:
        search_alone = measure(
            f"http://127.0.0.1:{PORT}{paths['search']}", script.name, connections=1
        )
    finally:
        stop_server(server)
    say(
        f"uncached  search, 1 connection {search_alone['rps']:6,.0f} req/s  p95 {search_alone['p95']:.1f} ms"
    )
    results["uncached"]["search, 1 connection"] = search_alone
    server = start_server(cache=False)
    try:
        # Reads readers and apps repeat; the first sync page (2 s of work, once per install)
        # would make 20,000 requests outlast the time cap.
        mix = [p for name, p in paths.items() if name not in ("ping", "static file", "api sync")]
        memory = memory_growth(server, f"http://127.0.0.1:{PORT}", mix)
    finally:
        stop_server(server)
    say(f"memory: {json.dumps(memory)}")
    plans = explain_all(explain_paths(paths))
    for name, plan in plans.items():
        say(f"plan  {name:30} {json.dumps(plan)}")
    checks = check(results, counts, memory, plans)
    for name, ok, value in checks:
        say(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
    out = ROOT / "docs" / "benchmarks.md"
    out.parent.mkdir(exist_ok=True)
    conditions = {
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "seconds": time.monotonic() - bench_started,
    }
    out.write_text(report(results, counts, memory, checks, story_count, conditions, plans))
    say(f"wrote {out.relative_to(ROOT)}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
