"""Named reads shared by the story pages and the API; they own the prefetching."""

from django.db import connections
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.http import Http404
from django.utils import timezone

from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import (
    Category,
    HistoricalContext,
    HistoricalVoice,
    KeyIndicator,
    Scenario,
    Story,
    StoryQuerySet,
    StorySource,
    UpdateNote,
)
from timelines.models import TimelineEvent


def story_list(*, include_unpublished: bool = False) -> QuerySet[Story]:
    """Stories for lists and cards, newest update first, with category, latest update and indicators."""
    stories = Story.objects.all() if include_unpublished else Story.objects.published()
    return (
        stories.select_related("category")
        .with_latest_update()
        .prefetch_related(
            Prefetch("indicators", queryset=KeyIndicator.objects.order_by("position", "pk"))
        )
        .order_by("-updated_at", "-pk")
    )


def story_detail_queryset(*, include_unpublished: bool = False) -> QuerySet[Story]:
    """Stories with every section the story page shows, each section in one query.

    The sections are read by `load_sections` once the stories are (not by prefetch_related,
    whose query building cost more than the SQL). The latest-update line comes from the loaded
    timeline and the newest update note: prefetch `update_notes` (as the API does) or annotate
    it (`_with_latest_note`), or reading it costs a query.
    """
    stories = Story.objects.all() if include_unpublished else Story.objects.published()
    stories = stories.select_related("category")
    return _WithSectionsQuerySet(model=Story, query=stories.query, using=stories._db)


def _with_latest_note(stories: QuerySet[Story]) -> QuerySet[Story]:
    newest_note = UpdateNote.objects.filter(story=OuterRef("pk")).order_by("-created_at", "-pk")
    return stories.annotate(
        latest_note_text=Subquery(newest_note.values("text")[:1]),
        latest_note_at=Subquery(newest_note.values("created_at")[:1]),
    )


def story_detail(*, slug: str, include_unpublished: bool = False) -> Story:
    """One story with every section and its citation numbers, in a fixed number of queries.

    Raises Http404 when there is no such story, or it is not public and `include_unpublished`
    is off.
    """
    stories = _with_latest_note(story_detail_queryset(include_unpublished=include_unpublished))
    try:
        story = stories.get(slug=slug)
    except Story.DoesNotExist:
        raise Http404("No such story.") from None
    attach_citations(story)
    return story


_CONVERTERS: dict[tuple, list] = {}


def _converters(fields, connection) -> list:
    """What the ORM would apply to each column of `fields` read by hand (SQLite's dates...)."""
    key = (connection.alias, *fields)
    if key not in _CONVERTERS:
        _CONVERTERS[key] = _find_converters(fields, connection)
    return _CONVERTERS[key]


def _find_converters(fields, connection) -> list:
    found = []
    for i, field in enumerate(fields):
        col = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if converters:
            found.append((i, converters, col))
    return found


def _convert(row, converters, connection):
    if not converters:
        return row
    row = list(row)
    for i, found, col in converters:
        for converter in found:
            row[i] = converter(row[i], col, connection)
    return row


class _Section:
    """One section of a story as `load_sections` reads it: a model with a `story` foreign key,
    optionally with one foreign key read in the same row (as select_related would)."""

    def __init__(self, model, joined: str | None = None):
        self.model = model
        self.cache_name = Story._meta.get_field(
            model._meta.get_field("story").remote_field.related_name
        ).cache_name
        self.story_field = model._meta.get_field("story")
        self.joined = model._meta.get_field(joined) if joined else None
        self.fields = list(model._meta.concrete_fields)
        self.joined_fields = list(self.joined.related_model._meta.concrete_fields) if joined else []
        self._sql: dict[str, tuple[str, list]] = {}

    def compiled(self, connection) -> tuple[str, list]:
        """SELECT ... WHERE story_id IN ({}) in its model's order, and the column converters."""
        if connection.alias not in self._sql:
            quote = connection.ops.quote_name
            table = quote(self.model._meta.db_table)
            columns = [f"{table}.{quote(f.column)}" for f in self.fields]
            join = ""
            if self.joined is not None:
                other = quote(self.joined.related_model._meta.db_table)
                columns += [f"{other}.{quote(f.column)}" for f in self.joined_fields]
                target = quote(self.joined.target_field.column)
                join = (
                    f" INNER JOIN {other} ON {other}.{target} = {table}.{quote(self.joined.column)}"
                )
            order = []
            for name in self.model._meta.ordering:
                field = name.lstrip("-")
                field = self.model._meta.pk if field == "pk" else self.model._meta.get_field(field)
                order.append(f"{table}.{quote(field.column)}{' DESC' if name[0] == '-' else ''}")
            sql = (
                f"SELECT {', '.join(columns)} FROM {table}{join} "
                f"WHERE {table}.{quote(self.story_field.column)} IN ({{}}) "
                f"ORDER BY {', '.join(order)}"
            )
            converters = _converters([*self.fields, *self.joined_fields], connection)
            self._sql[connection.alias] = (sql, converters)
        return self._sql[connection.alias]


