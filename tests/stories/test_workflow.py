"""Editorial workflow: roles, scheduling, notes, preview links, history, conflicts, trash."""

import datetime as dt
import json
import re
from unittest import mock

import pytest
import reversion
from django.contrib.auth.models import Group, User
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from stories import services
from stories.models import AuditEntry, Story, UpdateNote
from stories.preview import preview_token, preview_url
from tests.admin_forms import change_form_data
from tests.factories import make_person, make_story
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db


def member(name, group):
    user = User.objects.create_user(name, f"{name}@example.com", "pw-12345-long", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def writer():
    return member("wendy", "Writer")


@pytest.fixture
def editor():
    return member("eddie", "Editor")


# --- Roles ---------------------------------------------------------------------------------


def test_groups_are_made_with_the_right_permissions():
    writer_perms = set(
        Group.objects.get(name="Writer").permissions.values_list("codename", flat=True)
    )
    editor_perms = set(
        Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
    )
    assert {"add_story", "change_story", "change_timelineevent", "add_person"} <= writer_perms
    assert not {"publish_story", "delete_story"} & writer_perms
    assert {"publish_story", "delete_story", "delete_source"} <= editor_perms


def test_writer_cannot_publish_but_can_submit_for_review(writer):
    user, client = writer
    story = make_story(status=Story.Status.DRAFT)
    data = change_form_data(client, story)
    data["status"] = "published"
    response = client.post(reverse("admin:stories_story_change", args=[story.pk]), data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.status == "draft"
    data["status"] = "review"
    response = client.post(reverse("admin:stories_story_change", args=[story.pk]), data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == "review"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.story) == ("submitted", user, story)


def test_writer_sees_a_published_story_read_only(writer):
    _, client = writer
    story = make_story()
    response = client.get(reverse("admin:stories_story_change", args=[story.pk]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    response = client.post(
        reverse("admin:stories_story_change", args=[story.pk]), {"headline": "x"}
    )
    assert response.status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.story_set_status(story=story, user=_, status=Story.Status.UNPUBLISHED)


def test_editor_publishes_and_withdraws_with_an_audit_trail(editor):
    user, client = editor
    story = make_story(status=Story.Status.IN_REVIEW)
    url = reverse("admin:stories_story_changelist")
    client.post(url, {"action": "publish_now", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.is_public
    client.post(url, {"action": "unpublish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == "unpublished" and not story.is_public
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "actor__username")) == [
        ("published", "eddie"),
        ("unpublished", "eddie"),
    ]
    response = client.get(reverse("admin:stories_auditentry_changelist"))
    assert "eddie" in response.content.decode()


def test_writer_has_no_publish_or_trash_actions(writer):
    _, client = writer
    make_story(status=Story.Status.DRAFT)
    response = client.get(reverse("admin:stories_story_changelist"))
    actions = [choice[0] for choice in response.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in actions
    assert not {"publish_now", "unpublish", "move_to_trash", "delete_selected"} & set(actions)


# --- Scheduling ----------------------------------------------------------------------------


def test_scheduled_story_appears_at_its_time_and_not_before(client, editor):
    now = timezone.now()
    story = make_story(published_at=now + dt.timedelta(minutes=1))
    assert not story.is_public
    assert story not in Story.objects.published()
    assert client.get(story.get_absolute_url()).status_code == 404
    assert story.headline not in client.get(reverse("stories:home")).content.decode()
    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(minutes=2)):
        assert story in Story.objects.published()
        assert client.get(story.get_absolute_url()).status_code == 200
    # A minute before, in another time zone, is still a minute before.
    tokyo = dt.timezone(dt.timedelta(hours=9))
    Story.objects.filter(pk=story.pk).update(
        published_at=(now + dt.timedelta(minutes=1)).astimezone(tokyo)
    )
    assert story not in Story.objects.published()
    Story.objects.filter(pk=story.pk).update(
        published_at=(now - dt.timedelta(minutes=1)).astimezone(tokyo)
    )
    assert story in Story.objects.published()


def test_admin_lists_scheduled_stories_with_their_time(editor):
    _, client = editor
    make_story(headline="Later story", published_at=timezone.now() + dt.timedelta(days=2))
    make_story(headline="Live story")
    response = client.get(reverse("admin:stories_story_changelist"), {"visibility": "scheduled"})
    assert [s.headline for s in response.context["cl"].result_list] == ["Later story"]
    assert "Scheduled for" in response.content.decode()


# --- Update notes --------------------------------------------------------------------------


def test_update_note_feeds_the_latest_update_line():
    from stories.selectors import story_detail, story_list

    story = make_story(events=0)
    TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 2, 5), title="Old event", description="x"
    )
    UpdateNote.objects.create(story=story, text="Channel tested for the first time")
    for loaded in (story_list().get(pk=story.pk), story_detail(slug=story.slug)):
        update = loaded.latest_update
        assert update.title == "Channel tested for the first time" and update.is_note
    TimelineEvent.objects.create(
        story=story,
        date=timezone.localdate() + dt.timedelta(days=5),
        title="Future-dated event",
        description="x",
    )
    assert story_list().get(pk=story.pk).latest_update.title == "Future-dated event"


def test_editor_adds_an_update_note_in_the_admin(editor):
    user, client = editor
    story = make_story()
    data = change_form_data(client, story)
    data.update(
        {
            "update_notes-TOTAL_FORMS": "1",
            "update_notes-0-text": "Talks postponed",
            "update_notes-0-created_at_0": timezone.localdate().isoformat(),
            "update_notes-0-created_at_1": "00:00:01",
        }
    )
    response = client.post(reverse("admin:stories_story_change", args=[story.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    note = story.update_notes.get()
    assert (note.text, note.author) == ("Talks postponed", user)


# --- Preview links -------------------------------------------------------------------------


def test_signed_preview_shows_one_unpublished_story_for_48_hours(client):
    draft = make_story(status=Story.Status.DRAFT, headline="Secret draft")
    other = make_story(status=Story.Status.DRAFT, headline="Other draft")
    url = preview_url(draft)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Secret draft" in html and "Preview" in html and "Other draft" not in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    # The token names one story: pointing its payload at another breaks the signature.
    payload, stamp, signature = preview_token(draft).split(":")
    forged_payload = signing.b64_encode(json.dumps({"story": other.pk}).encode()).decode()
    forged = ":".join([forged_payload, stamp, signature])
    assert client.get(reverse("story-preview", args=[forged])).status_code == 404
    assert client.get(reverse("story-preview", args=["garbage"])).status_code == 404
    # Expiry: valid just before 48 hours, gone after.
    import time

    real = time.time()
    with mock.patch("time.time", return_value=real + 47 * 3600):
        assert client.get(url).status_code == 200
    with mock.patch("time.time", return_value=real + 49 * 3600):
        assert client.get(url).status_code == 404
    # It is not a key to the story's normal address, nor to lists.
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_preview_of_a_published_story_goes_to_the_real_page(client):
    story = make_story()
    response = client.get(preview_url(story))
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()


def test_admin_offers_the_preview_link(editor):
    _, client = editor
    draft = make_story(status=Story.Status.DRAFT)
    response = client.get(reverse("admin:stories_story_change", args=[draft.pk]))
    page = response.content.decode()
    # Absolute, to paste into a message; copyable; opening it keeps the form in its own tab.
    # (The token carries the second it was made in, so it is read from the page.)
    absolute = re.search(
        r'id="preview-url" value="(http://testserver/preview/[^"]+/)" readonly', page
    )
    assert absolute, page
    assert client.get(absolute[1]).status_code == 200
    assert 'data-copy="preview-url">Copy</button>' in page
    assert f'<a href="{absolute[1]}" target="_blank" rel="noopener">' in page
    assert "js/copy-link" in page


# --- History -------------------------------------------------------------------------------


def test_restoring_a_revision_brings_back_deleted_inline_rows(editor):
    user, client = editor
    story = make_story(events=3, sources=2)
    with reversion.create_revision():
        story.save()
        reversion.set_user(user)
    titles = sorted(story.events.values_list("title", flat=True))
    data = change_form_data(client, story)
    data["headline"] = "Edited headline"
    data["events-0-DELETE"] = "on"
    response = client.post(reverse("admin:stories_story_change", args=[story.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.events.count() == 2 and story.headline == "Edited headline"
    versions = Version.objects.get_for_object(story)
    assert versions.count() == 2
    # The readable diff between the two revisions names what changed.
    compare = client.get(
        reverse("admin:stories_story_compare", args=[story.pk]),
        {"version_id1": versions[1].pk, "version_id2": versions[0].pk},
    )
    assert compare.status_code == 200
    assert "Edited headline" in compare.content.decode()
    # The revision page shows the old story, and saving it restores it with the deleted event.
    revision_url = reverse("admin:stories_story_revision", args=[story.pk, versions[1].pk])
    assert client.get(revision_url).status_code == 200
    versions[1].revision.revert(delete=True)
    story.refresh_from_db()
    assert story.headline != "Edited headline"
    assert sorted(story.events.values_list("title", flat=True)) == titles


# --- Edit conflicts ------------------------------------------------------------------------


def test_second_save_is_refused_naming_who_changed_what(editor):
    first_user, first = editor
    _, second = member("sara", "Editor")
    story = make_story()
    with reversion.create_revision():
        story.save()
    first_form = change_form_data(first, story)
    second_form = change_form_data(second, story)
    first_form["dek"] = "First editor's summary"
    assert (
        first.post(reverse("admin:stories_story_change", args=[story.pk]), first_form).status_code
        == 302
    )
    second_form["overview"] = "Second editor's careful rewrite"
    response = second.post(reverse("admin:stories_story_change", args=[story.pk]), second_form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors and "eddie saved this story" in errors[0] and "summary line" in errors[0]
    # Their text is still on the page to copy from; the database keeps the first save.
    assert "Second editor&#x27;s careful rewrite" in response.content.decode()
    story.refresh_from_db()
    assert (
        story.dek == "First editor's summary"
        and story.overview != "Second editor's careful rewrite"
    )


def test_version_goes_up_with_every_save():
    story = make_story()
    before = story.version
    story.save()
    story.refresh_from_db()
    assert story.version == before + 1


def test_an_admin_save_that_changes_nothing_keeps_the_version(editor):
    _, client = editor
    story = make_story(events=2)
    url = reverse("admin:stories_story_change", args=[story.pk])
    before = Story.objects.get(pk=story.pk)

    response = client.post(url, change_form_data(client, story))

    assert response.status_code == 302
    after = Story.objects.get(pk=story.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    # A change to a section alone moves the version on, as a change to the story does.
    data = change_form_data(client, story)
    data["events-0-title"] = "Retitled on the story page"
    assert client.post(url, data).status_code == 302
    assert Story.objects.get(pk=story.pk).version == before.version + 1


def test_an_event_saved_on_its_own_page_refuses_a_story_save_from_before(editor):
    _, first = editor
    _, second = member("sara", "Editor")
    story = make_story(events=2)
    event = story.events.first()
    story_form = change_form_data(second, story)
    event_url = reverse("admin:timelines_timelineevent_change", args=[event.pk])
    event_form = change_form_data(first, event)
    event_form["title"] = "Corrected on the event page"

    assert first.post(event_url, event_form).status_code == 302
    story_form["dek"] = "A summary written meanwhile"
    response = second.post(reverse("admin:stories_story_change", args=[story.pk]), story_form)

    assert response.status_code == 200
    assert "saved this story" in response.context["adminform"].form.non_field_errors()[0]
    story.refresh_from_db()
    assert story.dek != "A summary written meanwhile"
    assert story.events.filter(title="Corrected on the event page").exists()


def test_a_second_save_of_an_event_page_is_refused(editor):
    _, first = editor
    _, second = member("sara", "Editor")
    event = make_story(events=1).events.get()
    original_description = event.description
    url = reverse("admin:timelines_timelineevent_change", args=[event.pk])
    first_form, second_form = change_form_data(first, event), change_form_data(second, event)
    first_form["title"] = "First"
    second_form["description"] = "Second editor's description"

    assert first.post(url, first_form).status_code == 302
    response = second.post(url, second_form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors and "while you were editing it" in errors[0]
    event.refresh_from_db()
    assert (event.title, event.description) == ("First", original_description)


def test_a_status_change_from_an_old_copy_keeps_newer_edits(editor):
    user, _ = editor
    story = make_story(status=Story.Status.IN_REVIEW)
    stale = Story.objects.get(pk=story.pk)  # as an admin list action holds it
    fresh = Story.objects.get(pk=story.pk)
    fresh.headline = "Edited after the list was loaded"
    fresh.save()

    services.story_set_status(story=stale, user=user, status=Story.Status.PUBLISHED)

    story.refresh_from_db()
    assert (story.status, story.headline) == ("published", "Edited after the list was loaded")


def test_restoring_a_revision_counts_the_version_on():
    story = make_story()
    with reversion.create_revision():
        story.save()
    story.headline = "Later headline"
    with reversion.create_revision():
        story.save()
    story.refresh_from_db()
    before = story.version

    Version.objects.get_for_object(story).last().revision.revert(delete=True)

    story.refresh_from_db()
    assert story.version == before + 1 and story.headline != "Later headline"


# --- Trash ---------------------------------------------------------------------------------


def test_deleting_moves_to_trash_and_restore_brings_it_back(editor, client):
    _, admin_client = editor
    story = make_story()
    response = admin_client.post(
        reverse("admin:stories_story_delete", args=[story.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Story.objects.filter(pk=story.pk).exists()
    assert Story.all_objects.get(pk=story.pk).deleted_at is not None
    assert client.get(story.get_absolute_url()).status_code == 404
    trash = admin_client.get(reverse("admin:stories_trashedstory_changelist"))
    assert story.headline in trash.content.decode()
    admin_client.post(
        reverse("admin:stories_trashedstory_changelist"),
        {"action": "restore", "_selected_action": [story.pk]},
    )
    assert client.get(story.get_absolute_url()).status_code == 200
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "trashed",
        "restored",
    ]


def test_purge_removes_only_stories_trashed_over_30_days(editor, capsys):
    user, _ = editor
    old, recent = make_story(headline="Old one"), make_story(headline="Recent one")
    services.story_trash(story=old, user=user)
    services.story_trash(story=recent, user=user)
    Story.all_objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=30, minutes=1)
    )
    Story.all_objects.filter(pk=recent.pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=29, hours=23)
    )
    call_command("purge_trash", "--dry-run")
    assert "Would purge 1 story" in capsys.readouterr().out
    assert Story.all_objects.filter(pk=old.pk).exists()
    call_command("purge_trash")
    assert "Old one" in capsys.readouterr().out
    assert not Story.all_objects.filter(pk=old.pk).exists()
    assert Story.all_objects.filter(pk=recent.pk).exists()
    call_command("purge_trash")  # safe to run again
    assert AuditEntry.objects.filter(action="purged", story_headline="Old one").exists()


def test_a_cited_person_cannot_be_deleted_and_the_stories_are_named(editor):
    _, client = editor
    story = make_story(headline="Story citing her", people=0)
    person = make_person(name="Cited Person")
    story.story_people.create(person=person)
    response = client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "Story citing her" in response.content.decode()
    assert person.__class__.objects.filter(pk=person.pk).exists()
