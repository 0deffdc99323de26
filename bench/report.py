"""What `make bench` concludes: the targets met or missed, and docs/benchmarks.md's text."""

import datetime as dt
import os
import platform

from load import MEMORY_MAX_SECONDS, MEMORY_REQUESTS
from server import CONNECTIONS, SECONDS, WORKERS


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
        "SQL queries are counted per anonymous request with the cache off, after a first "
        "request (steady state: a story's read document is built by the first read after it "
        "changes).",
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