_SECTIONS = [
    _Section(KeyIndicator),
    _Section(StoryPerson, "person"),
    _Section(StoryOrganization, "organization"),
    _Section(TimelineEvent),
    _Section(Scenario),
    _Section(HistoricalContext),
    _Section(StorySource, "source"),
]


def load_sections(stories, *, using: str = "default") -> None:
    """Read every section of `stories` (one query per section) into the caches that
    `story.events.all()` and the like read, as prefetch_related would, and give
    Story.latest_update its newest event and note (from prefetched `update_notes` or the
    `_with_latest_note` annotation) without a query."""
    stories = [story for story in stories if not hasattr(story, "_sections_loaded")]
    if not stories:
        return
    connection = connections[using]
    by_pk: dict[int, list[Story]] = {}
    for story in stories:
        by_pk.setdefault(story.pk, []).append(story)
        if not hasattr(story, "_prefetched_objects_cache"):
            story._prefetched_objects_cache = {}
    with connection.cursor() as cursor:
        for section in _SECTIONS:
            # A section the caller prefetched (say with nested lookups) is left as it is.
            wanted = [
                pk
                for pk, group in by_pk.items()
                if section.cache_name not in group[0]._prefetched_objects_cache
            ]
            if not wanted:
                continue
            sql, converters = section.compiled(connection)
            cursor.execute(sql.format(", ".join(["%s"] * len(wanted))), wanted)
            items: dict[int, list] = {pk: [] for pk in wanted}
            width = len(section.fields)
            for row in cursor.fetchall():
                row = _convert(row, converters, connection)
                item = section.model.from_db(using, None, row[:width])
                story_pk = getattr(item, section.story_field.attname)
                section.story_field.set_cached_value(item, by_pk[story_pk][0])
                if section.joined is not None:
                    joined = section.joined.related_model.from_db(using, None, row[width:])
                    section.joined.set_cached_value(item, joined)
                items[story_pk].append(item)
            for pk in wanted:
                for story in by_pk[pk]:
                    # The related manager's own queryset, already evaluated: `.all()`, `len()`,
                    # `.first()` read it; anything that filters it queries again, as after a
                    # prefetch.
                    cached = getattr(story, section.cache_name).get_queryset()
                    cached._result_cache = items[pk]
                    cached._prefetch_done = True
                    story._prefetched_objects_cache[section.cache_name] = cached
    for story in stories:
        story._sections_loaded = True
        notes = story._prefetched_objects_cache.get("update_notes")
        if notes is not None:
            note = next(iter(notes), None)
            story.latest_note_text = note.text if note else None
            story.latest_note_at = note.created_at if note else None
        elif not hasattr(story, "latest_note_at"):
            continue  # Story.latest_update reads the newest note itself
        newest = next(iter(story.events.all()), None)
        story.latest_event_title = newest.title if newest else None
        story.latest_event_date = newest.date if newest else None
        story.latest_event_precision = newest.precision if newest else None
        story.latest_event_label = newest.date_label if newest else None


class _WithSectionsQuerySet(StoryQuerySet):
    """Stories that arrive with their sections loaded (`load_sections`)."""

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and self._iterable_class is ModelIterable:
            load_sections(self._result_cache, using=self.db)


def attach_citations(story: Story) -> None:
    """Give each event, indicator and scenario a `citations` list of (number, source) pairs.

    The numbers are positions in the story's source list. One UNION query reads the three
    citation tables, instead of a prefetch per section.
    """
    attach_citations_many([story])


def attach_citations_many(stories) -> None:
    """`attach_citations` for several stories (sections loaded) in the same single query."""
    stories = list(stories)
    if not stories:
        return
    numbered = {
        story.pk: {
            row.source_id: (n, row.source) for n, row in enumerate(story.story_sources.all(), 1)
        }
        for story in stories
    }
    connection = connections[stories[0]._state.db or "default"]
    sql = _citations_sql(connection).format(", ".join(["%s"] * len(numbered)))
    with connection.cursor() as cursor:
        cursor.execute(sql, list(numbered) * len(_CITING))
        rows = cursor.fetchall()
    by_owner: dict[tuple[str, int], list] = {}
    for section, story_id, owner, source_id in rows:
        if source_id in numbered[story_id]:
            by_owner.setdefault((section, owner), []).append(numbered[story_id][source_id])
    for story in stories:
        for section, items in (
            ("timelineevent", story.events.all()),
            ("keyindicator", story.indicators.all()),
            ("scenario", story.scenarios.all()),
        ):
            for item in items:
                item.citations = sorted(by_owner.get((section, item.pk), []), key=lambda c: c[0])


