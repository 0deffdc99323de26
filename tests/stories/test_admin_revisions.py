"""The story's admin History: a save with nothing changed adds no revision, and the form's
hidden concurrency fields (seen_version, seen_at) never appear in a change message."""

import pytest
from django.contrib.admin.models import LogEntry
from reversion.models import Version

from stories.models import Story
from tests.admin_forms import change_form_data, change_url
from tests.factories import make_story

pytestmark = pytest.mark.django_db


def history(story):
    versions = Version.objects.get_for_object(story)
    return [v.revision.get_comment() for v in versions]


def test_a_story_saved_unchanged_adds_no_revision(staff_client):
    story = make_story(events=2, people=1, sources=1, indicators=1)
    data = change_form_data(staff_client, story)
    versions, entries = Version.objects.count(), LogEntry.objects.count()
    version = Story.objects.get(pk=story.pk).version

    response = staff_client.post(change_url(story), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert Version.objects.count() == versions, history(story)
    assert LogEntry.objects.count() == entries
    assert Story.objects.get(pk=story.pk).version == version


def test_a_real_change_names_only_what_the_editor_changed(staff_client):
    story = make_story(events=1)
    data = change_form_data(staff_client, story)
    data["dek"] = "A new line under the headline"

    response = staff_client.post(change_url(story), data)

    assert response.status_code == 302
    comments = history(story)
    assert comments == ["Changed Summary line."]
    message = LogEntry.objects.latest("pk").get_change_message()
    assert message == "Changed Summary line."


def test_only_a_section_changed_names_the_section_not_the_hidden_fields(staff_client):
    story = make_story(events=1)
    data = change_form_data(staff_client, story)
    title_key = next(k for k in data if k.startswith("events-0-title"))
    data[title_key] = "A corrected event title"

    response = staff_client.post(change_url(story), data)

    assert response.status_code == 302
    message = LogEntry.objects.latest("pk").get_change_message()
    assert "seen" not in message and "A corrected event title" in message, message


def test_a_person_saved_unchanged_logs_nothing(staff_client):
    from tests.factories import make_person

    person = make_person()
    entries = LogEntry.objects.count()
    assert (
        staff_client.post(change_url(person), change_form_data(staff_client, person)).status_code
        == 302
    )
    assert LogEntry.objects.count() == entries
    data = {**change_form_data(staff_client, person), "title": "Foreign minister"}
    assert staff_client.post(change_url(person), data).status_code == 302
    assert LogEntry.objects.latest("pk").get_change_message() == "Changed Current title."
