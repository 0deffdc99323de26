import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from people.models import Organization, Person
from stories import generator
from stories.models import Category, Source, Story, UpdateNote
from syndication.backup import CONTENT_MODELS, HISTORY_MODELS, content_export, content_import

pytestmark = pytest.mark.django_db


def snapshot(labels=(*CONTENT_MODELS, *HISTORY_MODELS)):
    """Every field of every row of `labels`, with many-to-many ids, keyed by model and id."""
    rows = {}
    for label in labels:
        model = apps.get_model(label)
        for obj in model._base_manager.order_by("pk"):
            values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            for m2m in model._meta.many_to_many:
                if m2m.remote_field.through._meta.auto_created:
                    values[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
            rows[(label, obj.pk)] = values
    return rows


def wipe():
    from reversion.models import Revision

    from stories.models import AuditEntry, ContentChange

    Story.all_objects.all().delete()
    for model in (Source, Person, Organization, Category, Revision, AuditEntry, ContentChange):
        model.objects.all().delete()


def test_export_import_round_trip_loses_nothing(demo_story, staff_user, monkeypatch, tmp_path):
    monkeypatch.setattr(generator, "CHUNK", 10)
    monkeypatch.setattr(generator, "PERSON_POOL", 30)
    monkeypatch.setattr(generator, "ORGANIZATION_POOL", 10)
    generator.content_generate(stories=12, seed=9)
    UpdateNote.objects.create(story=demo_story, text="A note", author=staff_user)
    trashed = Story.objects.filter(slug__startswith="gen-").first()
    from stories.services import story_trash

    story_trash(story=trashed, user=staff_user)
    before = snapshot()
    assert len(before) > 500
    path = tmp_path / "backup.json"
    call_command("export_content", str(path))
    wipe()
    assert not Story.all_objects.exists()
    call_command("import_content", str(path))
    after = snapshot()
    differing = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not differing, list(differing.items())[:1]
    assert after.keys() == before.keys()
    # New rows get fresh ids after the import (sequences moved past the imported ones).
    category = Category.objects.create(name="After import", slug="after-import")
    assert category.pk > max(pk for (label, pk) in before if label == "stories.Category")


def test_import_refuses_a_database_with_content(demo_story, tmp_path):
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(content_export()))
    with pytest.raises(CommandError, match="already holds content"):
        call_command("import_content", str(path))


def test_import_refuses_other_files(db, tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"hello": "world"}))
    with pytest.raises(CommandError, match="not a Newsroom content export"):
        call_command("import_content", str(path))
    path.write_text("not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_content", str(path))


def test_authors_missing_here_are_kept_empty(demo_story, staff_user):
    UpdateNote.objects.create(story=demo_story, text="A note", author=staff_user)
    data = content_export()
    wipe()
    staff_user.delete()
    content_import(data)
    assert UpdateNote.objects.get().author is None


def _history(demo_story, staff_user):
    """A revision with every section, an audit entry and sync-log rows, as editing makes."""
    import reversion

    from stories.models import AuditEntry, ContentChange
    from stories.services import audit_record

    with reversion.create_revision():
        demo_story.dek = "A revised summary"
        demo_story.save()
        reversion.set_user(staff_user)
        reversion.set_comment("Changed dek.")
    audit_record(actor=staff_user, action=AuditEntry.Action.PUBLISHED, story=demo_story)
    ContentChange.objects.bulk_create(
        ContentChange(kind="story", object_id=demo_story.pk) for _ in range(3)
    )


def test_revision_history_audit_log_and_sync_log_are_restored(demo_story, staff_user):
    from reversion.models import Version

    from stories.models import AuditEntry, ContentChange

    _history(demo_story, staff_user)
    before = snapshot()
    versions_before = Version.objects.get_for_object(demo_story).count()
    assert versions_before and AuditEntry.objects.exists() and ContentChange.objects.exists()
    data = content_export()
    assert data["counts"]["reversion.Version"] > 10  # the story with every section
    wipe()
    content_import(data)
    assert snapshot() == before
    # Still usable as history: the story's versions are found and can be compared.
    story = Story.all_objects.get(pk=demo_story.pk)
    versions = Version.objects.get_for_object(story)
    assert versions.count() == versions_before
    assert versions.first().revision.user == staff_user
    assert versions.first().field_dict["dek"] == "A revised summary"
    # Sync positions survive: new log rows come after the imported ones.
    newest = max(pk for (label, pk) in before if label == "stories.ContentChange")
    assert ContentChange.objects.create(kind="story", object_id=story.pk).pk > newest


def test_accounts_and_follows_come_back_only_when_asked(demo_story, staff_user, tmp_path):
    from django.contrib.auth import authenticate, get_user_model
    from django.contrib.auth.models import Group

    from readers.models import Follow

    User = get_user_model()
    reader = User.objects.create_user("reader1", "r@example.com", "a-long-reader-pass-99")
    writer = User.objects.create_user("writer1", "w@example.com", "a-long-writer-pass-99")
    writer.groups.add(Group.objects.get(name="Writer"))
    Follow.objects.create(reader=reader, story=demo_story)
    _history(demo_story, staff_user)

    path = tmp_path / "full.json"
    call_command("export_content", str(path), "--accounts")
    content_only = content_export()
    assert not any(row["model"] == "auth.user" for row in content_only["objects"])
    assert not any(row["model"] == "readers.follow" for row in content_only["objects"])
    exported = json.loads(path.read_text())
    assert {"auth.user", "readers.follow"} <= {row["model"] for row in exported["objects"]}
    assert not any(
        row["model"] in ("authtoken.token", "sessions.session") for row in exported["objects"]
    )

    wipe()
    User.objects.all().delete()
    call_command("import_content", str(path))
    assert authenticate(username="reader1", password="a-long-reader-pass-99") is not None
    restored_writer = User.objects.get(username="writer1")
    assert list(restored_writer.groups.values_list("name", flat=True)) == ["Writer"]
    assert Group.objects.filter(name="Writer").count() == 1  # matched, not duplicated
    assert Follow.objects.get().reader.username == "reader1"
    assert User.objects.get(username="staff").is_superuser
