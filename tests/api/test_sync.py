"""Offline sync: a first full sync, then only what changed, with tombstones for what went."""

import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone

from people.models import Person, StoryOrganization, StoryPerson
from stories.models import Category, ContentChange, Story, StorySource
from stories.services import trash_purge
from sync.batches import latest_change_id
from sync.tokens import TOKEN_SALT, SyncPosition
from tests import factories
from tests.api.conftest import token_client
from tests.api.if_match import if_match

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
        url = f"{API}/stories/{story.pk}/"
        admin_api.patch(url, {"dek": "Edited"}, format="json", **if_match(admin_api, url))
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
        url = f"{API}/people/{person.pk}/"
        admin_api.patch(url, {"name": "New Name"}, format="json", **if_match(admin_api, url))
    changes = sync(api, token)

    assert ids(changes, "people") == {person.pk}
    assert ids(changes) == {story.pk}
    assert changes["stories"][0]["people"][0]["person"]["name"] == "New Name"


def test_an_event_edit_resends_its_story(api, admin_api, make_story, committed):
    with committed():
        story = make_story(events=2)
    token = sync(api)["token"]

    with committed():
        url = f"{API}/events/{story.events.first().pk}/"
        admin_api.patch(url, {"title": "Corrected"}, format="json", **if_match(admin_api, url))
    changes = sync(api, token)

    assert ids(changes) == {story.pk}
    assert changes["stories"][0]["events"][0]["title"] == "Corrected"


def test_unpublishing_sends_a_tombstone(api, admin_api, make_story, committed):
    with committed():
        story = make_story()
        other = make_story()
    token = sync(api)["token"]

    with committed():
        url = f"{API}/stories/{story.pk}/"
        response = admin_api.patch(
            url, {"status": "unpublished"}, format="json", **if_match(admin_api, url)
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
        url = f"{API}/stories/{trashed.pk}/"
        admin_api.delete(url, **if_match(admin_api, url))
        Story.objects.filter(pk=purged.pk).update(deleted_at=timezone.now() - dt.timedelta(days=40))
        trash_purge()
        url = f"{API}/people/{person.pk}/"
        admin_api.delete(url, **if_match(admin_api, url))
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
        for changed, status in ((story, "unpublished"), (draft, "published")):
            url = f"{API}/stories/{changed.pk}/"
            admin_api.patch(url, {"status": status}, format="json", **if_match(admin_api, url))
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


SECTIONS = ("stories", "categories", "people", "organizations", "sources")


def page_through(client, token=None, **params):
    pages = [sync(client, token, **params)]
    while pages[-1]["has_more"]:
        pages.append(sync(client, pages[-1]["token"], **params))
    return pages


def sent(pages, section):
    """Ids of `section` over all pages, in the order they came."""
    return [item["id"] for page in pages for item in page[section]]


def linked(model, field, stories):
    return sorted(set(model.objects.filter(story__in=stories).values_list(field, flat=True)))


def v1_token(change_id, **extra):
    """A token as version 1 wrote them (first syncs paged stories only, by `a`)."""
    payload = {"v": 1, "c": change_id, "t": timezone.now().isoformat(), **extra}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def test_first_sync_pages_through_everything_public_once(api, make_story, committed):
    with committed():
        stories = [make_story(events=1, people=2, organizations=1, sources=3) for _ in range(5)]
        draft = make_story(status=Story.Status.DRAFT, people=1, organizations=1, sources=2)
        factories.make_person()  # in no story at all
        factories.make_source()

    pages = page_through(api, limit=2)

    assert all(p["full"] for p in pages)
    assert [p["has_more"] for p in pages] == [True] * (len(pages) - 1) + [False]
    assert all(len(p[section]) <= 2 for p in pages for section in SECTIONS)
    # In id order, each exactly once, and only what readers may see.
    assert sent(pages, "stories") == sorted(s.pk for s in stories)
    assert sent(pages, "categories") == sorted(Category.objects.values_list("pk", flat=True))
    assert sent(pages, "people") == linked(StoryPerson, "person_id", stories)
    assert sent(pages, "organizations") == linked(StoryOrganization, "organization_id", stories)
    assert sent(pages, "sources") == linked(StorySource, "source_id", stories)
    assert not set(sent(pages, "people")) & set(linked(StoryPerson, "person_id", [draft]))
    assert not set(sent(pages, "sources")) & set(linked(StorySource, "source_id", [draft]))
    # Stories first, then each kind of record in turn.
    first_page_with = [next(i for i, p in enumerate(pages) if p[section]) for section in SECTIONS]
    assert first_page_with == sorted(first_page_with)
    assert all(p["deleted"] == [] for p in pages)

    with committed():
        newest = make_story()
    assert ids(sync(api, pages[-1]["token"])) == {newest.pk}


def test_an_edit_made_while_paging_arrives_in_the_next_sync(api, admin_api, make_story, committed):
    with committed():
        first, *others = [make_story(events=0, people=1) for _ in range(4)]
    page = sync(api, limit=2)
    assert ids(page) == {first.pk, others[0].pk}

    with committed():
        url = f"{API}/stories/{first.pk}/"
        response = admin_api.patch(
            url, {"dek": "Edited"}, format="json", **if_match(admin_api, url)
        )
        assert response.status_code == 200, response.content
        added = make_story(events=0)
    rest = page_through(api, page["token"], limit=2)
    changes = sync(api, rest[-1]["token"])

    assert changes["full"] is False
    assert {first.pk, added.pk} <= ids(changes)
    assert next(s for s in changes["stories"] if s["id"] == first.pk)["dek"] == "Edited"


def test_tokens_of_version_1_still_work(api, make_story, committed):
    with committed():
        stories = [make_story(events=0, sources=1) for _ in range(3)]
    position = latest_change_id()

    # A first sync begun before the upgrade resumes after its last story, then the records.
    resumed = page_through(api, v1_token(position, a=stories[0].pk), limit=2)
    assert all(p["full"] for p in resumed)
    assert sent(resumed, "stories") == [s.pk for s in stories[1:]]
    assert sent(resumed, "sources") == linked(StorySource, "source_id", stories)

    # A later sync picks up from its log position.
    with committed():
        added = make_story(events=0)
    changes = sync(api, v1_token(position))
    assert changes["full"] is False
    assert ids(changes) == {added.pk}


def test_scheduled_stories_that_came_out_are_paged_too(api, make_story, committed):
    later = timezone.now() + dt.timedelta(hours=1)
    with committed():
        scheduled = [make_story(events=0, published_at=later) for _ in range(5)]
    token = sync(api)["token"]
    # Their time comes, all at the same instant; nothing is saved, so the log holds nothing.
    Story.objects.filter(pk__in=[s.pk for s in scheduled]).update(published_at=timezone.now())

    pages = page_through(api, token, limit=2)

    assert [len(p["stories"]) for p in pages] == [2, 2, 1]
    assert sorted(sent(pages, "stories")) == sorted(s.pk for s in scheduled)
    assert sync(api, pages[-1]["token"])["stories"] == []


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


def _signed(payload):
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda token: token[:-3] + "abc", id="bad signature"),
        pytest.param(
            lambda token: _signed({"v": 3, "c": 1, "t": "2026-01-01T00:00:00+00:00"}),
            id="future version",
        ),
        pytest.param(
            lambda token: _signed(
                {"v": 2, "c": 1, "t": "2026-01-01T00:00:00+00:00", "p": "event", "a": 1}
            ),
            id="unknown phase",
        ),
        pytest.param(
            lambda token: _signed({"v": 2, "c": 1, "t": "2026-01-01T00:00:00"}), id="naive time"
        ),
        pytest.param(
            lambda token: _signed({"v": 1, "c": "x", "t": "2026-01-01T00:00:00+00:00"}),
            id="v1 bad position",
        ),
    ],
)
def test_a_damaged_or_unknown_token_starts_a_full_sync(api, db, damage):
    # What the app did after the 400 these answered before; a `since` that is not a token at
    # all still answers 400 (tests/api/test_server_tokens.py).
    token = sync(api)["token"]

    assert sync(api, damage(token))["full"] is True


