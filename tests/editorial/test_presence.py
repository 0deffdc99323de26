"""Presence (who else has a story open, since when; taking over) and autosave on its change page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import reversion
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from reversion.models import Version

from editorial import presence
from editorial.models import EditingSession
from stories.models import Story
from tests.admin_forms import change_form_data, change_url
from tests.factories import make_story

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def member(username, group, full_name=""):
    first, _, last = full_name.partition(" ")
    user = User.objects.create_user(
        username, password="pw-12345-long", is_staff=True, first_name=first, last_name=last
    )
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def eddie():
    return member("eddie", "Editor", "Eddie Example")


@pytest.fixture
def bea():
    return member("bea", "Editor")


@pytest.fixture
def story():
    story = make_story()
    with reversion.create_revision():
        story.save()
    return story


def url(name, story):
    return reverse(f"admin:stories_story_presence{name}", args=[story.pk])


def page(client, story, query=""):
    response = client.get(change_url(story) + query)
    assert response.status_code == 200
    return response


def autosave(client, story, data):
    return client.post(url("_autosave", story), urlencode(data, doseq=True), content_type=FORM)


def at_local(hour, minute):
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    return timezone.now().astimezone(zone).replace(hour=hour, minute=minute, second=0)


# --- Presence ------------------------------------------------------------------------------


def test_the_second_editor_is_told_who_has_the_story_open_and_since_when(eddie, bea, story):
    eddie_user, eddie_client = eddie
    page(eddie_client, story)
    EditingSession.objects.filter(user=eddie_user).update(started_at=at_local(14, 2))

    html = page(bea[1], story).content.decode()
    assert "Eddie Example has had this story open since 14:02 (active just now)." in html
    assert "Saving over their changes is refused, so agree who edits." in html
    assert 'role="status"' in html
    assert f'href="{url("_take_over", story)}">Take over editing</a>' in html
    # Eddie, alone before, was told of nobody; now he is told of bea (no full name: username).
    state = eddie_client.post(url("", story), {"seen_version": story.version}).json()
    assert [o["name"] for o in state["others"]] == ["bea"]
    assert "bea has had this story open since" in state["others"][0]["text"]


def test_a_session_not_seen_within_the_window_is_not_shown_and_is_cleared(eddie, bea, story):
    eddie_user, eddie_client = eddie
    page(eddie_client, story)
    EditingSession.objects.filter(user=eddie_user).update(
        last_seen_at=timezone.now() - presence.PRESENCE_WINDOW - dt.timedelta(seconds=1)
    )
    html = page(bea[1], story).content.decode()
    assert "has had this story open" not in html
    assert "Take over editing" not in html
    assert not EditingSession.objects.filter(user=eddie_user).exists()  # no autosave to keep


def test_a_closed_page_is_gone_at_once(eddie, bea, story):
    eddie_user, eddie_client = eddie
    page(eddie_client, story)
    assert eddie_client.post(url("_release", story)).status_code == 200
    assert "has had this story open" not in page(bea[1], story).content.decode()


def test_taking_over_tells_the_first_editor_on_their_next_ping(eddie, bea, story):
    eddie_user, eddie_client = eddie
    bea_user, bea_client = bea
    page(eddie_client, story)
    page(bea_client, story)

    confirm = bea_client.get(url("_take_over", story))
    assert confirm.status_code == 200 and b'<form method="post">' in confirm.content
    assert not EditingSession.objects.filter(taken_over_by__isnull=False).exists()  # GET: no
    response = bea_client.post(url("_take_over", story))
    assert response.status_code == 302 and response["Location"] == change_url(story)

    state = eddie_client.post(url("", story), {"seen_version": story.version}).json()
    now = f"{timezone.localtime(timezone.now(), ZoneInfo(settings.DISPLAY_TIME_ZONE)):%H:%M}"
    assert state["taken_over"] == (
        f"bea took over editing at {now}; your unsaved changes are kept in this page "
        "but saving may be refused."
    )
    html = page(bea_client, story).content.decode()
    assert "You took over editing at" in html and "Take over editing</a>" not in html


def test_the_ping_says_when_the_story_was_saved_since_the_page_opened(eddie, bea, story):
    eddie_client = eddie[1]
    page(eddie_client, story)
    assert not eddie_client.post(url("", story), {"seen_version": story.version}).json()[
        "story_changed"
    ]
    form = change_form_data(bea[1], story)
    assert bea[1].post(change_url(story), {**form, "dek": "Bea's dek"}).status_code == 302
    state = eddie_client.post(url("", story), {"seen_version": story.version}).json()
    assert (
        state["story_changed"]
        and "saving this page will be refused" in (state["story_changed_text"])
    )


def test_who_may_not_change_the_story_may_not_ping_and_is_not_editing(eddie, story):
    wendy_user, wendy = member("wendy", "Writer")  # a published story is read-only to her
    page(wendy, story)
    assert not EditingSession.objects.filter(user=wendy_user).exists()
    for name in ("", "_release", "_autosave", "_take_over", "_discard"):
        assert wendy.post(url(name, story), {"seen_version": story.version}).status_code == 403
    assert eddie[1].get(url("", story)).status_code == 405  # a ping is a POST


def test_anonymous_requests_go_to_the_login_page(story):
    response = Client().post(url("", story))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_presence_is_csrf_protected(eddie, story):
    careful = Client(enforce_csrf_checks=True)
    careful.force_login(eddie[0])
    assert careful.post(url("", story), {"seen_version": story.version}).status_code == 403


# --- Autosave ------------------------------------------------------------------------------


def test_autosave_keeps_the_form_without_touching_the_story(eddie, story):
    eddie_user, eddie_client = eddie
    data = {**change_form_data(eddie_client, story), "headline": "Autosaved headline"}
    before = Story.objects.values("version", "updated_at", "headline").get(pk=story.pk)
    versions = Version.objects.get_for_object(story).count()

    response = autosave(eddie_client, story, data)
    assert response.status_code == 200 and "autosaved_at" in response.json()

    assert Story.objects.values("version", "updated_at", "headline").get(pk=story.pk) == before
    assert Version.objects.get_for_object(story).count() == versions
    session = EditingSession.objects.get(user=eddie_user, story=story)
    assert session.autosave["headline"] == ["Autosaved headline"]
    assert session.autosave_version == story.version
    assert "csrfmiddlewaretoken" not in session.autosave


def test_a_restore_renders_the_autosaved_values_without_saving(eddie, story):
    eddie_client = eddie[1]
    data = {**change_form_data(eddie_client, story), "headline": "Autosaved headline"}
    assert autosave(eddie_client, story, data).status_code == 200

    offer = page(eddie_client, story).content.decode()
    assert "You have unsaved changes from" in offer
    assert f'href="{change_url(story)}?restore=autosave">Restore them</a>' in offer
    assert "private copy of this form for you only" in offer

    restored = page(eddie_client, story, "?restore=autosave")
    form = restored.context["adminform"].form
    assert form.is_bound and form["headline"].value() == "Autosaved headline"
    assert 'value="Autosaved headline"' in restored.content.decode()
    assert "Showing your unsaved changes from" in restored.content.decode()
    story.refresh_from_db()
    assert story.headline != "Autosaved headline"


def test_a_restore_over_someone_elses_save_is_refused_at_save(eddie, bea, story):
    eddie_client = eddie[1]
    data = {**change_form_data(eddie_client, story), "headline": "Eddie's autosaved headline"}
    assert autosave(eddie_client, story, data).status_code == 200
    seen = story.version
    form = change_form_data(bea[1], story)
    assert bea[1].post(change_url(story), {**form, "dek": "Bea's dek"}).status_code == 302

    restored = page(eddie_client, story, "?restore=autosave")
    bound = restored.context["adminform"].form
    assert bound["seen_version"].value() == str(seen)  # the version the autosave was made from
    assert "The story has been saved since they were made" in restored.content.decode()

    response = eddie_client.post(change_url(story), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors and "bea saved this story" in errors[0]
    story.refresh_from_db()
    assert story.headline != "Eddie's autosaved headline" and story.dek == "Bea's dek"


def test_a_save_discards_the_autosave(eddie, story):
    eddie_user, eddie_client = eddie
    data = {**change_form_data(eddie_client, story), "headline": "Saved headline"}
    assert autosave(eddie_client, story, data).status_code == 200
    assert eddie_client.post(change_url(story), data).status_code == 302
    session = EditingSession.objects.get(user=eddie_user, story=story)
    assert session.autosave is None and session.autosaved_at is None
    assert "You have unsaved changes" not in page(eddie_client, story).content.decode()


def test_discarding_an_autosave(eddie, story):
    eddie_user, eddie_client = eddie
    assert autosave(eddie_client, story, change_form_data(eddie_client, story)).status_code == 200
    assert eddie_client.get(url("_discard", story)).status_code == 200  # a confirmation
    assert EditingSession.objects.get(user=eddie_user).autosaved_at is not None
    assert eddie_client.post(url("_discard", story)).status_code == 302
    assert EditingSession.objects.get(user=eddie_user).autosaved_at is None


def test_an_autosave_over_the_limit_is_refused_naming_it(eddie, story):
    eddie_user, eddie_client = eddie
    data = {**change_form_data(eddie_client, story), "overview": "x" * presence.AUTOSAVE_MAX_BYTES}
    response = autosave(eddie_client, story, data)
    assert response.status_code == 413
    assert "up to 1 MB" in response.json()["error"]
    assert EditingSession.objects.get(user=eddie_user).autosave is None


def test_an_autosave_needs_the_version_it_was_made_from(eddie, story):
    data = change_form_data(eddie[1], story)
    del data["seen_version"]
    assert autosave(eddie[1], story, data).status_code == 400


def test_a_closed_page_keeps_its_autosave_past_the_window(eddie, bea, story):
    eddie_user, eddie_client = eddie
    assert autosave(eddie_client, story, change_form_data(eddie_client, story)).status_code == 200
    eddie_client.post(url("_release", story))
    EditingSession.objects.filter(user=eddie_user).update(
        last_seen_at=timezone.now() - dt.timedelta(hours=3)
    )
    assert "has had this story open" not in page(bea[1], story).content.decode()
    assert "You have unsaved changes from" in page(eddie_client, story).content.decode()


# --- Cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("events", [2, 12])
def test_the_change_page_with_presence_costs_the_same_queries_at_any_size(
    eddie, bea, events, django_assert_num_queries
):
    story = make_story(events=events)
    page(eddie[1], story)  # someone else is on the page
    with django_assert_num_queries(CHANGE_PAGE_QUERIES) as captured:
        html = page(bea[1], story).content.decode()
    assert "Eddie Example has had this story open since" in html
    mine = [q["sql"] for q in captured.captured_queries if "editorial_editingsession" in q["sql"]]
    assert len(mine) == PRESENCE_QUERIES


# Presence on a first opening: my session's update, its insert, the lapsed sessions' delete,
# and one read of who is here with their users (three on a reload: no insert).
PRESENCE_QUERIES = 4
# The page as a whole, the same at any size (rows name their cited sources from one prefetch:
# editorial.admin.pickers; it was 24 at 2 events and 34 at 12 before; 23 now).
CHANGE_PAGE_QUERIES = 23
