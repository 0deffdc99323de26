"""Offline sync: a first full sync, then only what changed, with tombstones for what went."""

import datetime as dt

import pytest
from django.utils import timezone

from people.models import Person
from stories.models import ContentChange, Story
from stories.services import trash_purge
from tests import factories
from tests.api.conftest import token_client

API = "/api/v1"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the change log is written after commit)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def sync(client, token=None, **params):
    query = {"since": token, **params} if token else params
    response = client.get(f"{API}/sync/", query)
    assert response.status_code == 200, response.content
    return response.json()


def ids(payload, section="stories"):
    return {item["id"] for item in payload[section]}


def test_first_sync_holds_everything_published(api, make_story, committed):
    with committed():
        shown = make_story(people=1, organizations=1, sources=2)
        make_story(status=Story.Status.DRAFT)

    first = sync(api)

    assert first["full"] is True
    assert first["has_more"] is False
    assert ids(first) == {shown.pk}
    story = first["stories"][0]
    assert story["events"] and story["sources"] and story["people"]  # whole stories
    assert ids(first, "people") == set(Person.objects.values_list("pk", flat=True))
    assert len(first["sources"]) == 2
    assert ids(first, "categories") >= {shown.category_id}
    assert first["deleted"] == []
    nothing_new = sync(api, first["token"])
    assert nothing_new.pop("token")
    assert nothing_new == {
        "full": False,
        "has_more": False,
        "stories": [],
        "categories": [],
        "people": [],
        "organizations": [],
        "sources": [],
        "deleted": [],
    }


def test_additions_and_edits_come_in_the_next_sync(api, admin_api, make_story, committed):
    with committed():
        story = make_story(people=1)
    token = sync(api)["token"]

    with committed():
        added = make_story()
        admin_api.patch(f"{API}/stories/{story.pk}/", {"dek": "Edited"}, format="json")
    changes = sync(api, token)

    assert changes["full"] is False
    assert ids(changes) == {added.pk, story.pk}
    assert next(s for s in changes["stories"] if s["id"] == story.pk)["dek"] == "Edited"
    assert changes["deleted"] == []

    # Nothing changed since: an empty answer, and the token moves on.
    quiet = sync(api, changes["token"])
    assert (quiet["stories"], quiet["deleted"]) == ([], [])


def test_a_renamed_person_resends_the_stories_showing_them(api, admin_api, make_story, committed):
    with committed():
        story = make_story(people=1)
        make_story()
    person = story.story_people.get().person
    token = sync(api)["token"]

    with committed():
        admin_api.patch(f"{API}/people/{person.pk}/", {"name": "New Name"}, format="json")
    changes = sync(api, token)

    assert ids(changes, "people") == {person.pk}
    assert ids(changes) == {story.pk}
    assert changes["stories"][0]["people"][0]["person"]["name"] == "New Name"


def test_an_event_edit_resends_its_story(api, admin_api, make_story, committed):
    with committed():
        story = make_story(events=2)
    token = sync(api)["token"]

    with committed():
        admin_api.patch(
            f"{API}/events/{story.events.first().pk}/", {"title": "Corrected"}, format="json"
        )
    changes = sync(api, token)

    assert ids(changes) == {story.pk}
    assert changes["stories"][0]["events"][0]["title"] == "Corrected"


def test_unpublishing_sends_a_tombstone(api, admin_api, make_story, committed):
    with committed():
        story = make_story()
        other = make_story()
    token = sync(api)["token"]

    with committed():
        response = admin_api.patch(
            f"{API}/stories/{story.pk}/", {"status": "unpublished"}, format="json"
        )
        assert response.status_code == 200, response.content
    changes = sync(api, token)

    assert changes["stories"] == []
    assert changes["deleted"] == [{"type": "story", "id": story.pk}]
    # A fresh install never sees it either.
    assert ids(sync(api)) == {other.pk}


