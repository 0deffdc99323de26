"""Records that are likely the one an editor is adding again: a person or organization by
the same or a near name, a source by the same address or the same publisher, date and title.

The admin's add and change forms warn with a link to each (editorial.admin.forms), and save
only when the editor confirms; stories then never list one report as sources 1 and 2.
"""

import difflib
import re
import unicodedata
from urllib.parse import urlsplit

from django.db.models import Model, Q

from people.models import Organization, Person
from stories.models import Source

# How alike two normalised names must be (difflib's ratio) to count as near: "Valery
# Gerasimov" and "Valeriy Gerasimov" are 0.97, "Sergei Lavrov" and "Sergei Shoigu" 0.69.
NEAR_NAME = 0.88
# Candidates read for the comparison: those sharing the name's longest word.
MAX_CANDIDATES = 50


def normalised(text: str) -> str:
    """Lower case, accents and punctuation gone, spaces collapsed: "Gérasimov,  V." ->
    "gerasimov v"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def likely_duplicates(record: Model) -> list[Model]:
    """Stored records that are likely `record` again (never `record` itself), best first."""
    if isinstance(record, (Person, Organization)):
        return _same_or_near_name(record)
    if isinstance(record, Source):
        return _same_source(record)
    return []


def _same_or_near_name(record) -> list:
    name = normalised(record.name)
    if not name:
        return []
    longest = max(name.split(), key=len)
    candidates = (
        type(record)
        .objects.filter(Q(name__iexact=record.name.strip()) | Q(name__icontains=longest))
        .exclude(pk=record.pk)
        .order_by("name", "pk")[:MAX_CANDIDATES]
    )
    scored = [
        (difflib.SequenceMatcher(None, name, normalised(other.name)).ratio(), other)
        for other in candidates
    ]
    return [other for score, other in sorted(scored, key=lambda s: -s[0]) if score >= NEAR_NAME]


def _address(url: str) -> str:
    """A URL as the same page: no scheme, no "www.", no trailing slash or fragment."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


def _same_source(source: Source) -> list:
    others = Source.objects.exclude(pk=source.pk)
    found = []
    if source.url:
        address = _address(source.url)
        host = address.split("/", 1)[0]
        found += [
            other
            for other in others.filter(url__icontains=host).order_by("pk")[:MAX_CANDIDATES]
            if _address(other.url) == address
        ]
    if source.publisher and source.title:
        title = normalised(source.title)
        found += [
            other
            for other in others.filter(
                publisher__iexact=source.publisher.strip(), published_on=source.published_on
            ).order_by("pk")[:MAX_CANDIDATES]
            if normalised(other.title) == title and other not in found
        ]
    return found
