"""A story's sections and citations, read through the ORM for one story or many at once.

Every section read with a story detail (`stories.sections.SECTIONS`) is one `Prefetch`: one
query per section whatever the story holds, each in the page's order. Citations are one more
query for all of the stories' cited rows.
"""

from django.db.models import F, Prefetch, Value, prefetch_related_objects

from stories.models import Story
from stories.sections import CITING, SECTIONS


def section_prefetches() -> list[Prefetch]:
    """One Prefetch per section a story detail shows, ordered as the page shows it, with the
    record each row names (person, organization, source) read in the same query."""
    prefetches = []
    for section in SECTIONS:
        if not section.on_detail:
            continue
        rows = section.model.objects.order_by(*section.ordering)
        if section.joined:
            rows = rows.select_related(section.joined)
        prefetches.append(Prefetch(section.name, queryset=rows, to_attr=section.rows_attr))
    return prefetches


def load_sections(stories) -> None:
    """Read every section of `stories` (one query per section) into `story.sections`. A
    section already loaded is left as it is."""
    prefetch_related_objects(list(stories), *section_prefetches())


def attach_citations(story: Story) -> None:
    """Give each event, indicator and scenario a `citations` list of (number, source) pairs.

    The numbers are positions in the story's source list (sections loaded).
    """
    attach_citations_many([story])


def attach_citations_many(stories) -> None:
    """`attach_citations` for several stories (sections loaded), in one query for them all."""
    stories = list(stories)
    if not stories:
        return
    cited: dict[tuple[str, int], list[int]] = {}
    for name, _story_id, owner, source_id in _citation_rows([story.pk for story in stories]):
        cited.setdefault((name, owner), []).append(source_id)
    for story in stories:
        for section in CITING:
            for item in getattr(story.sections, section.name):
                item.cited_source_ids = cited.get((section.name, item.pk), [])
        number_citations(story)


def number_citations(story: Story) -> None:
    """Give each citing row (its `cited_source_ids` read) its `citations`: (number, source)
    pairs, numbered by the story's source list, in number order. A source cited but not listed
    is left out."""
    numbered = {
        row.source_id: (n, row.source) for n, row in enumerate(story.sections.story_sources, 1)
    }
    for section in CITING:
        for item in getattr(story.sections, section.name):
            item.citations = sorted(
                (numbered[s] for s in item.cited_source_ids if s in numbered),
                key=lambda c: c[0],
            )


def _citation_rows(story_ids: list[int]):
    """(section name, story id, cited row id, source id) for every citation of the stories:
    the citing sections' many-to-many tables in one UNION ALL, instead of a query each."""
    parts = []
    for section in CITING:
        owner = section.model._meta.model_name  # the owner's column in its many-to-many table
        parts.append(
            section.model.sources.through.objects.filter(
                **{f"{owner}__story_id__in": story_ids}
            ).values_list(
                Value(section.name),
                F(f"{owner}__story_id"),
                F(f"{owner}_id"),
                F("source_id"),
            )
        )
    first, *others = parts
    return first.order_by().union(*(part.order_by() for part in others), all=True)


# Read by stories.selectors.related, whose columns are read by hand: what the ORM would apply
# to each of them.
_CONVERTERS: dict[tuple, list] = {}


def _converters(fields, connection) -> list:
    key = (connection.alias, *fields)
    if key not in _CONVERTERS:
        found = []
        for i, field in enumerate(fields):
            col = field.get_col(field.model._meta.db_table)
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if converters:
                found.append((i, converters, col))
        _CONVERTERS[key] = found
    return _CONVERTERS[key]


def _convert(row, converters, connection):
    if not converters:
        return row
    row = list(row)
    for i, found, col in converters:
        for converter in found:
            row[i] = converter(row[i], col, connection)
    return row
