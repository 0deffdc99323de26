"""The Django admin for every model, registered when Django autodiscovers this module.

story: the story form, its section inlines (inlines) and workflow actions; trash: the trash
and the audit log; records: categories, sources, people, organizations, events, follows;
images: the picture library; guards: the edit-conflict and publish-permission checks every change form shares.
"""

from editorial.admin import images, records, story, trash

__all__ = ["images", "records", "story", "trash"]