def test_a_story_page_costs_the_same_for_few_and_many(api, make_story, django_assert_num_queries):
    def first_page():
        # log position; story ids; stories (9: see test_queries.STORY_DETAIL); citations
        with django_assert_num_queries(12):
            return sync(api, limit=2)

    def middle_page(token):
        # as the first page, without the log position
        with django_assert_num_queries(11):
            return sync(api, token, limit=2)

    def add(count):
        for _ in range(count):
            make_story(events=2, people=1, organizations=1, sources=2, indicators=1)

    add(3)
    few = first_page()
    add(2)
    few_middle = middle_page(sync(api, limit=2)["token"])
    add(25)
    many = first_page()
    many_middle = middle_page(many["token"])

    assert [len(p["stories"]) for p in (few, few_middle, many, many_middle)] == [2, 2, 2, 2]
    assert all(p["has_more"] for p in (few, few_middle, many, many_middle))


def test_a_sources_page_costs_the_same_for_few_and_many(api, make_story, django_assert_num_queries):
    make_story(events=0, sources=3)
    token = SyncPosition(
        change_id=latest_change_id(), synced_at=timezone.now(), phase="source"
    ).to_token()

    # One query: the page of public ids inside the annotated sources.
    with django_assert_num_queries(1):
        few = sync(api, token, limit=2)
    make_story(events=0, sources=297)
    with django_assert_num_queries(1):
        many = sync(api, token, limit=2)

    assert len(few["sources"]) == len(many["sources"]) == 2
    assert few["has_more"] and many["has_more"]


def test_sync_shows_published_content_only_even_to_staff(users, make_story, committed):
    with committed():
        make_story(status=Story.Status.DRAFT)
        shown = make_story()

    assert ids(sync(token_client(users["admin"]))) == {shown.pk}


def test_sync_people_and_organizations_leave_their_story_lists_to_the_stories(client, db):
    """A record is its own fields: which stories involve it comes with those stories, so a
    page of records stays small however many stories each one is in."""
    story = factories.make_story(people=1, organizations=1)
    factories.make_story(people=0, organizations=0)
    pages, token = [], None
    while True:
        response = client.get("/api/v1/sync/", {"since": token} if token else {})
        assert response.status_code == 200
        pages.append(response.json())
        token = pages[-1]["token"]
        if not pages[-1]["has_more"]:
            break
    people = [p for page in pages for p in page["people"]]
    organizations = [o for page in pages for o in page["organizations"]]
    assert people and organizations
    assert all("stories" not in record for record in people + organizations)
    assert people[0]["story_count"] == 1 and organizations[0]["story_count"] == 1
    synced = next(s for page in pages for s in page["stories"] if s["id"] == story.pk)
    assert synced["people"][0]["person"]["id"] == people[0]["id"]