# The sections whose items cite sources, by the name of their owner column in the M2M table.
_CITING = {"timelineevent": TimelineEvent, "keyindicator": KeyIndicator, "scenario": Scenario}
_CITATIONS_SQL: dict[str, str] = {}


def _citations_sql(connection) -> str:
    """One UNION ALL over the three citation tables: (section, story id, owner id, source id)
    for the stories in `IN ({})`. Written once per connection: building it through the ORM
    cost more than running it."""
    if connection.alias not in _CITATIONS_SQL:
        quote = connection.ops.quote_name
        parts = []
        for section, model in _CITING.items():
            through = model.sources.through._meta
            owner_table = quote(model._meta.db_table)
            table = quote(through.db_table)
            owner = quote(through.get_field(section).column)
            cited = quote(through.get_field("source").column)
            story = quote(model._meta.get_field("story").column)
            parts.append(
                f"SELECT '{section}', {owner_table}.{story}, {table}.{owner}, {table}.{cited} "
                f"FROM {table} INNER JOIN {owner_table} "
                f"ON {owner_table}.{quote(model._meta.pk.column)} = {table}.{owner} "
                f"WHERE {owner_table}.{story} IN ({{0}})"
            )
        _CITATIONS_SQL[connection.alias] = " UNION ALL ".join(parts)
    return _CITATIONS_SQL[connection.alias]


# Reader pages. Each function below costs a fixed number of queries however large the stories.

CARD_INDICATORS = 3
ENTITY_RECENT_EVENTS = 5


def newest_update_first() -> tuple:
    """Ordering for story lists: the day of the latest-update line (newest event or update note,
    in the readers' time zone, stored as `Story.latest_update_on`) first, as each card shows it.

    An edit to an old story does not lift it above stories with newer events. The whole order
    is one index (`story_newest_update_idx`), so a page of the Brief reads a page of rows.
    """
    return (F("latest_update_on").desc(), F("updated_at").desc(), F("id").desc())


def _card_indicators() -> Prefetch:
    # A sliced prefetch (one window-function query) so a card never loads 300 indicators.
    return Prefetch(
        "indicators",
        queryset=KeyIndicator.objects.order_by("position", "pk")[:CARD_INDICATORS],
        to_attr="card_indicators",
    )


def story_cards(*, category: Category | None = None) -> QuerySet[Story]:
    """Published stories as cards, newest timeline event first: category, latest update, first indicators."""
    stories = Story.objects.published()
    if category is not None:
        stories = stories.filter(category=category)
    return (
        stories.select_related("category")
        .with_latest_update()
        .prefetch_related(_card_indicators())
        .order_by(*newest_update_first())
    )


