"""A story's sections from its stored document (stories.models.StoryDocument), or from the
database when the document is missing or behind the story's change log.

A document holds, per section (stories.sections.SECTIONS, those a detail shows), each row's
column values, the record it names (`joined`) and, for citing sections, the ids of the sources
it cites. Loading it gives the same rows, in the same order, with the same citations as the
query per section would, so the page and the API cannot tell which way a story was read.
"""

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, models, transaction

from stories.changes import last_change_id_of_story
from stories.models import Story, StoryDocument
from stories.sections import SECTIONS
from stories.selectors.sections import attach_citations_many, load_sections, number_citations

log = logging.getLogger(__name__)

DETAIL_SECTIONS = tuple(section for section in SECTIONS if section.on_detail)
# Stored as ISO text by DocumentEncoder; every other column type is a JSON value already.
_PARSED = (models.DateField, models.DateTimeField)


def with_document(stories):
    """`stories` with what `load_sections_of` needs in their own query: each one's stored
    document and its newest change-log position."""
    return stories.select_related("document").annotate(logged_change_id=last_change_id_of_story())


def load_sections_of(stories) -> None:
    """Load every section of each of `stories` (read with `with_document`) and the citation
    numbers: from its document when that is current, else from the database (a query per
    section and one for citations, for all such stories at once), storing new documents."""
    stale = []
    for story in stories:
        document = _document(story)
        change_id = story.logged_change_id
        if document is not None and change_id is not None and document.change_id == change_id:
            _apply(story, document.sections)
        else:
            stale.append(story)
    if not stale:
        return
    load_sections(stale)
    attach_citations_many(stale)
    _store([story for story in stale if story.logged_change_id is not None])


def _document(story: Story) -> StoryDocument | None:
    try:
        return story.document  # read in the story's query (select_related)
    except ObjectDoesNotExist:
        return None


def _store(stories: list[Story]) -> None:
    """Write the stories' documents; another reader writing one at once is harmless (last write
    wins, and both hold the same rows or a position that the next read finds behind)."""
    if not stories:
        return
    documents = [
        StoryDocument(story=story, change_id=story.logged_change_id, sections=_dump(story))
        for story in stories
    ]
    try:
        with transaction.atomic():
            StoryDocument.objects.bulk_create(
                documents,
                update_conflicts=True,
                unique_fields=["story"],
                update_fields=["change_id", "sections", "built_at"],
            )
    except DatabaseError:
        # A read must not fail for want of a cache of itself (a read-only replica, a lock).
        log.warning(
            "could not store the document of stories %s",
            [story.pk for story in stories],
            exc_info=True,
        )


# Writing and reading a document ------------------------------------------------------------


def _dump(story: Story) -> dict:
    dumped = {}
    for section in DETAIL_SECTIONS:
        joined = section.model._meta.get_field(section.joined) if section.joined else None
        rows = []
        for row in getattr(story.sections, section.name):
            values = _values(row)
            if joined:
                values[joined.name] = _values(getattr(row, joined.name))
            if section.cites_sources:
                values["cites"] = row.cited_source_ids
            rows.append(values)
        dumped[section.name] = rows
    return dumped


def _values(instance) -> dict:
    values = {}
    for field in _fields(type(instance)):
        value = getattr(instance, field.attname)
        values[field.attname] = value.name if isinstance(field, models.FileField) else value
    return values


def _apply(story: Story, dumped: dict) -> None:
    db = story._state.db  # the alias it was read from, as a prefetch would give its rows
    for section in DETAIL_SECTIONS:
        joined = section.model._meta.get_field(section.joined) if section.joined else None
        rows = []
        for values in dumped.get(section.name, ()):
            cites = values.pop("cites", None)
            record = values.pop(joined.name) if joined else None
            row = _instance(section.model, values, db)
            row.story = story
            if joined:
                setattr(row, joined.name, _instance(joined.related_model, record, db))
            if section.cites_sources:
                row.cited_source_ids = cites or []
            rows.append(row)
        setattr(story, section.rows_attr, rows)
    number_citations(story)


def _instance(model, values: dict, db: str | None):
    """A model instance as the ORM would load it from these column values (`Model.from_db`),
    in its fields' order: the database keeps a JSON object's keys in an order of its own."""
    fields, attnames = _fields(model), _attnames(model)
    row = [values[attname] for attname in attnames]
    for i, field in enumerate(fields):
        if row[i] is not None and isinstance(field, _PARSED):
            row[i] = field.to_python(row[i])
    return model.from_db(db, attnames, row)


_FIELDS: dict = {}


def _fields(model) -> list:
    if model not in _FIELDS:
        _FIELDS[model] = list(model._meta.concrete_fields)
    return _FIELDS[model]


def _attnames(model) -> list[str]:
    return [field.attname for field in _fields(model)]
