"""Optimistic concurrency made atomic: lock the row, then compare versions, then write.

Every write to a story, one of its sections, or a record stories show (source, person,
organization) starts inside its transaction by locking the rows it will change (`SELECT … FOR
UPDATE` on PostgreSQL), and only then compares what the writer saw (the API's If-Match ETag,
the admin's seen version) with what is stored. A second writer holding the same version waits
for the first to commit, then sees the new version and is refused. A check before an unlocked
write lets both through, however fast the check.

Locks are taken stories first, in id order, then the row itself, so two writers never wait on
each other in a circle. A change to a section moves its story's version on
(`stories_changed`), so whoever holds the story's old version is refused too.

SQLite has no row locks: there every transaction takes the database's write lock when it
begins (`transaction_mode` IMMEDIATE in settings), which serialises writers the same way.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from stories.models import Story
from stories.permissions import SECTION_MODELS


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        # PostgreSQL refuses FOR UPDATE outside a transaction; fail the same way on SQLite.
        raise transaction.TransactionManagementError(
            "Lock rows inside transaction.atomic(): the lock ends with the transaction."
        )


def lock_stories(*story_ids) -> dict[int, int]:
    """Lock these stories' rows until the transaction ends; return {id: current version}."""
    _in_transaction()
    ids = sorted({int(i) for i in story_ids if i is not None})
    if not ids:
        return {}
    return dict(
        Story.all_objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "version")
    )


def lock_story(story_id) -> int | None:
    """Lock one story's row; return its current version (None when there is no such story)."""
    return lock_stories(story_id).get(int(story_id))


def lock_row(model, pk) -> dict | None:
    """Lock one row of `model` (after its story's row, for a section); return its stored
    values, None when it is gone. Values read under the lock are the committed ones."""
    _in_transaction()
    rows = model._base_manager.filter(pk=pk)
    if model in SECTION_MODELS:
        for _ in range(3):
            story_id = rows.values_list("story_id", flat=True).first()
            if story_id is None:
                return None
            lock_stories(story_id)
            locked = rows.filter(story_id=story_id).select_for_update().values().first()
            if locked is not None:
                return locked
            # Moved to another story between the two reads: lock that one instead.
        raise transaction.TransactionManagementError(f"{model.__name__} {pk} keeps moving.")
    return rows.select_for_update().values().first()


def lock_object(obj) -> dict | None:
    """`lock_row` for a model instance (a Story locks its own row)."""
    if isinstance(obj, Story):
        lock_stories(obj.pk)
        return Story.all_objects.filter(pk=obj.pk).values().first()
    return lock_row(type(obj), obj.pk)


def stories_changed(*story_ids) -> None:
    """A section of these stories changed without a story save: move each one's version and
    `updated_at` on, so a client or an editor holding the old version is refused."""
    ids = {int(i) for i in story_ids if i is not None}
    if ids:
        Story.all_objects.filter(pk__in=ids).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
