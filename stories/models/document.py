"""A story's stored read document: its sections as the detail read last loaded them."""

import datetime
import json

from django.db import models


class DocumentEncoder(json.JSONEncoder):
    """Dates and times as full ISO 8601 (DjangoJSONEncoder cuts microseconds, and a row read
    back must equal the row stored)."""

    def default(self, o):
        if isinstance(o, datetime.date | datetime.datetime):
            return o.isoformat()
        return super().default(o)


class StoryDocument(models.Model):
    """Every section of one story, with the records its rows name and the sources each row
    cites, as one JSON document: the detail read (page, API) loads it in the story's own
    query instead of a query per section (stories.selectors.documents).

    Derived data, never edited: it is built on the first detail read after the story changes
    and holds the story's newest change-log position (`change_id`) from then. A read whose
    story has moved past that position rebuilds it, so it can never be served stale: anything
    readers see of a story is logged against the story when it changes (stories.changes).
    """

    story = models.OneToOneField(
        "stories.Story", on_delete=models.CASCADE, primary_key=True, related_name="document"
    )
    change_id = models.BigIntegerField()
    sections = models.JSONField(encoder=DocumentEncoder)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"document of story {self.story_id} at change {self.change_id}"
