"""Stories related to one story: those sharing its people, organizations or category."""

from django.db import connections

from stories.models import (
    Category,
    Story,
    UpdateNote,
)
from stories.selectors.cards import newest_update_first
from stories.selectors.sections import _convert, _converters
from timelines.models import TimelineEvent


def story_related(*, story: Story, limit: int = 4) -> list[Story]:
    """Published stories sharing people, organizations or the category with `story`, best first.

    Shared people and organizations outweigh a shared category: relatedness is 3 per shared
    person, 2 per shared organization and 1 for the category, then newest update first (as
    `newest_update_first`). Reads the ids from the story's loaded sections; one query.

    The candidates are, for each person and organization it involves (its first
    `LEADING_ENTITIES` of each), the `RECENT_PER_ENTITY` stories most recently filed with
    them, plus the category's `limit + 1` newest (the + 1 is `story` itself); each
    candidate's relatedness then counts everything it shares. So the query reads a few short
    index ranges ((person, story) and (organization, story)), and its cost stays the same
    however many stories a busy person or organization has been in: an archive of 100,000
    stories puts some organizations in 400 of them. A story that shares
    much but was filed before an entity's newest `RECENT_PER_ENTITY` is not listed: in news,
    the recent ones are the related ones.
    """
    person_ids = [row.person_id for row in story.sections.story_people]
    organization_ids = [row.organization_id for row in story.sections.story_organizations]
    connection = connections[story._state.db or "default"]
    recent, recent_params, weights, weight_params = [], [], ["0"], []
    for table, column, ids, weight in (
        ("people_storyperson", "person_id", person_ids, 3),
        ("people_storyorganization", "organization_id", organization_ids, 2),
    ):
        if not ids:
            continue
        leading = ids[:LEADING_ENTITIES]
        recent += [_RECENT_SQL.format(table=table, column=column)] * len(leading)
        for entity_id in leading:
            recent_params += [entity_id, RECENT_PER_ENTITY]
        placeholders = ", ".join(["%s"] * len(ids))
        weights.append(
            f"{weight} * (SELECT COUNT(*) FROM {table} x"
            f" WHERE x.story_id = s.id AND x.{column} IN ({placeholders}))"
        )
        weight_params += ids
    # The visibility rule and the category's newest, in the ORM's own SQL (published() is
    # written once, in stories.models.public).
    newest_sql, newest_params = (
        Story.objects.published()
        .filter(category_id=story.category_id)
        .order_by(*newest_update_first())
        .values("id")[: limit + 1]
        .query.sql_with_params()
    )
    visible_sql, visible_params = (
        Story.objects.published()
        .order_by()
        .values("id", "category_id", "latest_update_on", "updated_at")
        .query.sql_with_params()
    )
    sql = _RELATED_SQL.format(
        recent="".join(f"{part} UNION " for part in recent),
        weights=" + ".join(weights),
        story_columns=", ".join(f"s.{f.column}" for f in _RELATED_STORY_FIELDS),
        category_columns=", ".join(f"c.{f.column}" for f in _RELATED_CATEGORY_FIELDS),
        newest=newest_sql,
        visible=visible_sql,
    )
    params = [
        *weight_params,
        story.category_id,
        *recent_params,
        *newest_params,
        *visible_params,
        story.pk,
        limit,
    ]
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

# How many of each shared person's or organization's most recently filed stories are candidates
# (10 keeps the related list the same as reading every shared story at 1,000 stories, and its
# cost at 100,000 within a millisecond of that), and how many of the story's people and of its
# organizations, first in page order, bring candidates: a story listing 300 people must not
# make a 300-part query (SQLite refuses more than 500 parts). Everything shared still counts.
RECENT_PER_ENTITY = 10
LEADING_ENTITIES = 12

# One entity's most recently filed stories: a backward walk of its (entity, story) index.
_RECENT_SQL = """SELECT story_id FROM (
            SELECT story_id FROM {table} WHERE {column} = %s ORDER BY story_id DESC LIMIT %s
        ) recent"""

# {recent}: "<_RECENT_SQL> UNION " per shared entity; {weights}: 3 * shared people + 2 * shared
# organizations, each a count over the candidate's own rows. Parameters: the people and the
# organizations (for the weights), category, each entity and RECENT_PER_ENTITY, {newest}'s,
# {visible}'s (published(), compiled by the ORM), story, limit.
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
    SELECT s.id, {weights} + CASE WHEN s.category_id = %s THEN 1 ELSE 0 END AS relatedness
    FROM (
        {recent}SELECT id AS story_id FROM ({newest}) newest
    ) candidate
    INNER JOIN ({visible}) s ON s.id = candidate.story_id
    WHERE s.id <> %s
    ORDER BY relatedness DESC, s.latest_update_on DESC, s.updated_at DESC, s.id DESC
    LIMIT %s
) top
INNER JOIN stories_story s ON s.id = top.id
INNER JOIN stories_category c ON c.id = s.category_id
ORDER BY top.relatedness DESC, s.latest_update_on DESC, s.updated_at DESC, s.id DESC
"""