def story_related(*, story: Story, limit: int = 4) -> list[Story]:
    """Published stories sharing people, organizations or the category with `story`, best first.

    Shared people and organizations outweigh a shared category: relatedness is 3 per shared
    person, 2 per shared organization and 1 for the category, then newest update first (as
    `newest_update_first`). Reads the ids from the story's loaded sections; one query.

    The candidates are the stories sharing someone, plus the category's `limit + 1` newest:
    one related by its category alone can only be listed if it is among those (the + 1 is
    `story` itself). So the query reads a few index ranges, never the whole category.
    """
    person_ids = [row.person_id for row in story.story_people.all()]
    organization_ids = [row.organization_id for row in story.story_organizations.all()]
    connection = connections[story._state.db or "default"]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    shared, params = [], [story.category_id]
    for table, column, ids, weight in (
        ("people_storyperson", "person_id", person_ids, 3),
        ("people_storyorganization", "organization_id", organization_ids, 2),
    ):
        if ids:
            placeholders = ", ".join(["%s"] * len(ids))
            shared.append(
                f"SELECT story_id, {weight} AS weight FROM {table} WHERE {column} IN ({placeholders})"
            )
            params += ids
    sql = _RELATED_SQL.format(
        shared="".join(f"{part} UNION ALL " for part in shared),
        story_columns=", ".join(f"s.{f.column}" for f in _RELATED_STORY_FIELDS),
        category_columns=", ".join(f"c.{f.column}" for f in _RELATED_CATEGORY_FIELDS),
        newest=_RELATED_NEWEST_SQL,
    )
    params += [now, story.category_id, limit + 1, now, story.pk, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    converters = _converters(
        [*_RELATED_STORY_FIELDS, *_RELATED_CATEGORY_FIELDS, *_RELATED_LATEST_FIELDS], connection
    )
    names = [f.attname for f in _RELATED_STORY_FIELDS]
    n_story, n_category = len(_RELATED_STORY_FIELDS), len(_RELATED_CATEGORY_FIELDS)
    category_field = Story._meta.get_field("category")
    related = []
    for row in rows:
        row = _convert(row, converters, connection)
        card = Story.from_db(connection.alias, names, row[:n_story])
        category_field.set_cached_value(
            card, Category.from_db(connection.alias, None, row[n_story : n_story + n_category])
        )
        (
            card.latest_event_title,
            card.latest_event_date,
            card.latest_event_precision,
            card.latest_event_label,
            card.latest_note_text,
            card.latest_note_at,
        ) = row[n_story + n_category :]
        related.append(card)
    return related


# What a related story's card shows (the rest of the story is deferred), and the columns of
# its latest-update line, in the order of _RELATED_SQL.
_RELATED_STORY_FIELDS = [
    Story._meta.get_field(name)
    for name in (
        "id",
        "headline",
        "slug",
        "category",
        "dek",
        "status",
        "published_at",
        "deleted_at",
        "updated_at",
        "latest_update_on",
    )
]
_RELATED_CATEGORY_FIELDS = list(Category._meta.concrete_fields)
_RELATED_LATEST_FIELDS = [
    *(TimelineEvent._meta.get_field(name) for name in ("title", "date", "precision", "date_label")),
    *(UpdateNote._meta.get_field(name) for name in ("text", "created_at")),
]

# The category's newest stories, in newest_update_first()'s order: story_newest_update_idx,
# walked until enough of them are in the category.
_RELATED_NEWEST_SQL = """
SELECT id FROM stories_story
WHERE status = 'published' AND published_at <= %s AND deleted_at IS NULL AND category_id = %s
ORDER BY latest_update_on DESC, updated_at DESC, id DESC
LIMIT %s"""

# {shared}: "SELECT story_id, weight FROM ... UNION ALL " per kind of shared involvement.
# Parameters: category, the shared ids, now, category, limit + 1, now, story, limit.
_RELATED_SQL = """
SELECT {story_columns}, {category_columns},
    (SELECT e.title FROM timelines_timelineevent e WHERE e.story_id = s.id
        ORDER BY e.date DESC, e.sequence DESC, e.id DESC LIMIT 1),
    (SELECT e.date FROM timelines_timelineevent e WHERE e.story_id = s.id
        ORDER BY e.date DESC, e.sequence DESC, e.id DESC LIMIT 1),
    (SELECT e.precision FROM timelines_timelineevent e WHERE e.story_id = s.id
        ORDER BY e.date DESC, e.sequence DESC, e.id DESC LIMIT 1),
    (SELECT e.date_label FROM timelines_timelineevent e WHERE e.story_id = s.id
        ORDER BY e.date DESC, e.sequence DESC, e.id DESC LIMIT 1),
    (SELECT n.text FROM stories_updatenote n WHERE n.story_id = s.id
        ORDER BY n.created_at DESC, n.id DESC LIMIT 1),
    (SELECT n.created_at FROM stories_updatenote n WHERE n.story_id = s.id
        ORDER BY n.created_at DESC, n.id DESC LIMIT 1)
FROM (
    SELECT s.id, best.weight + CASE WHEN s.category_id = %s THEN 1 ELSE 0 END AS relatedness
    FROM (
        SELECT story_id, SUM(weight) AS weight FROM (
            {shared}SELECT id AS story_id, 0 AS weight FROM ({newest}) newest
        ) candidate GROUP BY story_id
    ) best
    INNER JOIN stories_story s ON s.id = best.story_id
    WHERE s.status = 'published' AND s.published_at <= %s AND s.deleted_at IS NULL
        AND s.id <> %s
    ORDER BY relatedness DESC, s.latest_update_on DESC, s.updated_at DESC, s.id DESC
    LIMIT %s
) top
INNER JOIN stories_story s ON s.id = top.id
INNER JOIN stories_category c ON c.id = s.category_id
ORDER BY top.relatedness DESC, s.latest_update_on DESC, s.updated_at DESC, s.id DESC
"""


def story_list_involving(
    *, person: Person | None = None, organization: Organization | None = None
) -> QuerySet[Story]:
    """Published stories one person or organization is involved in, newest update first.

    Each story carries `involvement` (their StoryPerson or StoryOrganization row's role and
    status as `role` and `role_status`), `event_count`, and `recent_events`, its newest
    timeline events. A queryset, for the pages to paginate: a page costs three queries however
    many stories and events there are.
    """
    if (person is None) == (organization is None):
        raise TypeError("Pass exactly one of person or organization.")
    if person is not None:
        relation, condition = "story_people", Q(story_people__person=person)
    else:
        relation = "story_organizations"
        condition = Q(story_organizations__organization=organization)
    events = TimelineEvent.objects.filter(story=OuterRef("pk")).order_by().values("story")
    return (
        Story.objects.published()
        .annotate(involvement=FilteredRelation(relation, condition=condition))
        .filter(involvement__isnull=False)
        .annotate(
            role=F("involvement__role"),
            role_status=F("involvement__status"),
            event_count=Coalesce(
                Subquery(events.annotate(n=Count("pk")).values("n")[:1]),
                0,
                output_field=IntegerField(),
            ),
        )
        .select_related("category")
        .with_latest_update()
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TimelineEvent.objects.order_by("-date", "-sequence", "-pk")[
                    :ENTITY_RECENT_EVENTS
                ],
                to_attr="recent_events",
            )
        )
        .order_by(*newest_update_first())
    )


