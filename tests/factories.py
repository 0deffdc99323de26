"""Small factory functions: `make_story(events=300)` builds a story of any size."""

import datetime as dt
import itertools

from django.utils import timezone

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import (
    Category,
    HistoricalContext,
    KeyIndicator,
    Scenario,
    Source,
    Story,
    StorySource,
)
from timelines.models import TimelineEvent

_seq = itertools.count(1)


def make_category(**kwargs) -> Category:
    n = next(_seq)
    kwargs.setdefault("name", f"Category {n}")
    kwargs.setdefault("slug", f"category-{n}")
    return Category.objects.create(**kwargs)


def make_source(**kwargs) -> Source:
    n = next(_seq)
    kwargs.setdefault("title", f"Report number {n}")
    kwargs.setdefault("publisher", "Wire Service")
    kwargs.setdefault("url", f"https://example.com/report-{n}")
    kwargs.setdefault("published_on", dt.date(2025, 1, 1) + dt.timedelta(days=n % 300))
    return Source.objects.create(**kwargs)


def make_person(**kwargs) -> Person:
    n = next(_seq)
    kwargs.setdefault("name", f"Person Number{n}")
    kwargs.setdefault("slug", f"person-{n}")
    kwargs.setdefault("title", "Minister")
    return Person.objects.create(**kwargs)


def make_organization(**kwargs) -> Organization:
    n = next(_seq)
    kwargs.setdefault("name", f"Organization {n}")
    kwargs.setdefault("slug", f"organization-{n}")
    kwargs.setdefault("kind", "Agency")
    return Organization.objects.create(**kwargs)


def make_story(
    *,
    events: int = 3,
    people: int = 0,
    organizations: int = 0,
    sources: int = 0,
    indicators: int = 0,
    scenarios: int = 0,
    contexts: int = 0,
    status: str = Story.Status.PUBLISHED,
    category: Category | None = None,
    **kwargs,
) -> Story:
    """A story with `events` timeline events and as many of each other section as asked.

    Each event, indicator and scenario cites one of the story's sources when there are any.
    """
    n = next(_seq)
    kwargs.setdefault("headline", f"Story number {n}")
    kwargs.setdefault("slug", f"story-{n}")
    kwargs.setdefault("dek", f"What story {n} is about")
    kwargs.setdefault("overview", f"Overview of story {n} with **bold** text.")
    kwargs.setdefault("why_it_matters", "It matters because it does.")
    if status == Story.Status.PUBLISHED:
        kwargs.setdefault("published_at", timezone.now() - dt.timedelta(hours=1))
    story = Story.objects.create(category=category or make_category(), status=status, **kwargs)
    source_rows = [make_source() for _ in range(sources)]
    StorySource.objects.bulk_create(
        StorySource(story=story, source=s, position=i) for i, s in enumerate(source_rows, 1)
    )

    def cite(obj, i):
        if source_rows:
            obj.sources.add(source_rows[i % len(source_rows)])

    start = dt.date(2026, 2, 5)
    for i in range(events):
        event = TimelineEvent.objects.create(
            story=story,
            date=start - dt.timedelta(days=i),
            title=f"Event {i} of story {n}",
            description="Something happened.",
            kind=TimelineEvent.Kind.DIPLOMATIC,
        )
        cite(event, i)
    for i in range(indicators):
        cite(
            KeyIndicator.objects.create(story=story, value=str(i), label=f"Label {i}", position=i),
            i,
        )
    for i in range(scenarios):
        scenario = Scenario.objects.create(
            story=story, position=i + 1, title=f"Scenario {i}", description="It could go this way."
        )
        cite(scenario, i)
    for i in range(contexts):
        HistoricalContext.objects.create(
            story=story,
            position=i,
            title=f"Context {i}",
            period_start=dt.date(1962, 10, 1),
            period_end=dt.date(1963, 6, 1),
            what_happened="History happened.",
        )
    for i in range(people):
        StoryPerson.objects.create(story=story, person=make_person(), role="Role", position=i)
    for i in range(organizations):
        StoryOrganization.objects.create(
            story=story, organization=make_organization(), status="Status", position=i
        )
    return story
