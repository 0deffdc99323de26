"""Revision history and compare of a story read as the editor's change: a section's row whose
fields changed is a change of that row (old → new), rows added and removed are named, internal
fields never show, and a save that changed nothing leaves no trace."""

import datetime as dt
import html
import re

import pytest
import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from reversion.models import Revision, Version

from people.models import StoryOrganization, StoryPerson
from stories.models import (
    HistoricalContext,
    HistoricalVoice,
    KeyIndicator,
    Scenario,
    StorySource,
    UpdateNote,
)
from tests.admin_forms import change_form_data
from tests.factories import make_story
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = User.objects.create_user("eddie", "eddie@example.com", "pw-12345-long", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(user)
    return user, client


def _first_revision(story, user=None):
    with reversion.create_revision():
        story.save()
        reversion.set_user(user)


def _save_through_admin(client, story, data):
    response = client.post(reverse("admin:stories_story_change", args=[story.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def _compare(client, story):
    """The compare page of the story's two newest revisions: (its HTML, its text)."""
    versions = Version.objects.get_for_object(story)
    response = client.get(
        reverse("admin:stories_story_compare", args=[story.pk]),
        {"version_id1": versions[1].pk, "version_id2": versions[0].pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    main = page.split('id="content-main"', 1)[1]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
    return page, text


def test_a_scenario_status_change_is_a_change_of_that_scenario(editor):
    user, client = editor
    story = make_story(events=0, scenarios=2)
    _first_revision(story, user)
    data = change_form_data(client, story)
    assert data["scenarios-0-title"] == "Scenario 0"
    data["scenarios-0-status"] = Scenario.Status.RULED_OUT
    _save_through_admin(client, story, data)

    page, text = _compare(client, story)
    assert "Changed: Scenario “Scenario 0”: status Discussed → Ruled out" in text
    assert "<del>Scenario 0</del>" not in page and "<ins>Scenario 0</ins>" not in page
    assert "Scenario 1" not in text  # unchanged rows are not listed


def test_an_event_date_change_reads_as_the_editor_typed_it(editor):
    user, client = editor
    story = make_story(events=2)
    _first_revision(story, user)
    data = change_form_data(client, story)
    title = data["events-0-title"]
    data["events-0-date"] = "2026-03-01"
    data["events-1-date"] = "2025-11"  # a month: precision and date together
    _save_through_admin(client, story, data)

    page, text = _compare(client, story)
    assert f"Changed: Timeline event “{title}”: date 2026-02-05 → 2026-03-01" in text
    assert f"Changed: Timeline event “{data['events-1-title']}”: date 2026-02-04 → 2025-11" in (
        text
    )
    assert "precision" not in text.lower()
    assert f"<del>{TimelineEvent.objects.get(title=title)}</del>" not in page


def test_added_and_removed_rows_are_named(editor):
    user, client = editor
    story = make_story(events=0, scenarios=2)
    _first_revision(story, user)
    data = change_form_data(client, story)
    data["scenarios-1-DELETE"] = "on"
    data["scenarios-TOTAL_FORMS"] = 3
    data.update(
        {
            "scenarios-2-position": 3,
            "scenarios-2-title": "Talks collapse",
            "scenarios-2-description": "Both sides walk away.",
            "scenarios-2-status": Scenario.Status.DISCUSSED,
        }
    )
    _save_through_admin(client, story, data)

    _, text = _compare(client, story)
    assert "Added: Scenario “Talks collapse”" in text
    assert "Removed: Scenario “Scenario 1”" in text
    assert "Scenario 0" not in text


def test_internal_fields_never_show_in_the_compare(editor):
    user, client = editor
    story = make_story(events=1, scenarios=1)
    _first_revision(story, user)
    data = change_form_data(client, story)
    data["headline"] = "A clearer headline"
    data["events-0-title"] = "Talks open in Geneva"
    data["scenarios-0-position"] = 2
    _save_through_admin(client, story, data)

    _, text = _compare(client, story)
    assert "A clearer headline" in text
    assert "Talks open in Geneva" in text
    assert "moved from 1 to 2" in text
    lowered = text.lower()
    for internal in ("updated at", "created at", "updated_at", "seen", "version:"):
        assert internal not in lowered, internal


def test_history_comments_never_name_the_hidden_fields(editor):
    user, client = editor
    story = make_story(events=1)
    _first_revision(story, user)
    data = change_form_data(client, story)
    data["headline"] = "A clearer headline"
    _save_through_admin(client, story, data)

    assert "Headline" in Revision.objects.latest("pk").comment
    page = client.get(reverse("admin:stories_story_history", args=[story.pk])).content.decode()
    assert "Headline" in page
    assert "seen" not in page.lower()


def test_a_save_that_changed_nothing_adds_no_revision_and_no_log_entry(editor):
    user, client = editor
    story = make_story(events=2, scenarios=2, sources=2)
    _first_revision(story, user)
    counts = Version.objects.count(), Revision.objects.count(), LogEntry.objects.count()
    version = story.version
    _save_through_admin(client, story, change_form_data(client, story))
    assert (Version.objects.count(), Revision.objects.count(), LogEntry.objects.count()) == counts
    story.refresh_from_db()
    assert story.version == version


def _story_with_rows(n):
    """A story with `n` rows in every section, a revision, then one change to every row."""
    story = make_story(
        events=n, people=n, organizations=n, sources=n, indicators=n, scenarios=n, contexts=n
    )
    for i in range(n):
        HistoricalVoice.objects.create(story=story, position=i, figure=f"Figure {i}", text="…")
        UpdateNote.objects.create(story=story, text=f"Note {i}")
    _first_revision(story)
    sources = list(story.sources.all())
    with reversion.create_revision():
        for event in story.events.all():
            event.date -= dt.timedelta(days=30)
            event.save()
            event.sources.set(sources[:1])
        Scenario.objects.filter(story=story).update(status=Scenario.Status.HAPPENED)
        KeyIndicator.objects.filter(story=story).update(value="1,550")
        HistoricalContext.objects.filter(story=story).update(title="Renamed")
        HistoricalVoice.objects.filter(story=story).update(figure_context="Someone")
        UpdateNote.objects.filter(story=story).update(text="Edited note")
        StoryPerson.objects.filter(story=story).update(role="New role")
        StoryOrganization.objects.filter(story=story).update(status="New status")
        StorySource.objects.filter(story=story).update(position=99)
        story.headline = "Edited"
        story.save()
    return story


COMPARE_QUERIES = 16


@pytest.mark.parametrize("rows", [2, 12])
def test_compare_reads_the_revisions_in_a_fixed_number_of_queries(
    editor, rows, django_assert_num_queries
):
    _, client = editor
    story = _story_with_rows(rows)
    versions = Version.objects.get_for_object(story)
    url = reverse("admin:stories_story_compare", args=[story.pk])
    params = {"version_id1": versions[1].pk, "version_id2": versions[0].pk}
    client.get(url, params)  # warm: content types, the session
    with django_assert_num_queries(COMPARE_QUERIES):
        response = client.get(url, params)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("status <del>Discussed</del> → <ins>Happened</ins>") == rows
    assert text.count("Changed:") == 9 * rows
