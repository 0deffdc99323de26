"""The one list of a story's sections: every model whose rows belong to one story.

The admin's inlines, the detail read (page and API), the API's whole-story write, the
permission rule, revision history and the backup iterate `SECTIONS`, so a new section is added
here once and cannot be forgotten by one of them (tests/stories/test_sections.py checks that
every model with a foreign key to Story is listed, and that each consumer covers every entry).

Models are named by label and resolved when first asked for, so `stories.models` can read the
list while it is being imported.
"""

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps


@dataclass(frozen=True)
class Section:
    """One section of a story.

    `name`: the related name on Story (`story.events`); `label`: its model; `write_name`: its
    field in the API's whole-story write (None: not written through it); `positioned`: editors
    order its rows by `position`; `cites_sources`: its rows cite sources of the story's list
    (a `sources` many-to-many); `joined`: the record each row names, read with it;
    `on_detail`: read with every story detail (False: read on demand, as voices are, for
    signed-in readers only).
    """

    name: str
    label: str
    write_name: str | None = None
    positioned: bool = True
    cites_sources: bool = False
    joined: str | None = None
    on_detail: bool = True

    @cached_property
    def model(self):
        # require_ready=False: stories.models asks while apps load (its own models are defined).
        return apps.get_model(self.label, require_ready=False)

    @property
    def ordering(self) -> list[str]:
        """The order its rows are shown in: its model's, the page's."""
        return list(self.model._meta.ordering)

    @property
    def rows_attr(self) -> str:
        """The story attribute a detail read loads its rows into (a `Prefetch` `to_attr`, or
        the stored document): read it as `story.sections.<name>`."""
        return f"loaded_{self.name}"


# In page order: the latest-update line, voices, indicators, people, organizations, the
# timeline, scenarios, history, the numbered source list.
SECTIONS: tuple[Section, ...] = (
    Section("update_notes", "stories.UpdateNote", positioned=False),
    Section("voices", "stories.HistoricalVoice", on_detail=False),
    Section("indicators", "stories.KeyIndicator", write_name="indicators", cites_sources=True),
    Section("story_people", "people.StoryPerson", write_name="people", joined="person"),
    Section(
        "story_organizations",
        "people.StoryOrganization",
        write_name="organizations",
        joined="organization",
    ),
    Section(
        "events",
        "timelines.TimelineEvent",
        write_name="events",
        positioned=False,
        cites_sources=True,
    ),
    Section("scenarios", "stories.Scenario", write_name="scenarios", cites_sources=True),
    Section("historical_contexts", "stories.HistoricalContext", write_name="historical_contexts"),
    Section("story_sources", "stories.StorySource", write_name="sources", joined="source"),
)

BY_NAME = {section.name: section for section in SECTIONS}
SECTION_NAMES = tuple(BY_NAME)
# The API write's section fields, in page order.
WRITTEN = {section.write_name: section for section in SECTIONS if section.write_name}
CITING = tuple(section for section in SECTIONS if section.cites_sources)


class StorySections:
    """One story's rows of each section it shows, in page order: `story.sections.events`.

    A detail read (page, API, sync, export) loads them all at once, from the database or the
    story's stored document (stories.selectors); a story read another way loads a section on
    first use, through its relation (and any prefetch of it).
    """

    def __init__(self, story):
        self._story = story

    def __getattr__(self, name: str) -> list:
        section = BY_NAME.get(name)
        if section is None or not section.on_detail:
            raise AttributeError(name)
        rows = getattr(self._story, section.rows_attr, None)
        if rows is None:
            rows = list(getattr(self._story, name).all())
            setattr(self._story, section.rows_attr, rows)
        return rows


def section_models() -> tuple:
    """Every section's model (apps loaded)."""
    return tuple(section.model for section in SECTIONS)
