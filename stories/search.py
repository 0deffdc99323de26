"""Reader search over published stories: ranked full-text search on PostgreSQL, a plain fallback
on SQLite. Both take any string a reader can type and never raise on it."""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, FloatField, Q, QuerySet, Value, When

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import Story
from stories.selectors import newest_update_first, story_cards
from timelines.models import TimelineEvent

MAX_QUERY_LENGTH = 120
MAX_TERMS = 8
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


def story_search(*, terms: SearchTerms) -> QuerySet[Story]:
    """Published stories matching `terms` in headline, dek, overview, event titles or the names
    of the people and organizations involved, best match first. Empty when nothing to search."""
    if not terms:
        return story_cards().none()
    if connection.vendor == "postgresql":
        return _postgres_search(terms)
    return _fallback_search(terms)


def _postgres_search(terms: SearchTerms) -> QuerySet[Story]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # websearch syntax accepts anything (quotes, a leading minus, "or") without a syntax error.
    text_query = SearchQuery(terms.text, search_type="websearch", config=TEXT_CONFIG)
    # Names match by prefix ("geras" finds Gerasimov); \w words carry no tsquery syntax.
    name_query = SearchQuery(
        " & ".join(f"{word}:*" for word in terms.words), search_type="raw", config=NAME_CONFIG
    )
    # The same expressions as the GIN indexes in stories/migrations/0006_search_indexes.py,
    # so PostgreSQL can use them.
    story_vector = (
        SearchVector("headline", weight="A", config=TEXT_CONFIG)
        + SearchVector("dek", weight="B", config=TEXT_CONFIG)
        + SearchVector("overview", weight="C", config=TEXT_CONFIG)
    )
    in_text = Story.objects.annotate(v=story_vector).filter(v=text_query).order_by().values("pk")
    in_events = (
        TimelineEvent.objects.annotate(v=SearchVector("title", config=TEXT_CONFIG))
        .filter(v=text_query)
        .order_by()
        .values("story_id")
    )
    people = Person.objects.annotate(v=SearchVector("name", config=NAME_CONFIG)).filter(
        v=name_query
    )
    organizations = Organization.objects.annotate(
        v=SearchVector("name", config=NAME_CONFIG)
    ).filter(v=name_query)
    in_names = (
        StoryPerson.objects.filter(person__in=people.values("pk"))
        .order_by()
        .values("story_id")
        .union(
            StoryOrganization.objects.filter(organization__in=organizations.values("pk"))
            .order_by()
            .values("story_id")
        )
    )
    # One UNION of ids, each part able to use its own index, rather than an OR of subqueries
    # that would make PostgreSQL scan every story.
    matched = in_text.union(in_events, in_names)
    return (
        story_cards()
        .filter(pk__in=matched)
        .annotate(
            rank=SearchRank(story_vector, text_query)
            + Case(When(pk__in=in_names, then=Value(0.6)), default=Value(0.0))
            + Case(When(pk__in=in_events, then=Value(0.3)), default=Value(0.0)),
        )
        .order_by("-rank", *newest_update_first())
    )


def _fallback_search(terms: SearchTerms) -> QuerySet[Story]:
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
        story_cards()
        .filter(match)
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
