"""EXPLAIN ANALYZE every SQL query of the hot paths, against the benchmark database.

Run by `make bench` after the load runs (or alone: `.venv/bin/python bench/explain.py` with
the same environment as bench/run.py). For each target it requests the page in-process with
the cache off, captures its queries, runs EXPLAIN (ANALYZE, BUFFERS off) on each, and reports
the slowest query and any sequential scan of a table that grows with the content and holds
more than SMALL_TABLE_ROWS rows. Prints
JSON on its last line: {target: {"queries": n, "total_ms": x, "slowest_ms": y,
"seq_scans": ["table", ...]}}.
"""

import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ["PAGE_CACHE"] = "0"
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain http in-process, as behind gunicorn

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# Tables whose size follows the number of stories; a scan of a small lookup table is fine.
GROWING = (
    "stories_story",
    "stories_storysource",
    "stories_source",
    "stories_keyindicator",
    "stories_scenario",
    "stories_historicalcontext",
    "stories_contentchange",
    "timelines_timelineevent",
    "timelines_timelineevent_sources",
    "people_storyperson",
    "people_storyorganization",
    "people_person",
    "people_organization",
)
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
LARGE: set[str] = set()


# A scan of a table this small is the right plan (3,000 people are read faster than an index
# is walked); a growing table is only flagged past it.
SMALL_TABLE_ROWS = 10_000


def _large_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [SMALL_TABLE_ROWS],
        )
        return {row[0] for row in cursor.fetchall()}


def explain(sql: str, params) -> tuple[float, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    total = next(
        (float(m.group(1)) for line in plan if (m := re.search(r"Execution Time: ([\d.]+)", line))),
        0.0,
    )
    scans = sorted(
        {t for line in plan for t in SEQ_SCAN.findall(line) if t in GROWING and t in LARGE}
    )
    return total, scans


def main(paths: dict[str, str]) -> dict:
    global LARGE
    LARGE = _large_tables()
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    report = {}
    for name, path in paths.items():
        try:
            with CaptureQueriesContext(connection) as ctx:
                status = client.get(path).status_code
        except Exception as exc:  # a broken target is reported, not the end of the report
            report[name] = {
                "status": f"error: {type(exc).__name__}",
                "queries": 0,
                "total_ms": 0,
                "slowest_ms": 0,
                "seq_scans": [],
            }
            continue
        rows = []
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            # Re-run with the same text: CaptureQueriesContext holds the interpolated SQL.
            ms, scans = explain(sql, None)
            rows.append((ms, scans, sql))
        report[name] = {
            "status": status,
            "queries": len(ctx.captured_queries),
            "total_ms": round(sum(r[0] for r in rows), 2),
            "slowest_ms": round(max((r[0] for r in rows), default=0.0), 2),
            "seq_scans": sorted({t for r in rows for t in r[1]}),
        }
    return report


if __name__ == "__main__":
    targets = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    print(json.dumps(main(targets)))
