"""Moved to core.dates; this alias lasts until every import is rewritten (issue 12)."""

import sys

from core import dates as _moved

sys.modules[__name__] = _moved
