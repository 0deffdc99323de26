"""Reader search over published stories: ranked full-text search on PostgreSQL, a plain fallback
on SQLite. Both take any string a reader can type and never raise on it."""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import Story
from stories.selectors import newest_update_first, story_cards
from timelines.models import TimelineEvent

MAX_QUERY_LENGTH = 120
MAX_TERMS = 8
# On PostgreSQL, how many of the newest matching stories are ranked (and counted).
SEARCH_CANDIDATES = 200
# Stories use English stemming; names are matched word for word, without stemming.
TEXT_CONFIG = "english"
NAME_CONFIG = "simple"

# Letters and digits only: each word is safe to put in a raw tsquery ("word:*").
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchTerms:
    """A reader's query made safe to search with: `text` is what we search and show back."""

    text: str
    words: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def candidate_limit(self) -> int | None:
        """How many of the newest matching stories search ranks, or None when it ranks all."""
        return SEARCH_CANDIDATES if connection.vendor == "postgresql" else None


def search_terms(raw: str | None) -> SearchTerms:
    """Normalise a raw query: drop control characters (NUL breaks PostgreSQL), squeeze
    whitespace, cap its length, and pick out the words."""
    if not raw:
        return SearchTerms("", ())
    cleaned = "".join(
        " " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in str(raw)
    )
    text = " ".join(cleaned.split())[:MAX_QUERY_LENGTH].strip()
    words = tuple(dict.fromkeys(w.lower() for w in _WORD.findall(text)))[:MAX_TERMS]
    return SearchTerms(text, words)


def story_search(*, terms: SearchTerms, stories: QuerySet[Story] | None = None) -> QuerySet[Story]:
    """Published stories (or those of `stories`, as the API's filters left them) matching `terms`
    in headline, dek, overview, event titles or the names of the people and organizations
    involved, best match first. Empty when nothing to search. The one search read: the search
    page and the API's `?search=` both call it. On PostgreSQL only the newest
    `SEARCH_CANDIDATES` matches are ranked and counted."""
    if stories is None:
        stories = story_cards()
    if not terms:
        return stories.none()
    if connection.vendor == "postgresql":
        return _postgres_search(terms, stories)
    return _fallback_search(terms, stories)


def _postgres_search(terms: SearchTerms, stories: QuerySet[Story]) -> QuerySet[Story]:
    from django.contrib.postgres.search import SearchQuery, SearchRank

    # websearch syntax accepts anything (quotes, a leading minus, "or") without a syntax error.
    text_query = SearchQuery(terms.text, search_type="websearch", config=TEXT_CONFIG)
    # Names match by prefix ("geras" finds Gerasimov) among the B-weighted words, where the
    # document keeps the names unstemmed; \w words carry no tsquery syntax.
    name_query = SearchQuery(
        " & ".join(f"{word}:*B" for word in terms.words), search_type="raw", config=NAME_CONFIG
    )
    query = text_query | name_query
    # Only the newest matches are ranked: PostgreSQL walks the Brief's index from the top and
    # stops after SEARCH_CANDIDATES matches for a common word, or reads the few matches of a
    # rare word from the GIN index on the document and sorts them. Either way a bounded number
    # of documents is ranked, however many stories mention the word. The ids are read once
    # here, so the paginator's count and the page do not each search again.
    candidate_ids = list(
        stories.prefetch_related(None)
        .filter(search_document=query)
        .order_by(*newest_update_first())
        .values_list("pk", flat=True)[:SEARCH_CANDIDATES]
    )
    if not candidate_ids:
        return stories.none()
    return (
        # A plain IN list: it measured faster than the unnest(array) subquery it replaces
        # (24–25 against 33–38 ms a search, five words, 2,000 stories, loaded machine).
        stories.filter(pk__in=candidate_ids)
        # ts_rank is a real; as double precision its value survives the trip into an API
        # cursor and back exactly, so the next page starts exactly after this one.
        .annotate(rank=Cast(SearchRank(F("search_document"), query), FloatField()))
        .order_by("-rank", *newest_update_first())
    )


def _fallback_search(terms: SearchTerms, stories: QuerySet[Story]) -> QuerySet[Story]:
    """Every word must appear somewhere in the story; headline hits rank above dek hits above
    the rest."""
    match = Q()
    score = Value(0.0)
    for word in terms.words:
        match &= (
            Q(headline__icontains=word)
            | Q(dek__icontains=word)
            | Q(overview__icontains=word)
            | Q(pk__in=TimelineEvent.objects.filter(title__icontains=word).values("story_id"))
            | Q(pk__in=StoryPerson.objects.filter(person__name__icontains=word).values("story_id"))
            | Q(
                pk__in=StoryOrganization.objects.filter(organization__name__icontains=word).values(
                    "story_id"
                )
            )
        )
        score = (
            score
            + Case(When(headline__icontains=word, then=Value(3.0)), default=Value(0.0))
            + Case(When(dek__icontains=word, then=Value(2.0)), default=Value(0.0))
            + Case(When(overview__icontains=word, then=Value(1.0)), default=Value(0.0))
        )
    return (
        stories.filter(match)
        .annotate(rank=score * Value(1.0, output_field=FloatField()))
        .order_by("-rank", *newest_update_first())
    )


def involved_search(
    *, terms: SearchTerms, limit: int = 6
) -> tuple[list[Person], list[Organization]]:
    """People and organizations whose names contain every word, and who appear in at least one
    published story (a name known only from a draft stays private). Two queries."""
    if not terms:
        return [], []
    public_story_ids = Story.objects.published().values("pk")
    names = Q()
    for word in terms.words:
        names &= Q(name__icontains=word)
    people = (
        Person.objects.filter(names)
        .filter(pk__in=StoryPerson.objects.filter(story__in=public_story_ids).values("person_id"))
        .order_by("name")[:limit]
    )
    organizations = (
        Organization.objects.filter(names)
        .filter(
            pk__in=StoryOrganization.objects.filter(story__in=public_story_ids).values(
                "organization_id"
            )
        )
        .order_by("name")[:limit]
    )
    return list(people), list(organizations)
