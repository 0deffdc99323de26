"""The demo story: the facts of the model explainer, retold in Newsroom's own words.

The data is stories/fixtures/demo_story.json, loaded by `stories.services.demo_load`. Keys are
natural keys (slugs, positions, titles) so loading twice finds every row again instead of
adding a copy. Dates are ISO 8601 in the file and `date`/`datetime` here.
"""

import datetime as dt
import json
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo_story.json"
_DATES = {"date", "published_on", "period_start", "period_end"}
_DATETIMES = {"published_at"}


def _typed(value, key=None):
    if isinstance(value, dict):
        return {k: _typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v, key) for v in value]
    if isinstance(value, str) and key in _DATES:
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and key in _DATETIMES:
        return dt.datetime.fromisoformat(value)
    return value


_DATA = _typed(json.loads(FIXTURE.read_text(encoding="utf-8")))

CATEGORY = _DATA["category"]
SOURCES = _DATA["sources"]
PEOPLE = _DATA["people"]
ORGANIZATIONS = _DATA["organizations"]
STORY = _DATA["story"]
INDICATORS = _DATA["indicators"]
EVENTS = _DATA["events"]
SCENARIOS = _DATA["scenarios"]
CONTEXTS = _DATA["contexts"]
VOICES = _DATA["voices"]
SOURCE_ORDER = _DATA["source_order"]
