"""The story detail: one story with every section, for the story page and the API."""

from django.db import connections
from django.db.models import (
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone

from stories.models import (
    Category,
    HistoricalVoice,
    KeyIndicator,
    Story,
    UpdateNote,
)
from stories.selectors.sections import (
    _convert,
    _converters,
    _WithSectionsQuerySet,
    attach_citations,
    load_sections,
)


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
