"""Load on the server: wrk runs (requests/s, latency) and a worker's memory over many requests."""

import json
import re
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from server import CONNECTIONS, SECONDS

MEMORY_REQUESTS = 20_000
MEMORY_WARMUP = 1_000
MEMORY_MAX_SECONDS = 300

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