def story_page(*, slug: str, include_unpublished: bool = False) -> Story:
    """story_detail() for the story page: also `has_voices`, from the same query, so the page can
    offer Voices from History to readers who are not signed in without loading them.

    The story's query is written once (as story_related's), not built per request: the page
    reads one story, and building its query through the ORM cost more than the seven sections.
    """
    connection = connections["default"]
    sql, params = _PAGE_STORY_SQL, [slug]
    if not include_unpublished:
        sql += " AND s.status = %s AND s.published_at <= %s"
        params += [
            Story.Status.PUBLISHED.value,
            connection.ops.adapt_datetimefield_value(timezone.now()),
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such story.")
    row = _convert(row, _converters(_PAGE_STORY_COLUMNS, connection), connection)
    n_story, n_category = len(_PAGE_STORY_FIELDS), len(_PAGE_CATEGORY_FIELDS)
    story = Story.from_db(connection.alias, [f.attname for f in _PAGE_STORY_FIELDS], row[:n_story])
    Story._meta.get_field("category").set_cached_value(
        story, Category.from_db(connection.alias, None, row[n_story : n_story + n_category])
    )
    story.latest_note_text, story.latest_note_at, has_voices = row[n_story + n_category :]
    story.has_voices = bool(has_voices)
    load_sections([story], using=connection.alias)
    attach_citations(story)
    return story


# Every column of the story but its search document (large, and for search only; deferred),
# its category's, its newest update note's text and time, and whether it has voices.
_PAGE_STORY_FIELDS = [f for f in Story._meta.concrete_fields if f.name != "search_document"]
_PAGE_CATEGORY_FIELDS = list(Category._meta.concrete_fields)
_PAGE_STORY_COLUMNS = [
    *_PAGE_STORY_FIELDS,
    *_PAGE_CATEGORY_FIELDS,
    UpdateNote._meta.get_field("text"),
    UpdateNote._meta.get_field("created_at"),
]
_PAGE_STORY_SQL = f"""
SELECT {", ".join(f"s.{f.column}" for f in _PAGE_STORY_FIELDS)},
    {", ".join(f"c.{f.column}" for f in _PAGE_CATEGORY_FIELDS)},
    (SELECT n.text FROM {UpdateNote._meta.db_table} n WHERE n.story_id = s.id
        ORDER BY n.created_at DESC, n.id DESC LIMIT 1),
    (SELECT n.created_at FROM {UpdateNote._meta.db_table} n WHERE n.story_id = s.id
        ORDER BY n.created_at DESC, n.id DESC LIMIT 1),
    EXISTS (SELECT 1 FROM {HistoricalVoice._meta.db_table} v WHERE v.story_id = s.id)
FROM {Story._meta.db_table} s
INNER JOIN {Category._meta.db_table} c ON c.id = s.category_id
WHERE s.slug = %s AND s.deleted_at IS NULL"""


def story_voices(*, story: Story) -> list[HistoricalVoice]:
    """The story's Voices from History in page order (shown to signed-in readers only)."""
    return list(HistoricalVoice.objects.filter(story=story).order_by("position", "pk"))
