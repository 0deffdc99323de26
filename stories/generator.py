"""Deterministic synthetic content at scale, for benchmarks and load tests.

`content_generate(stories=100_000)` builds realistic stories (5–40 events, 2–8 people and
organizations from a shared pool, 3–15 sources) with bulk inserts, a chunk at a time. The same
seed gives the same content, and a second run tops up to the requested number instead of
starting again, because each story draws from its own seeded generator.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterator

from django.db import transaction

from core.dates import Precision
from core.rich_text import render_markdown
from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.changes import record_changes
from stories.derived import search_document_refresh
from stories.models import (
    NO_UPDATE_DAY,
    Category,
    ContentChange,
    HistoricalContext,
    KeyIndicator,
    Scenario,
    Source,
    Story,
    StorySource,
)
from timelines.models import TimelineEvent

SLUG_PREFIX = "gen-"
CHUNK = 500
PERSON_POOL = 3000
ORGANIZATION_POOL = 600
BASE_TIME = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)

CATEGORIES = [
    "Rule Changes",
    "Elections",
    "Conflict",
    "Economy",
    "Climate",
    "Technology",
    "Health",
    "Trade",
    "Courts",
    "Energy",
    "Diplomacy",
    "Migration",
]
PLACES = [
    "Arctic",
    "Baltic",
    "Black Sea",
    "Sahel",
    "Andes",
    "Mekong",
    "Balkans",
    "Caucasus",
    "Pacific",
    "Gulf",
    "Danube",
    "Great Lakes",
    "Horn of Africa",
    "Caribbean",
    "Alps",
]
SUBJECTS = [
    "Tariff",
    "Ceasefire",
    "Pipeline",
    "Treaty",
    "Budget",
    "Election",
    "Drought",
    "Port",
    "Vaccine",
    "Chip Export",
    "Grain Deal",
    "Airspace",
    "Water Rights",
    "Debt",
    "Strike",
    "Satellite",
    "Border",
    "Fishing Quota",
    "Carbon Price",
    "Court Ruling",
]
VERBS = [
    "Talks Resume Over",
    "Parliament Weighs",
    "Court Blocks",
    "Leaders Agree on",
    "Protests Grow Against",
    "Regulators Probe",
    "Deal Collapses on",
    "Vote Delayed on",
    "Allies Split Over",
    "Government Revives",
]
FIRST = [
    "Amara",
    "Jonas",
    "Leila",
    "Mateo",
    "Sofia",
    "Kenji",
    "Nadia",
    "Pieter",
    "Ines",
    "Omar",
    "Yara",
    "Lukas",
    "Chen",
    "Priya",
    "Tomasz",
    "Aisha",
    "Dmitri",
    "Elena",
    "Kwame",
    "Freya",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Moreno",
    "Rossi",
    "Tanaka",
    "Petrov",
    "De Vries",
    "Alvarez",
    "Nasser",
    "Kowalski",
    "Mensah",
    "Novak",
    "Iyer",
    "Brennan",
    "Sato",
    "Weber",
    "Castillo",
    "Farouk",
    "Larsen",
]
ORG_KINDS = ["Ministry", "Agency", "Court", "Alliance", "Company", "Union", "Commission", "Bank"]
PUBLISHERS = ["Reuters", "Associated Press", "AFP", "BBC News", "Financial Times", "Al Jazeera"]
ROLES = [
    "Lead negotiator",
    "Minister responsible",
    "Opposition leader",
    "Chief executive",
    "Spokesperson",
    "Judge hearing the case",
    "Envoy",
    "Commander",
]
STATUSES = ["In office", "Under pressure", "Newly appointed", "Stepping down", "Active"]
KINDS = [k.value for k in TimelineEvent.Kind]
WORDS = [w.lower() for w in PLACES + SUBJECTS] + [
    "the",
    "talks",
    "officials",
    "said",
    "after",
    "new",
    "plan",
]


def _sentence(rng: random.Random, words: int = 14) -> str:
    pool = [w.lower() for w in PLACES + SUBJECTS] + [
        "the",
        "talks",
        "officials",
        "said",
        "after",
        "new",
        "plan",
    ]
    text = " ".join(rng.choice(pool) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _ensure_pools(rng: random.Random) -> tuple[list[Category], list[int], list[int]]:
    categories = []
    for name in CATEGORIES:
        slug = f"{SLUG_PREFIX}{name.lower().replace(' ', '-')}"
        category, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": f"{name} (generated)"}
        )
        categories.append(category)
    existing = set(
        Person.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
    )
    Person.objects.bulk_create(
        Person(
            slug=f"{SLUG_PREFIX}person-{i}",
            name=f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}",
            title=rng.choice(ROLES),
            bio=_sentence(rng),
        )
        for i in range(PERSON_POOL)
        if f"{SLUG_PREFIX}person-{i}" not in existing
    )
    existing = set(
        Organization.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
    )
    Organization.objects.bulk_create(
        Organization(
            slug=f"{SLUG_PREFIX}org-{i}",
            name=f"{PLACES[i % len(PLACES)]} {ORG_KINDS[i % len(ORG_KINDS)]} {i}",
            kind=ORG_KINDS[i % len(ORG_KINDS)],
            description=_sentence(rng),
        )
        for i in range(ORGANIZATION_POOL)
        if f"{SLUG_PREFIX}org-{i}" not in existing
    )
    people = list(Person.objects.filter(slug__startswith=SLUG_PREFIX).values_list("pk", flat=True))
    orgs = list(
        Organization.objects.filter(slug__startswith=SLUG_PREFIX).values_list("pk", flat=True)
    )
    return categories, people, orgs


@transaction.atomic
def _generate_chunk(
    *, seed: int, first: int, count: int, categories, people, orgs
) -> dict[str, int]:
    # One generator per story: the content of story n depends on the seed and n alone.
    rngs = [random.Random(f"{seed}-{n}") for n in range(first, first + count)]
    stories = []
    for n, rng in zip(range(first, first + count), rngs, strict=True):
        subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
        overview = f"{_sentence(rng, 30)}\n\n**{subject}** {_sentence(rng, 25)}"
        why = _sentence(rng, 20)
        stories.append(
            Story(
                slug=f"{SLUG_PREFIX}{n}",
                headline=f"{rng.choice(VERBS)} {place} {subject}",
                category=rng.choice(categories),
                dek=_sentence(rng, 12),
                overview=overview,
                overview_html=render_markdown(overview),
                why_it_matters=why,
                why_it_matters_html=render_markdown(why),
                status=Story.Status.PUBLISHED if rng.random() < 0.95 else Story.Status.DRAFT,
                published_at=BASE_TIME - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 3)),
            )
        )
    Story.objects.bulk_create(stories)
    rows: dict[str, list] = {
        name: []
        for name in (
            "sources",
            "story_sources",
            "events",
            "indicators",
            "scenarios",
            "contexts",
            "people",
            "orgs",
        )
    }
    story_source_objs: list[list[Source]] = []
    for story, rng in zip(stories, rngs, strict=True):
        sources = [
            Source(
                title=f"{story.headline}: {_sentence(rng, 6)}",
                publisher=rng.choice(PUBLISHERS),
                authors=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                url=f"https://news.example.com/{story.slug}/{i}",
                published_on=(story.published_at - dt.timedelta(days=rng.randrange(0, 400))).date(),
            )
            for i in range(rng.randint(3, 15))
        ]
        rows["sources"].extend(sources)
        story_source_objs.append(sources)
    Source.objects.bulk_create(rows["sources"])

    event_cites, indicator_cites, scenario_cites = [], [], []
    for story, sources, rng in zip(stories, story_source_objs, rngs, strict=True):
        rows["story_sources"].extend(
            StorySource(story=story, source=s, position=i) for i, s in enumerate(sources, 1)
        )
        day = story.published_at.date()
        for i in range(int(rng.triangular(5, 40, 5))):
            day -= dt.timedelta(days=rng.randrange(1, 60))
            precision = Precision.DAY if rng.random() < 0.9 else Precision.MONTH
            event = TimelineEvent(
                story=story,
                date=day if precision == Precision.DAY else day.replace(day=1),
                precision=precision,
                sequence=i,
                title=f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}",
                description=_sentence(rng, 24),
                kind=rng.choice(KINDS),
            )
            rows["events"].append(event)
            event_cites.append((event, rng.sample(sources, k=rng.randint(0, 2))))
        for i in range(rng.randint(2, 6)):
            indicator = KeyIndicator(
                story=story,
                position=i,
                value=f"{rng.randint(2, 9999):,}",
                label=f"{rng.choice(SUBJECTS)} figure",
                explanation=_sentence(rng, 10),
            )
            rows["indicators"].append(indicator)
            indicator_cites.append((indicator, rng.sample(sources, k=1)))
        for i in range(rng.randint(2, 4)):
            scenario = Scenario(
                story=story,
                position=i + 1,
                title=f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}",
                discussed_by=f"Analysts at the {rng.choice(PLACES)} Institute",
                description=_sentence(rng, 30),
                status=rng.choice(list(Scenario.Status)),
            )
            rows["scenarios"].append(scenario)
            scenario_cites.append((scenario, rng.sample(sources, k=1)))
        for i in range(rng.randint(1, 3)):
            start = dt.date(rng.randint(1950, 2015), rng.randint(1, 12), 1)
            rows["contexts"].append(
                HistoricalContext(
                    story=story,
                    position=i,
                    title=f"The {start.year} {rng.choice(SUBJECTS)} Crisis",
                    period_start=start,
                    period_end=start.replace(year=start.year + rng.randint(0, 6)),
                    what_happened=_sentence(rng, 30),
                    short_term_outcome=_sentence(rng, 15),
                    long_term_outcome=_sentence(rng, 15),
                    relevance_today=_sentence(rng, 15),
                )
            )
        involved = rng.randint(2, 8)
        n_people = rng.randint(1, involved - 1)
        for i, person in enumerate(rng.sample(people, k=n_people)):
            rows["people"].append(
                StoryPerson(
                    story=story,
                    person_id=person,
                    position=i,
                    role=rng.choice(ROLES),
                    status=rng.choice(STATUSES),
                )
            )
        for i, org in enumerate(rng.sample(orgs, k=involved - n_people)):
            rows["orgs"].append(
                StoryOrganization(
                    story=story, organization_id=org, position=i, status=rng.choice(STATUSES)
                )
            )

    newest = {}
    for event in rows["events"]:
        newest[event.story_id] = max(event.date, newest.get(event.story_id, event.date))
    for story in stories:
        story.latest_update_on = newest.get(story.pk, NO_UPDATE_DAY)
    Story.objects.bulk_update(stories, ["latest_update_on"], batch_size=CHUNK)
    StorySource.objects.bulk_create(rows["story_sources"])
    TimelineEvent.objects.bulk_create(rows["events"])
    KeyIndicator.objects.bulk_create(rows["indicators"])
    Scenario.objects.bulk_create(rows["scenarios"])
    HistoricalContext.objects.bulk_create(rows["contexts"])
    StoryPerson.objects.bulk_create(rows["people"])
    StoryOrganization.objects.bulk_create(rows["orgs"])
    search_document_refresh([story.pk for story in stories])
    for model, field, cites in (
        (TimelineEvent, "timelineevent", event_cites),
        (KeyIndicator, "keyindicator", indicator_cites),
        (Scenario, "scenario", scenario_cites),
    ):
        through = model.sources.through
        through.objects.bulk_create(
            through(**{f"{field}_id": owner.pk, "source_id": source.pk})
            for owner, sources in cites
            for source in sources
        )
    # Bulk inserts send no signals: the change log (offline sync, the page cache's version)
    # learns of the new stories here, once the chunk commits.
    record_changes(ContentChange.Kind.STORY, [story.pk for story in stories])
    return {"stories": len(stories), "events": len(rows["events"]), "sources": len(rows["sources"])}


def _chunks(start: int, end: int) -> Iterator[tuple[int, int]]:
    for first in range(start, end, CHUNK):
        yield first, min(CHUNK, end - first)


def _chunk_worker(args: tuple) -> dict[str, int]:
    from django.db import connections

    seed, first, count, pools = args
    category_ids, people, orgs = pools
    categories = list(Category.objects.filter(pk__in=category_ids))
    try:
        return _generate_chunk(
            seed=seed, first=first, count=count, categories=categories, people=people, orgs=orgs
        ) | {"count": count}
    finally:
        connections.close_all()


def content_generate(
    *,
    stories: int,
    seed: int = 1,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Top generated stories up to `stories`, deterministically from `seed`. Returns row counts.

    Each story has its own seeded generator, so the content depends neither on `workers` nor on
    how earlier runs were split; each chunk is one transaction, and an interrupted run leaves whole chunks and resumes after them. With
    `workers` > 1 the chunks are built by that many processes, each with its own connection.
    """
    categories, people, orgs = _ensure_pools(random.Random(seed))
    start = Story.objects.filter(slug__startswith=SLUG_PREFIX).count()
    totals = {"stories": 0, "events": 0, "sources": 0}
    jobs = [
        (seed, first, count, ([c.pk for c in categories], people, orgs))
        for first, count in _chunks(start, stories)
    ]
    if workers > 1 and len(jobs) > 1:
        import multiprocessing

        from django.db import connections

        connections.close_all()  # forked children must not share the parent's socket
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.imap_unordered(_chunk_worker, jobs)
            for made in results:
                _add(totals, made, progress)
    else:
        for seed_, first, count, _ in jobs:
            made = _generate_chunk(
                seed=seed_,
                first=first,
                count=count,
                categories=categories,
                people=people,
                orgs=orgs,
            ) | {"count": count}
            _add(totals, made, progress)
    return totals


def _add(totals: dict[str, int], made: dict[str, int], progress) -> None:
    for key in totals:
        totals[key] += made[key]
    if progress:
        progress(made["count"])
