"""The story detail: one story with every section, for the story page and the API alike."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from stories.following import with_reader_state
from stories.models import HistoricalVoice, KeyIndicator, Story
from stories.selectors.documents import load_sections_of, with_document
from stories.selectors.sections import section_prefetches


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
    """Stories with their category and every section a story detail shows (one query per
    section, in page order, `stories.sections`); the search document, large and for search
    only, is not read. Story.latest_update reads the prefetched events and update notes."""
    stories = Story.objects.all() if include_unpublished else Story.objects.published()
    return (
        stories.select_related("category")
        .defer("search_document")
        .prefetch_related(*section_prefetches())
    )


def story_detail(
    *,
    slug: str | None = None,
    pk: int | None = None,
    include_unpublished: bool = False,
    reader=None,
    annotations: dict | None = None,
) -> Story:
    """One story (by `slug` or `pk`) with every section (`story.sections`) and its citation
    numbers, in a fixed number of queries. The story page and the API detail both read it.

    The sections come from the story's stored document, read in the story's own query, when
    it is as new as the story's change log; otherwise from a query per section and one for
    the citations, and the document is stored again (stories.selectors.documents).

    The story carries `has_voices` and, for a signed-in `reader`, `read_mark` (see
    `with_reader_state`), `latest_note_at` (its newest update note's time), and any
    `annotations` the caller adds to its query. Raises Http404 when there is no such story, or
    it is not public and `include_unpublished` is off.
    """
    stories = Story.objects.all() if include_unpublished else Story.objects.published()
    stories = with_reader_state(
        with_document(stories.select_related("category").defer("search_document")).annotate(
            **(annotations or {})
        ),
        reader=reader,
    )
    lookup = {"pk": pk} if slug is None else {"slug": slug}
    try:
        story = stories.get(**lookup)
    except Story.DoesNotExist:
        raise Http404("No such story.") from None
    load_sections_of([story])
    notes = story.sections.update_notes  # newest first
    story.latest_note_at = notes[0].created_at if notes else None
    return story


def story_details(*, ids) -> list[Story]:
    """The published stories among `ids`, in id order, each as `story_detail` reads it (its
    sections from its stored document where current; the rest a query per section for them all
    at once), for offline sync."""
    stories = list(
        with_document(
            Story.objects.published()
            .filter(pk__in=ids)
            .select_related("category")
            .defer("search_document")
        ).order_by("pk")
    )
    load_sections_of(stories)
    return stories


def story_page(*, slug: str, include_unpublished: bool = False) -> Story:
    """The story page's read: `story_detail` (the page looks up the reader's follow itself)."""
    return story_detail(slug=slug, include_unpublished=include_unpublished)


def story_renamed(*, slug: str, include_unpublished: bool = False) -> Story | None:
    """The story that had `slug` before a rename, if it may be shown (one query), else None."""
    stories = Story.objects.all() if include_unpublished else Story.objects.published()
    return stories.filter(old_slugs__slug=slug).only("slug").first()


def story_voices(*, story: Story) -> list[HistoricalVoice]:
    """The story's Voices from History in page order (shown to signed-in readers only)."""
    return list(HistoricalVoice.objects.filter(story=story).order_by("position", "pk"))
