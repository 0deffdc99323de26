"""The code's shape, as docs/architecture.md states it: small modules, SQL by hand only where
the ORM cannot say it. (Dependencies one way are import-linter's contract, run by make lint.)"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "editorial",
    "newsroom",
    "people",
    "readers",
    "stories",
    "sync",
    "syndication",
    "timelines",
)

# Where SQL runs through a cursor, and why the ORM cannot run it.
CURSOR_PLACES = {
    "stories/changes.py": "LOCK TABLE: the change log's ids become visible in order",
    "syndication/backup.py": "sequence reset after an import that kept its ids",
    "stories/versions.py": "the ORM's own SQL, compiled once per process (a cache hit's cost)",
    "stories/selectors/related.py": (
        "one index-range UNION over shared people, organizations and the category's newest;"
        " the ORM's form of it read every candidate and ran 4x slower at 1,000 stories"
    ),
}


def product_modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in product_modules()
        if (n := len(path.read_text().splitlines())) > 500
    }
    assert long == {}


def test_sql_runs_through_a_cursor_only_in_the_known_places():
    found = {
        str(path.relative_to(ROOT))
        for path in product_modules()
        if re.search(r"\.cursor\(\)|\.raw\(|RawSQL\(|\.extra\(", path.read_text())
    }
    assert found == set(CURSOR_PLACES)
