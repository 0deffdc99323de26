"""Named reads shared by the story pages and the API; they own the prefetching.

detail: one story with its sections; sections: loading sections and citations for many
stories; cards: the Brief, category and involvement lists; related: related stories.
"""

from stories.selectors.cards import (
    CARD_INDICATORS,
    ENTITY_RECENT_EVENTS,
    newest_update_first,
    story_cards,
    story_list_involving,
)
from stories.selectors.detail import (
    story_detail,
    story_detail_queryset,
    story_details,
    story_list,
    story_page,
    story_renamed,
    story_voices,
)
from stories.selectors.related import story_related
from stories.selectors.sections import (
    attach_citations,
    attach_citations_many,
    load_sections,
    section_prefetches,
)

__all__ = [
    "CARD_INDICATORS",
    "ENTITY_RECENT_EVENTS",
    "attach_citations",
    "attach_citations_many",
    "load_sections",
    "section_prefetches",
    "newest_update_first",
    "story_cards",
    "story_detail",
    "story_detail_queryset",
    "story_details",
    "story_list",
    "story_list_involving",
    "story_page",
    "story_renamed",
    "story_related",
    "story_voices",
]
