"""Moved to core.caching; this alias lasts until every import is rewritten (issue 12)."""

import sys

from core import caching as _moved

sys.modules[__name__] = _moved
