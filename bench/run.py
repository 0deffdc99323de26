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

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from load import LUA, measure, memory_growth
from report import check, report
from server import (
    API_HEADERS,
    COUNT_TIMEOUT,
    DEMO,
    ENV,
    PORT,
    PY,
    ROOT,
    ensure_database,
    manage,
    say,
    start_server,
    stop_server,
)


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
    """SQL queries per anonymous request after the first, measured in-process with the cache
    off.

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
# Steady state: the first request builds what is built once (a story's read document after
# it changed, the process's content version), as every later reader finds it built.
client.get({path!r})
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
