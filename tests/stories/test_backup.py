import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from people.models import Organization, Person
from stories import generator
from stories.backup import CONTENT_MODELS, content_export, content_import
from stories.models import Category, Source, Story, UpdateNote

pytestmark = pytest.mark.django_db


def snapshot():
    """Every field of every content row, with many-to-many ids, keyed by model and id."""
    rows = {}
    for label in CONTENT_MODELS:
        model = apps.get_model(label)
        for obj in model._base_manager.order_by("pk"):
            values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            for m2m in model._meta.many_to_many:
                if m2m.remote_field.through._meta.auto_created:
                    values[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
            rows[(label, obj.pk)] = values
    return rows


def wipe():
    Story.all_objects.all().delete()
    for model in (Source, Person, Organization, Category):
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
