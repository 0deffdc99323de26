"""The one list of a story's sections (stories/sections.py), and every consumer iterating it."""

import pytest
import reversion
from django.apps import apps
from django.contrib import admin

from stories.models import STORY_SECTIONS, Story
from stories.permissions import SECTION_MODELS
from stories.sections import SECTIONS, WRITTEN
from stories.selectors import section_prefetches
from stories.write_serializers import SECTIONS as WRITE_SECTIONS
from stories.write_serializers import StoryWriteSerializer
from stories.writes import LINKED, ROW_SECTIONS, SOURCES
from syndication.backup import CONTENT_MODELS

# Models with a foreign key to Story that are not part of what it shows: a reader's follow of
# it, the audit log (which outlives the story), its earlier slugs (the backup keeps them), and
# who has it open in the admin with their private autosave (editorial.presence).
NOT_SECTIONS = {
    "readers.Follow",
    "stories.AuditEntry",
    "stories.StorySlug",
    "editorial.EditingSession",
}


def _models_pointing_at_story() -> set[str]:
    return {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.many_to_one and field.related_model is Story
    }


def test_every_model_with_a_foreign_key_to_story_is_a_registered_section():
    registered = {section.label for section in SECTIONS}
    assert _models_pointing_at_story() - NOT_SECTIONS == registered


def test_each_section_is_named_by_its_relation_on_story():
    for section in SECTIONS:
        field = Story._meta.get_field(section.name)
        assert field.related_model is section.model
        assert hasattr(section.model, "sources") == section.cites_sources, section.name
        assert any(f.name == "position" for f in section.model._meta.fields) == (
            section.positioned
        ), section.name
        if section.joined:
            assert section.model._meta.get_field(section.joined).many_to_one


def test_revision_history_follows_every_section_and_versions_its_rows():
    assert STORY_SECTIONS == [section.name for section in SECTIONS]
    assert reversion.is_registered(Story)
    for section in SECTIONS:
        assert reversion.is_registered(section.model), section.label


def test_the_permission_rule_covers_every_section():
    assert set(SECTION_MODELS) == {section.model for section in SECTIONS}


def test_the_admin_has_an_inline_for_every_section_in_registry_order():
    inlines = admin.site._registry[Story].inlines
    assert [inline.model for inline in inlines] == [section.model for section in SECTIONS]


def test_the_detail_read_prefetches_every_section_it_shows_in_page_order():
    prefetches = section_prefetches()
    shown = [section for section in SECTIONS if section.on_detail]
    assert [p.prefetch_through for p in prefetches] == [section.name for section in shown]
    # Into the attributes `story.sections` reads, as a stored document loads them.
    assert [p.prefetch_to for p in prefetches] == [section.rows_attr for section in shown]
    # Voices are the one section read on demand (signed-in readers only).
    assert [s.name for s in SECTIONS if not s.on_detail] == ["voices"]


def test_the_backup_exports_every_section():
    assert {section.label for section in SECTIONS} <= set(CONTENT_MODELS)
    story = CONTENT_MODELS.index("stories.Story")
    assert all(CONTENT_MODELS.index(section.label) > story for section in SECTIONS)


def test_the_api_write_covers_every_written_section():
    assert list(WRITE_SECTIONS) == list(WRITTEN)
    fields = StoryWriteSerializer().fields
    for name in WRITTEN:
        assert name in fields, name
    assert {SOURCES, *LINKED, *ROW_SECTIONS} == set(WRITTEN)


@pytest.mark.django_db
def test_a_story_detail_reads_every_section_it_shows(demo_story, django_assert_num_queries):
    from stories.selectors import story_detail

    for read in ("from the database", "from the stored document"):
        story = story_detail(slug=demo_story.slug)
        with django_assert_num_queries(0):
            for section in SECTIONS:
                if section.on_detail:
                    assert isinstance(getattr(story.sections, section.name), list), read


def test_the_change_log_watches_every_section_readers_get():
    from stories import changes

    shown = {section.model for section in SECTIONS if section.on_detail}
    assert set(changes.STORY_PARTS) == shown
    assert set(changes.CITATION_TABLES) == {
        s.model.sources.through for s in SECTIONS if s.cites_sources
    }