def test_deleting_sends_a_tombstone_whether_trashed_or_purged(
    api, admin_api, make_story, committed
):
    with committed():
        trashed = make_story()
        purged = make_story()
        person = factories.make_person()
    token = sync(api)["token"]

    with committed():
        admin_api.delete(f"{API}/stories/{trashed.pk}/")
        Story.objects.filter(pk=purged.pk).update(deleted_at=timezone.now() - dt.timedelta(days=40))
        trash_purge()
        admin_api.delete(f"{API}/people/{person.pk}/")
    changes = sync(api, token)

    assert not Story.all_objects.filter(pk=purged.pk).exists()
    assert sorted(changes["deleted"], key=lambda t: (t["type"], t["id"])) == sorted(
        [
            {"type": "person", "id": person.pk},
            {"type": "story", "id": trashed.pk},
            {"type": "story", "id": purged.pk},
        ],
        key=lambda t: (t["type"], t["id"]),
    )
    assert changes["stories"] == []


def test_people_follow_their_stories_in_and_out_of_public_view(
    api, admin_api, make_story, committed
):
    with committed():
        story = make_story(people=1, sources=1)
        draft = make_story(status=Story.Status.DRAFT, people=1)
    person = story.story_people.get().person
    secret = draft.story_people.get().person
    first = sync(api)
    assert ids(first, "people") == {person.pk}  # not the one known only from a draft
    token = first["token"]

    with committed():
        admin_api.patch(f"{API}/stories/{story.pk}/", {"status": "unpublished"}, format="json")
        admin_api.patch(f"{API}/stories/{draft.pk}/", {"status": "published"}, format="json")
    changes = sync(api, token)

    assert ids(changes) == {draft.pk}
    assert ids(changes, "people") == {secret.pk}
    assert {(t["type"], t["id"]) for t in changes["deleted"]} == {
        ("story", story.pk),
        ("person", person.pk),
        ("source", story.story_sources.get().source_id),
    }


def test_a_scheduled_story_arrives_once_its_time_has_come(api, make_story, committed):
    with committed():
        scheduled = make_story(published_at=timezone.now() + dt.timedelta(hours=1))
    first = sync(api)
    assert ids(first) == set()

    # Its time comes after that sync; nothing is saved, so nothing is in the change log.
    Story.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    later = sync(api, first["token"])

    assert ids(later) == {scheduled.pk}


def test_first_sync_pages_through_many_stories(api, make_story, committed):
    with committed():
        stories = [make_story(events=1) for _ in range(5)]

    pages = [sync(api, limit=2)]
    while pages[-1]["has_more"]:
        pages.append(sync(api, pages[-1]["token"], limit=2))

    assert [len(p["stories"]) for p in pages] == [2, 2, 1]
    assert all(p["full"] for p in pages)
    assert [s["id"] for p in pages for s in p["stories"]] == sorted(s.pk for s in stories)
    assert pages[0]["categories"] and not pages[1]["categories"]  # records once
    with committed():
        newest = make_story()
    assert ids(sync(api, pages[-1]["token"])) == {newest.pk}


def test_a_long_absence_is_caught_up_in_pages(api, make_story, committed):
    token = sync(api)["token"]
    with committed():
        stories = [make_story(events=0) for _ in range(5)]

    pages = [sync(api, token, limit=2)]
    while pages[-1]["has_more"]:
        pages.append(sync(api, pages[-1]["token"], limit=2))

    got = [s["id"] for p in pages for s in p["stories"]]
    assert sorted(set(got)) == sorted(s.pk for s in stories)
    assert len(pages) >= 3
    assert not any(p["full"] for p in pages)


def test_changes_are_logged_once_per_object_per_transaction(make_story, committed, admin_api):
    with committed():
        story = make_story(events=40, indicators=5, people=3)

    logged = ContentChange.objects.filter(kind="story", object_id=story.pk).count()
    assert logged == 1


def test_a_damaged_token_answers_400(api, db):
    token = sync(api)["token"]

    response = api.get(f"{API}/sync/", {"since": token[:-3] + "abc"})

    assert response.status_code == 400
    assert "since" in response.json()["errors"]


def test_sync_shows_published_content_only_even_to_staff(users, make_story, committed):
    with committed():
        make_story(status=Story.Status.DRAFT)
        shown = make_story()

    assert ids(sync(token_client(users["admin"]))) == {shown.pk}
