"""A story's byline as readers and machines see it: one rule for the page, feeds, exports and API.

Editors type bylines freely, and some type the "By" the page already adds ("By Jane Doe"), which
then read "By By Jane Doe". Every place that shows or sends a byline reads it through
`byline_names`; `byline_credits` splits it into the people and desks it credits.
"""

import dataclasses
import re

from django.conf import settings
from rest_framework import serializers

# "By", "by:", "BY " and repeats of them at the start; "Byron" keeps its name.
_BY_PREFIX = re.compile(r"^(?:by\b\s*:?\s*)+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# "Jane Doe, Ali Khan and Sam Lee", "Jane Doe & Newsroom Staff".
_SEPARATORS = re.compile(r"\s*(?:,|&|\band\b)\s*", re.IGNORECASE)
# A byline ending in one of these credits a desk of the organization, not a person.
DESK_WORDS = ("staff", "desk", "team", "reporters", "correspondents")


def byline_names(byline: str) -> str:
    """The byline without any leading "By", spaces collapsed: "By  by Jane Doe" -> "Jane Doe".

    A byline that is nothing but "By" credits the site itself (settings.SITE_NAME).
    """
    names = _BY_PREFIX.sub("", _SPACES.sub(" ", byline or "").strip())
    return names or settings.SITE_NAME


@dataclasses.dataclass(frozen=True)
class Credit:
    name: str
    is_organization: bool


def byline_credits(byline: str) -> list[Credit]:
    """Each person or desk the byline names, in order, as schema.org's `author` wants them:
    one entry per author, the name alone, a desk ("Newsroom Staff") as an organization."""
    credits = []
    for name in _SEPARATORS.split(byline_names(byline)):
        name = _BY_PREFIX.sub("", name).strip()
        if name:
            lowered = name.lower()
            desk = lowered.endswith(DESK_WORDS) or lowered == settings.SITE_NAME.lower()
            credits.append(Credit(name=name, is_organization=desk))
    return credits or [Credit(name=settings.SITE_NAME, is_organization=True)]


class BylineField(serializers.CharField):
    """The API's byline: `byline_names`, as the page shows it after "By "."""

    def to_representation(self, value):
        return byline_names(value)
