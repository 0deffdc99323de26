"""Export all content to one JSON file and restore it into an empty database.

What a newsroom needs back after losing its database: every content row (trashed stories
too), the revision history behind "History" and "Compare", the audit log, and the content
change log whose ids are the offline-sync positions apps hold (so their next sync goes on
where it stopped). With `accounts`, also staff and reader accounts (password hashes,
groups, permissions) and readers' follows. Sessions and API tokens are never exported:
people sign in again.
"""

import datetime as dt
import json
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from stories.derived import latest_update_refresh, search_document_refresh
from stories.models import Story, StoryDocument
from stories.sections import SECTIONS

FORMAT = "newsroom-content"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1 files hold content only

# Parents before children, so every row's foreign keys exist when it is loaded.
# The records first, the story, then every section of it (stories.sections).
CONTENT_MODELS = [
    "stories.Category",
    "stories.Source",
    "people.Person",
    "people.Organization",
    "stories.Story",
    "stories.StorySlug",
    *(section.label for section in SECTIONS),
]

# After the content they point at: revisions and versions, who did what, the sync log.
HISTORY_MODELS = [
    "reversion.Revision",
    "reversion.Version",
    "stories.AuditEntry",
    "stories.ContentChange",
]

# With accounts only: groups and users before everything that names them (by natural key),
# follows after the stories they point at.
ACCOUNT_MODELS = ["auth.Group", settings.AUTH_USER_MODEL]
READER_MODELS = ["readers.Follow"]


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it rounds them to milliseconds)."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


def _models(labels=None):
    return [apps.get_model(label) for label in (CONTENT_MODELS if labels is None else labels)]


def _export_labels(accounts: bool) -> list[str]:
    if accounts:
        return [*ACCOUNT_MODELS, *CONTENT_MODELS, *HISTORY_MODELS, *READER_MODELS]
    return [*CONTENT_MODELS, *HISTORY_MODELS]


def _manager(model):
    # Trashed stories are content too: a backup must bring them back.
    return model._base_manager


def content_export(
    *, accounts: bool = False, progress: Callable[[int], None] | None = None
) -> dict:
    """Every content row (trashed stories included), its history and every media file it
    references; with `accounts`, also the accounts and readers' follows."""
    objects, media = [], set()
    labels = _export_labels(accounts)
    for label, model in zip(labels, _models(labels), strict=True):
        rows = _manager(model).order_by("pk")
        file_fields = [
            f.name
            for f in model._meta.fields
            if f.get_internal_type() in ("FileField", "ImageField")
        ]
        data = json.loads(
            json.dumps(
                serializers.serialize(
                    "python",
                    rows,
                    use_natural_foreign_keys=True,
                    # Accounts are matched by username and groups by name on import, so a
                    # restore meets the groups its migrations made instead of duplicating them.
                    use_natural_primary_keys=label in ACCOUNT_MODELS,
                ),
                cls=FullPrecisionEncoder,
            )
        )
        for row in data:
            row["fields"].pop("search_document", None)  # derived; rebuilt on import
        objects.extend(data)
        for row in data:
            media.update(row["fields"][name] for name in file_fields if row["fields"].get(name))
        if progress:
            progress(len(data))
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "accounts": accounts,
        "media_root": str(settings.MEDIA_ROOT),
        "media": sorted(media),
        "counts": {
            label: sum(1 for o in objects if o["model"] == label.lower()) for label in labels
        },
        "objects": objects,
    }


def content_count(*, accounts: bool = False) -> int:
    """Rows an export would hold (the content alone decides whether a database is empty)."""
    return sum(_manager(model).count() for model in _models(_export_labels(accounts)))


class ImportRefused(Exception):
    pass


@transaction.atomic
def content_import(data: dict, *, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Load an export into an empty database. Returns rows loaded per model.

    Accounts in the file are created, or update the account of the same username. References
    to accounts that exist neither here nor in the file (an update note's author, a revision's
    editor) are kept as empty.
    """
    if data.get("format") != FORMAT or data.get("version") not in READABLE_VERSIONS:
        raise ImportRefused("This file is not a Newsroom content export this version can read.")
    if content_count() or any(_manager(m).exists() for m in _models(HISTORY_MODELS)):
        raise ImportRefused("The database already holds content; import only into an empty one.")
    user_model = get_user_model()
    file_users = {
        row["fields"][user_model.USERNAME_FIELD]
        for row in data["objects"]
        if row["model"] == user_model._meta.label_lower
    }
    usernames = file_users | set(
        user_model.objects.values_list(user_model.USERNAME_FIELD, flat=True)
    )
    imported = {row["model"] for row in data["objects"]}
    labels = [label for label in _export_labels(accounts=True) if label.lower() in imported]
    user_fields = {
        (model._meta.label_lower, f.name)
        for model in _models(labels)
        for f in model._meta.fields
        if f.is_relation and f.related_model is user_model
    }
    for row in data["objects"]:
        for label, name in user_fields:
            if (
                row["model"] == label
                and row["fields"].get(name)
                and row["fields"][name][0] not in usernames
            ):
                row["fields"][name] = None
    loaded: dict[str, int] = {}
    for obj in serializers.deserialize("python", data["objects"], handle_forward_references=True):
        obj.save()
        label = obj.object._meta.label
        loaded[label] = loaded.get(label, 0) + 1
        if progress:
            progress(1)
    # Derived columns are recomputed here, not trusted from the file: an export from SQLite has
    # no search documents, and one made before a column existed has its default.
    story_ids = list(Story.all_objects.values_list("pk", flat=True))
    # Stored read documents are derived too, and checked against change-log ids the file may
    # have reused: the next read of each story builds its own.
    StoryDocument.objects.all().delete()
    for start in range(0, len(story_ids), 1000):
        latest_update_refresh(story_ids[start : start + 1000])
        search_document_refresh(story_ids[start : start + 1000])
    # Ids were kept: move PostgreSQL's sequences past them so new rows do not collide.
    statements = connection.ops.sequence_reset_sql(no_style(), _models(labels))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return loaded
