"""Query budgets: each endpoint costs the same number of SQL queries for small and large content.

Each budget is pinned at two sizes with django_assert_num_queries, so an N+1 shows up as a
failure at the large size.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import StoryOrganization, StoryPerson
from stories.models import UpdateNote
from tests import factories
from tests.api.conftest import token_client

API = "/api/v1"
SMALL = {
    "events": 3,
    "people": 1,
    "organizations": 1,
    "sources": 1,
    "indicators": 1,
    "scenarios": 1,
    "contexts": 1,
}
MANY = {
    "events": 20,
    "people": 4,
    "organizations": 3,
    "sources": 5,
    "indicators": 6,
    "scenarios": 2,
    "contexts": 2,
}
LARGE = {
    "events": 300,
    "people": 30,
    "organizations": 30,
    "sources": 40,
    "indicators": 12,
    "scenarios": 10,
    "contexts": 8,
}

# Anonymous reads; a token adds one query (the token and its user, joined).
# The story with latest update and last change; 7 sections and update notes; citations.
STORY_DETAIL = 10  # the issue allows 12
BUDGETS = {
    "story list": 3,  # stories with latest update; indicators; change log (Last-Modified)
    "brief": 3,
    "category list": 2,
    "people list": 2,
    "person detail": 3,
    "organization list": 2,
    "event list": 4,  # events with story; cited sources; story source lists; change log
    "source list": 2,
    "source detail": 3,
    # log position; story ids; stories (9: see STORY_DETAIL); citations; categories;
    # people; organizations; sources (people and organizations without their story lists)
    "sync": 16,
}


def _stories(make_story, size, count):
    stories = [make_story(**size) for _ in range(count)]
    for story in stories:
        UpdateNote.objects.create(story=story, text="A note")
    return stories


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["3 events", "300 events"])
def test_story_detail_is_at_most_12_queries_whatever_it_holds(
    api, make_story, django_assert_num_queries, size
):
    story = make_story(**size)
    UpdateNote.objects.create(story=story, text="Something new")

    with django_assert_num_queries(STORY_DETAIL):
        response = api.get(f"{API}/stories/{story.pk}/")

    assert len(response.json()["events"]) == size["events"]
    assert STORY_DETAIL <= 12


def test_story_detail_for_staff_adds_only_authentication_and_permissions(
    users, make_story, django_assert_num_queries
):
    story = make_story(**LARGE)
    editor = token_client(users["editor"])

    # + the token with its user, + the editor's user and group permissions (may they see drafts?)
    with django_assert_num_queries(STORY_DETAIL + 3):
        assert editor.get(f"{API}/stories/{story.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("story list", "/stories/?page_size=100"),
        ("brief", "/brief/?page_size=100"),
        ("category list", "/categories/"),
        ("people list", "/people/?page_size=100"),
        ("person detail", "/people/{person}/"),
        ("organization list", "/organizations/?page_size=100"),
        ("event list", "/events/?page_size=100"),
        ("source list", "/sources/?page_size=100"),
        ("source detail", "/sources/{source}/"),
        ("sync", "/sync/?limit=100"),
    ],
)
def test_lists_cost_the_same_for_few_and_many(
    api, make_story, django_assert_num_queries, name, url
):
    def setup(count, size):
        stories = _stories(make_story, size, count)
        person = StoryPerson.objects.filter(story=stories[0]).first().person
        for story in stories[1:]:  # one person and source shared by many stories
            StoryPerson.objects.get_or_create(story=story, person=person, defaults={"position": 99})
        StoryOrganization.objects.filter(story=stories[0]).first()
        source = stories[0].story_sources.first().source
        return {"person": person.pk, "source": source.pk}

    small = setup(2, SMALL)
    with django_assert_num_queries(BUDGETS[name]):
        api.get(API + url.format(**small))

    factories.make_category()
    large = setup(12, MANY)
    with django_assert_num_queries(BUDGETS[name]):
        response = api.get(API + url.format(**large))
    assert response.status_code == 200
