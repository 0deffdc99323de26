"""Loading a story's sections and citations for many stories at once, in fixed queries."""

from django.db import connections
from django.db.models.query import ModelIterable

from people.models import StoryOrganization, StoryPerson
from stories.models import (
    HistoricalContext,
    KeyIndicator,
    Scenario,
    Story,
    StoryQuerySet,
    StorySource,
)
from timelines.models import TimelineEvent

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
