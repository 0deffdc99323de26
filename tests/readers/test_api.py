"""Readers through the API: sign-up, tokens, Following, read marks, Voices from History, privacy."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from readers import services
from readers.models import Follow
from stories.models import HistoricalVoice, Story, UpdateNote
from tests.factories import make_story
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db

API = "/api/v1"
PASSWORD = "a-long-Passphrase-9"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def reader(db):
    return User.objects.create_user("kenji", "kenji@example.com", PASSWORD)


@pytest.fixture
def reader_api(reader):
    return signed_in(reader)


def sign_up(client, username="amara", password=PASSWORD, **extra):
    body = {"username": username, "email": f"{username}@example.com", "password": password}
    return client.post(f"{API}/auth/signup/", {**body, **extra}, format="json")


def add_event(story, title="News", **kwargs) -> TimelineEvent:
    return TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 3, 1), title=title, description="x", **kwargs
    )


def rewind_read_mark(reader, story, by=dt.timedelta(minutes=5)):
    """Make the reader's last read a while ago, and the story's events older still."""
    long_ago = timezone.now() - by * 2
    TimelineEvent.objects.filter(story=story).update(created_at=long_ago, updated_at=long_ago)
    Follow.objects.filter(reader=reader, story=story).update(last_seen_at=timezone.now() - by)


def feed(client) -> dict:
    response = client.get(f"{API}/me/following/")
    assert response.status_code == 200, response.content
    return response.json()


# The whole journey --------------------------------------------------------------------------


def test_sign_up_follow_news_and_mark_read_through_the_api(demo_story):
    anonymous = APIClient()
    response = sign_up(anonymous)
    assert response.status_code == 201, response.content
    token = response.json()["token"]
    assert response["Location"].endswith(f"{API}/me/")
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    reader = User.objects.get(username="amara")

    assert app.get(f"{API}/me/").json()["username"] == "amara"
    response = app.put(f"{API}/me/following/{demo_story.pk}/")
    assert response.status_code == 201
    assert response.json()["story"]["slug"] == demo_story.slug
    assert app.put(f"{API}/me/following/{demo_story.pk}/").status_code == 200  # idempotent
    assert feed(app)["count"] == 1 and feed(app)["results"][0]["new_count"] == 0

    # The reader comes back after a new event was published.
    rewind_read_mark(reader, demo_story)
    event = add_event(demo_story, "Hotline used for the first time")
    data = feed(app)
    assert (data["count"], data["with_news"]) == (1, 1)
    assert data["results"][0]["new_count"] == 1 and data["results"][0]["has_news"]

    story = app.get(f"{API}/stories/{demo_story.pk}/").json()
    assert story["reader"]["following"] is True
    assert story["reader"]["new_event_ids"] == [event.pk]
    assert story["reader"]["updated_event_ids"] == []
    # Reading the story does not move the mark; telling the API it was read does.
    assert feed(app)["results"][0]["new_count"] == 1
    response = app.post(story["reader"]["read_url"])
    assert response.status_code == 200
    assert response.json()["new_count"] == 0
    assert feed(app)["results"][0]["new_count"] == 0
    assert app.get(f"{API}/stories/{demo_story.pk}/").json()["reader"]["new_event_ids"] == []

    # Signing out revokes the token.
    assert app.delete(f"{API}/auth/token/").status_code == 204
    assert app.get(f"{API}/me/").status_code == 401
    assert not Token.objects.filter(user=reader).exists()


# Sign-up, sign-in, sign-out ----------------------------------------------------------------


def test_sign_up_makes_a_plain_reader_with_a_token():
    response = sign_up(APIClient(), is_staff=True, is_superuser=True)
    assert response.status_code == 201
    user = User.objects.get(username="amara")
    assert not user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD) and user.email == "amara@example.com"
    assert response.json() == {
        "username": "amara",
        "email": "amara@example.com",
        "token": Token.objects.get(user=user).key,
    }
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1", "password_too_short"),
        ("password123", "password_too_common"),
        ("8675309918273645", "password_entirely_numeric"),
        ("amara1234", "password_too_similar"),
    ],
)
def test_sign_up_applies_django_password_validators(password, code):
    response = sign_up(APIClient(), password=password)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert list(body["errors"]) == ["password"]
    assert body["code"] == code
    assert not User.objects.exists()


def test_sign_up_errors_name_fields_and_reveal_only_a_taken_username(reader):
    response = sign_up(APIClient(), username="kenji")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["username"]
    # An email address already in use is accepted: sign-up never tells who is registered.
    response = sign_up(APIClient(), username="other", email="kenji@example.com")
    assert response.status_code == 201
    response = APIClient().post(f"{API}/auth/signup/", {"username": "x y"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "password"}
    response = sign_up(APIClient(), username="x y", email="xy@example.com")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["username"]


def test_sign_up_is_rate_limited_with_retry_after_and_shares_the_web_budget(settings):
    settings.READER_SIGNUP_RATE = "2/h"
    web = Client()
    web.post(
        reverse("readers:signup"),
        {
            "username": "webby",
            "email": "webby@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert sign_up(APIClient(), username="one").status_code == 201
    response = sign_up(APIClient(), username="two")
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert not User.objects.filter(username="two").exists()
    # Another address has its own budget.
    assert sign_up(APIClient(REMOTE_ADDR="10.9.8.7"), username="three").status_code == 201


def test_readers_sign_in_for_a_token_and_wrong_credentials_look_alike(reader):
    api = APIClient()
    response = api.post(
        f"{API}/auth/token/", {"username": "kenji", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=reader).key
    wrong_password = api.post(
        f"{API}/auth/token/", {"username": "kenji", "password": "nope"}, format="json"
    )
    no_such_user = api.post(
        f"{API}/auth/token/", {"username": "nobody", "password": "nope"}, format="json"
    )
    # The same answer whether or not the username exists: no account enumeration.
    assert wrong_password.status_code == no_such_user.status_code
    assert wrong_password.status_code in (400, 401)
    assert wrong_password.json()["detail"] == no_such_user.json()["detail"]
    assert wrong_password.json().get("errors") == no_such_user.json().get("errors")


def test_sign_in_is_rate_limited_per_address_together_with_the_web_login(settings, reader):
    settings.READER_LOGIN_RATE = "3/m"
    Client().post(reverse("readers:login"), {"username": "kenji", "password": "nope"})
    api = APIClient()
    for _ in range(2):
        response = api.post(
            f"{API}/auth/token/", {"username": "kenji", "password": "nope"}, format="json"
        )
        assert response.status_code in (400, 401)
    response = api.post(
        f"{API}/auth/token/", {"username": "kenji", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "token" not in response.json()
    other = APIClient(REMOTE_ADDR="10.9.8.7")
    response = other.post(
        f"{API}/auth/token/", {"username": "kenji", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_revoking_a_token_needs_one_and_staff_sign_in_still_works(staff_user):
    assert APIClient().delete(f"{API}/auth/token/").status_code == 401
    api = APIClient()
    response = api.post(
        f"{API}/auth/token/", {"username": "staff", "password": "pw-staff-123"}, format="json"
    )
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get(f"{API}/stories/?status=draft").status_code == 200
    assert api.delete(f"{API}/auth/token/").status_code == 204
    assert api.get(f"{API}/stories/").status_code == 401
    again = APIClient().post(
        f"{API}/auth/token/", {"username": "staff", "password": "pw-staff-123"}, format="json"
    )
    assert again.json()["token"] != response.json()["token"]


def test_a_reader_token_cannot_write_stories(reader_api):
    story = make_story()
    assert reader_api.post(f"{API}/stories/", {"headline": "Mine"}, format="json").status_code == (
        403
    )
    response = reader_api.patch(f"{API}/stories/{story.pk}/", {"dek": "Mine"}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert reader_api.delete(f"{API}/stories/{story.pk}/").status_code == 403
    assert reader_api.post(f"{API}/sources/", {"title": "x"}, format="json").status_code == 403
    story.refresh_from_db()
    assert story.dek != "Mine" and story.status == Story.Status.PUBLISHED


# Following ---------------------------------------------------------------------------------


def test_everything_under_me_needs_an_account():
    story = make_story()
    anonymous = APIClient()
    for method, path in [
        ("get", "/me/"),
        ("get", "/me/export/"),
        ("post", "/me/delete/"),
        ("get", "/me/following/"),
        ("get", f"/me/following/{story.pk}/"),
        ("put", f"/me/following/{story.pk}/"),
        ("delete", f"/me/following/{story.pk}/"),
        ("post", f"/me/following/{story.pk}/read/"),
    ]:
        response = getattr(anonymous, method)(API + path)
        assert response.status_code == 401, path
        assert response["Content-Type"] == PROBLEM
        assert response["WWW-Authenticate"] == "Token"
    assert not Follow.objects.exists()


def test_follow_needs_a_published_story_and_a_real_id(reader_api):
    draft = make_story(status=Story.Status.DRAFT)
    scheduled = make_story(published_at=timezone.now() + dt.timedelta(days=1))
    for story_id in (draft.pk, scheduled.pk, 999999):
        response = reader_api.put(f"{API}/me/following/{story_id}/")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
    for junk in ("abc", "0", "-1", "99999999999999999999"):
        response = reader_api.put(f"{API}/me/following/{junk}/")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["story_id"]
    assert not Follow.objects.exists()


def test_unfollow_is_idempotent_and_hides_drafts(reader_api, reader):
    story = make_story()
    draft = make_story(status=Story.Status.DRAFT)
    reader_api.put(f"{API}/me/following/{story.pk}/")
    assert reader_api.delete(f"{API}/me/following/{story.pk}/").status_code == 204
    assert reader_api.delete(f"{API}/me/following/{story.pk}/").status_code == 204
    assert not Follow.objects.exists()
    # A draft the reader never followed stays invisible...
    assert reader_api.delete(f"{API}/me/following/{draft.pk}/").status_code == 404
    assert reader_api.delete(f"{API}/me/following/999999/").status_code == 404
    # ...but a followed story that was withdrawn can still be unfollowed.
    Follow.objects.create(reader=reader, story=draft)
    assert reader_api.delete(f"{API}/me/following/{draft.pk}/").status_code == 204
    assert not Follow.objects.exists()


def test_following_feed_puts_news_first_and_hides_withdrawn_stories(reader_api, reader):
    quiet = make_story(headline="Quiet story", events=1)
    busy = make_story(headline="Busy story", events=1)
    noted = make_story(headline="Noted story", events=1)
    gone = make_story(headline="Withdrawn story", events=1)
    for story in (busy, quiet, noted, gone):
        services.follow_story(reader=reader, story=story)
        rewind_read_mark(reader, story)
    Story.objects.filter(pk=quiet.pk).update(updated_at=timezone.now())  # newest, but quiet
    Story.objects.filter(pk=gone.pk).update(status=Story.Status.UNPUBLISHED)
    add_event(busy, "Fresh")
    add_event(busy, "Fresher")
    busy.events.order_by("created_at").first().save()  # an old event edited
    UpdateNote.objects.create(story=noted, text="Talks resume")

    data = feed(reader_api)
    rows = {row["story"]["headline"]: row for row in data["results"]}
    assert list(rows)[-1] == "Quiet story"
    assert set(rows) == {"Busy story", "Noted story", "Quiet story"}
    assert (data["count"], data["with_news"]) == (3, 2)
    busy_row = rows["Busy story"]
    assert (busy_row["new_count"], busy_row["updated_count"], busy_row["new_note_count"]) == (
        2,
        1,
        0,
    )
    assert rows["Noted story"]["new_note_count"] == 1 and rows["Noted story"]["has_news"]
    assert not rows["Quiet story"]["has_news"]
    one = reader_api.get(busy_row["url"])
    assert one.status_code == 200 and one.json() == busy_row
    assert reader_api.get(f"{API}/me/following/{gone.pk}/").status_code == 404


def test_new_counts_at_the_edges_through_the_api(reader_api, reader):
    story = make_story(events=2)
    reader_api.put(f"{API}/me/following/{story.pk}/")
    mark = Follow.objects.get().last_seen_at
    TimelineEvent.objects.filter(story=story).update(
        created_at=mark - dt.timedelta(seconds=1), updated_at=mark - dt.timedelta(seconds=1)
    )

    def state():
        row = feed(reader_api)["results"][0]
        detail = reader_api.get(f"{API}/stories/{story.pk}/").json()["reader"]
        assert row["new_count"] == len(detail["new_event_ids"])
        assert row["updated_count"] == len(detail["updated_event_ids"])
        return detail["new_event_ids"], detail["updated_event_ids"]

    assert state() == ([], [])
    # Added in the same second as the read mark, a microsecond after it: new.
    same_second = add_event(story, "Same second")
    TimelineEvent.objects.filter(pk=same_second.pk).update(
        created_at=mark + dt.timedelta(microseconds=1),
        updated_at=mark + dt.timedelta(microseconds=1),
    )
    # At the very instant of the mark: already seen.
    at_mark = add_event(story, "At the mark")
    TimelineEvent.objects.filter(pk=at_mark.pk).update(created_at=mark, updated_at=mark)
    assert state() == ([same_second.pk], [])
    # An old event edited after the read: updated, not new.
    old = story.events.get(title__startswith="Event 0")
    old.title = "Corrected title"
    old.save()
    assert state() == ([same_second.pk], [old.pk])
    # A deleted event no longer counts.
    same_second.delete()
    assert state() == ([], [old.pk])
    # Marked read: nothing is new; the mark never moves back.
    reader_api.post(f"{API}/me/following/{story.pk}/read/")
    assert state() == ([], [])
    moved = Follow.objects.get().last_seen_at
    response = reader_api.post(
        f"{API}/me/following/{story.pk}/read/",
        {"read_at": (mark - dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 200
    assert Follow.objects.get().last_seen_at == moved


def test_read_marks_from_offline_apps_and_their_limits(reader_api, reader):
    story = make_story(events=0)
    reader_api.put(f"{API}/me/following/{story.pk}/")
    Follow.objects.update(last_seen_at=timezone.now() - dt.timedelta(hours=2))
    first = add_event(story, "First")
    TimelineEvent.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    add_event(story, "Second")
    # Read offline half an hour ago: the first event is seen, the second is still new.
    read_at = timezone.now() - dt.timedelta(minutes=30)
    response = reader_api.post(
        f"{API}/me/following/{story.pk}/read/", {"read_at": read_at.isoformat()}, format="json"
    )
    assert response.json()["new_count"] == 1
    # A clock running ahead counts as now, so news published later still shows as new.
    future = timezone.now() + dt.timedelta(days=365)
    reader_api.post(
        f"{API}/me/following/{story.pk}/read/", {"read_at": future.isoformat()}, format="json"
    )
    assert Follow.objects.get().last_seen_at <= timezone.now()
    response = reader_api.post(
        f"{API}/me/following/{story.pk}/read/", {"read_at": "yesterday"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["read_at"]
    other = make_story()
    assert reader_api.post(f"{API}/me/following/{other.pk}/read/").status_code == 404


def test_web_visits_and_the_api_share_one_read_mark(reader, reader_api, client):
    story = make_story(events=0)
    reader_api.put(f"{API}/me/following/{story.pk}/")
    rewind_read_mark(reader, story)
    add_event(story, "Fresh")
    assert feed(reader_api)["results"][0]["new_count"] == 1
    client.force_login(reader)
    assert "New since your last visit" in client.get(story.get_absolute_url()).content.decode()
    assert feed(reader_api)["results"][0]["new_count"] == 0


def test_apps_poll_the_feed_with_etags(reader_api, reader):
    story = make_story(events=1)
    reader_api.put(f"{API}/me/following/{story.pk}/")
    first = reader_api.get(f"{API}/me/following/")
    assert first["Cache-Control"] == "private, no-cache"
    assert reader_api.get(f"{API}/me/following/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == (
        304
    )
    rewind_read_mark(reader, story)
    add_event(story)
    changed = reader_api.get(f"{API}/me/following/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["with_news"] == 1


@pytest.mark.parametrize("follows", [3, 200])
def test_following_feed_costs_two_queries_whatever_the_number_of_follows(
    reader_api, reader, django_assert_num_queries, follows
):
    for _ in range(follows):
        story = make_story(events=2)
        Follow.objects.create(reader=reader, story=story)
        UpdateNote.objects.create(story=story, text="Note")
    # the token with its user; the follows with their counts
    with django_assert_num_queries(2):
        data = feed(reader_api)
    assert data["count"] == follows


# The story detail --------------------------------------------------------------------------


def test_anonymous_story_detail_marks_voices_as_needing_an_account(demo_story):
    response = APIClient().get(f"{API}/stories/{demo_story.pk}/")
    data = response.json()
    assert data["reader"] is None
    assert data["voices"] == {
        "available": True,
        "locked": True,
        "label": HistoricalVoice.FICTION_LABEL,
        "sign_up_url": f"http://testserver{API}/auth/signup/",
        "items": [],
    }
    for voice in demo_story.voices.all():
        assert voice.text[:30] not in response.content.decode()
    assert "public" in response["Cache-Control"] and "Last-Modified" in response


def test_signed_in_readers_get_every_voice_with_the_fiction_label(reader_api, demo_story):
    response = reader_api.get(f"{API}/stories/{demo_story.pk}/")
    voices = response.json()["voices"]
    assert (voices["available"], voices["locked"]) == (True, False)
    assert voices["label"] == HistoricalVoice.FICTION_LABEL
    expected = list(demo_story.voices.order_by("position", "pk"))
    assert [v["figure"] for v in voices["items"]] == [v.figure for v in expected]
    assert [v["text"] for v in voices["items"]] == [v.text for v in expected]
    assert {v["label"] for v in voices["items"]} == {HistoricalVoice.FICTION_LABEL}
    # Trimming fields can drop the voices, never the label from a voice.
    trimmed = reader_api.get(f"{API}/stories/{demo_story.pk}/?fields=voices").json()
    assert trimmed["voices"] == voices
    assert "voices" not in reader_api.get(f"{API}/stories/{demo_story.pk}/?fields=headline").json()


def test_story_without_voices_says_so(reader_api):
    story = make_story()
    voices = reader_api.get(f"{API}/stories/{story.pk}/").json()["voices"]
    assert (voices["available"], voices["locked"], voices["items"]) == (False, False, [])
    assert voices["label"] == HistoricalVoice.FICTION_LABEL


def test_the_schema_states_the_fiction_label_as_its_only_value():
    schema = APIClient().get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert components["FictionLabelEnum"]["enum"] == [HistoricalVoice.FICTION_LABEL]
    label = {"$ref": "#/components/schemas/FictionLabelEnum"}
    for name in ("Voice", "Voices"):
        assert components[name]["properties"]["label"]["allOf"] == [label]
        assert "label" in components[name]["required"]


def test_signed_in_story_detail_is_private_and_personal(reader_api, reader):
    story = make_story(events=2)
    url = f"{API}/stories/{story.pk}/"
    before = reader_api.get(url)
    assert before.json()["reader"] == {
        "following": False,
        "last_read_at": None,
        "new_event_ids": [],
        "updated_event_ids": [],
        "new_update_notes": 0,
        "follow_url": f"http://testserver{API}/me/following/{story.pk}/",
        "read_url": None,
    }
    assert before["Cache-Control"] == "private, no-cache"
    assert "Last-Modified" not in before  # follows move no timestamp: only the ETag tells
    assert "Authorization" in before["Vary"]
    reader_api.put(f"{API}/me/following/{story.pk}/")
    after = reader_api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200  # not a stale 304
    assert after.json()["reader"]["following"] is True
    assert reader_api.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304
    UpdateNote.objects.create(story=story, text="Talks resume")
    assert reader_api.get(url).json()["reader"]["new_update_notes"] == 1


def test_anonymous_story_detail_stays_within_its_budget(demo_story, django_assert_num_queries):
    # The same 10 queries as without readers: has_voices comes in the story's own query.
    with django_assert_num_queries(10):
        assert APIClient().get(f"{API}/stories/{demo_story.pk}/").status_code == 200


@pytest.mark.parametrize("events", [3, 300])
def test_reader_story_detail_costs_a_fixed_number_of_queries(
    reader_api, reader, django_assert_num_queries, events
):
    story = make_story(events=events, sources=5, people=2)
    for n in range(3):
        HistoricalVoice.objects.create(story=story, position=n, figure=f"F{n}", text="Imagined.")
    Follow.objects.create(reader=reader, story=story)
    # anonymous 10; + the token with its user; + the user's and its groups' permissions (may
    # they read drafts?); + the voices. The follow comes in the story's own query.
    with django_assert_num_queries(14):
        data = reader_api.get(f"{API}/stories/{story.pk}/").json()
    assert len(data["events"]) == events and len(data["voices"]["items"]) == 3


def test_staff_writes_with_if_match_still_work_when_they_follow_the_story(staff_user, demo_story):
    api = signed_in(staff_user)
    api.put(f"{API}/me/following/{demo_story.pk}/")
    url = f"{API}/stories/{demo_story.pk}/"
    read = api.get(url)
    assert read.json()["reader"]["following"] is True
    response = api.patch(url, {"dek": "Sharper"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.content
    assert response.json()["voices"]["items"]
    assert api.get(url)["ETag"] == response["ETag"]


# Privacy -----------------------------------------------------------------------------------


def test_export_holds_the_account_and_follows(reader_api, reader):
    story = make_story()
    reader_api.put(f"{API}/me/following/{story.pk}/")
    response = reader_api.get(f"{API}/me/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    data = response.json()
    assert data["account"]["username"] == "kenji"
    assert data["account"]["email"] == "kenji@example.com"
    assert [f["story"] for f in data["follows"]] == [story.slug]
    assert set(data) == {"account", "follows", "exported_at"}


def test_account_deletion_needs_the_password_and_removes_everything(reader_api, reader):
    reader_api.put(f"{API}/me/following/{make_story().pk}/")
    response = reader_api.post(f"{API}/me/delete/", {"password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["That is not your password."]}
    assert response.json()["code"] == "wrong_password"
    assert reader_api.post(f"{API}/me/delete/", {}, format="json").status_code == 400
    assert User.objects.filter(pk=reader.pk).exists()

    response = reader_api.post(f"{API}/me/delete/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert not User.objects.filter(pk=reader.pk).exists()
    assert not Follow.objects.exists() and not Token.objects.exists()
    assert reader_api.get(f"{API}/me/").status_code == 401


def test_password_guessing_through_deletion_is_rate_limited(settings, reader_api):
    settings.READER_LOGIN_RATE = "2/m"
    for _ in range(2):
        reader_api.post(f"{API}/me/delete/", {"password": "guess"}, format="json")
    response = reader_api.post(f"{API}/me/delete/", {"password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert User.objects.filter(username="kenji").exists()


def test_every_reader_operation_is_documented_with_examples():
    schema = APIClient().get("/api/schema/?format=json").json()
    paths = {p: ops for p, ops in schema["paths"].items() if "/me/" in p or "/auth/" in p}
    assert len(paths) == 8
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "delete"}:
                continue
            bodies = [
                content
                for response in operation["responses"].values()
                for content in response.get("content", {}).values()
            ] + list(operation.get("requestBody", {}).get("content", {}).values())
            has_examples = any("examples" in body for body in bodies)
            no_body = set(operation["responses"]) & {"204"}
            assert has_examples or no_body, f"{method.upper()} {path} has no example"


def test_the_anonymous_api_cache_never_answers_a_reader(
    settings, reader_api, demo_story, django_assert_num_queries
):
    settings.PAGE_CACHE = True
    url = f"{API}/stories/{demo_story.pk}/"
    anonymous = APIClient()
    assert anonymous.get(url).json()["reader"] is None
    with django_assert_num_queries(1):  # from the cache: the content version only
        assert anonymous.get(url).json()["voices"]["locked"] is True
    personal = reader_api.get(url)
    assert personal.json()["reader"]["following"] is False
    assert personal.json()["voices"]["items"]
    assert "private" in personal["Cache-Control"]
    reader_api.put(f"{API}/me/following/{demo_story.pk}/")
    assert reader_api.get(url).json()["reader"]["following"] is True
    assert anonymous.get(url).json()["reader"] is None
