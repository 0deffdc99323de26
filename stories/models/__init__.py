"""An explainer story and the sections it is built from.

`records`: Category and Source; `story`: Story and the one visibility rule; `sections`: the
parts of a story; `log`: trash, audit and change logs. Revision history is registered here,
once every model is defined.
"""

import reversion
from django.db.models.signals import pre_save
from django.dispatch import receiver

from stories.models.document import StoryDocument
from stories.models.log import AuditEntry, ContentChange, TrashedStory
from stories.models.records import Category, Source, http_url_validator
from stories.models.sections import (
    HistoricalContext,
    HistoricalVoice,
    KeyIndicator,
    Scenario,
    StorySource,
    UpdateNote,
)
from stories.models.story import (
    DERIVED_FIELDS,
    NO_UPDATE_DAY,
    LatestUpdate,
    Story,
    StoryManager,
    StoryQuerySet,
    StorySlug,
    public,
)
from stories.sections import SECTION_NAMES, SECTIONS

__all__ = [
    "DERIVED_FIELDS",
    "NO_UPDATE_DAY",
    "NOT_REVISIONED",
    "STORY_SECTIONS",
    "AuditEntry",
    "Category",
    "ContentChange",
    "HistoricalContext",
    "HistoricalVoice",
    "KeyIndicator",
    "LatestUpdate",
    "Scenario",
    "Source",
    "Story",
    "StoryDocument",
    "StoryManager",
    "StoryQuerySet",
    "StorySlug",
    "StorySource",
    "TrashedStory",
    "UpdateNote",
    "public",
    "http_url_validator",
]

# Revision history: a story is saved with every section, so restoring a revision brings back
# rows deleted since (revert with delete=True) and puts the old values back in the others.
STORY_SECTIONS = list(SECTION_NAMES)
# The version counter, the trash state and the derived columns are not content: restoring an
# old revision must neither take the counter back (edit-conflict checks rely on it) nor move
# the story in or out of the trash.
NOT_REVISIONED = ("version", "deleted_at", "deleted_by", "latest_update_on", "search_document")
reversion.register(Story, follow=STORY_SECTIONS, exclude=list(NOT_REVISIONED))


@receiver(pre_save, sender=Story, dispatch_uid="story-raw-save-keeps-version")
def _raw_save_keeps_what_revisions_lack(sender, instance, raw=False, **kwargs):
    """A revision restored (a raw save) carries none of NOT_REVISIONED, so it would write their
    defaults: version 1, out of the trash. Keep the stored values, and count the version on."""
    if not raw or instance.pk is None:
        return
    attnames = [Story._meta.get_field(name).attname for name in NOT_REVISIONED]
    stored = Story.all_objects.filter(pk=instance.pk).values(*attnames).first()
    if stored is not None:
        for attname, value in stored.items():
            setattr(instance, attname, value)
        instance.version = stored["version"] + 1


# Each section's rows are versioned (people, organizations and events register in their apps,
# which stories may not be imported by; tests/stories/test_sections.py checks all are).
for section in SECTIONS:
    if section.label.startswith("stories."):
        reversion.register(section.model)
