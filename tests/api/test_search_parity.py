"""Search: the API's `?search=` answers the search page's stories, in the page's order."""

import datetime as dt

import pytest
from django.utils import timezone

from stories.models import Story
from tests import factories
from timelines.models import TimelineEvent

API = "/api/v1"


@pytest.fixture
def stories(db):
    """Stories where a substring match on headline, dek and overview and the page's search
    disagree about "talk": a stem in an event title, a word that merely contains it."""
    in_headline = factories.make_story(headline="Hotline talks resume", dek="A channel reopens")
    in_word = factories.make_story(headline="Stalker drone downed over the Baltic", dek="Jets")
    in_event = factories.make_story(headline="Envoys meet", dek="Shuttle diplomacy")
    TimelineEvent.objects.create(
        story=in_event, date="2026-01-20", title="Talks in Geneva", description="x"
    )
    in_overview = factories.make_story(
        headline="Sanctions widen", dek="More banks listed", overview="Both will talk in March."
    )
    factories.make_story(headline="Secret talks", status=Story.Status.DRAFT)
    # The most recently updated story is the weakest match: order by rank, not by update.
    Story.objects.filter(pk=in_overview.pk).update(updated_at=timezone.now() + dt.timedelta(1))
    return in_headline, in_word, in_event, in_overview


def page_search(client, query) -> list[int]:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [story.pk for story in response.context["page_obj"]]


def api_search(api, query, page_size=20, **filters) -> list[int]:
    response = api.get(f"{API}/stories/", {"search": query, "page_size": page_size, **filters})
    pages = []
    while True:
        assert response.status_code == 200, response.content
        pages.append(response.json())
        if not pages[-1]["next"]:
            break
        response = api.get(pages[-1]["next"])
    return [card["id"] for page in pages for card in page["results"]]


@pytest.mark.parametrize("query", ["talk", "talks", "TALK!", "geneva talk"])
def test_api_search_finds_what_the_page_finds_in_its_order(api, client, stories, query):
    in_event = stories[2]

    on_page = page_search(client, query)

    assert in_event.pk in on_page  # found by its event title, which the old filter never read
    assert api_search(api, query) == on_page
    assert api_search(api, query, page_size=1) == on_page


def test_api_search_for_staff_is_the_same_read_over_drafts_too(admin_api, client, stories):
    on_page = page_search(client, "talk")
    draft = Story.objects.get(headline="Secret talks")

    assert api_search(admin_api, "talk", status="published") == on_page
    assert set(api_search(admin_api, "talk")) == {*on_page, draft.pk}
    assert api_search(admin_api, "talk", category=draft.category_id) == [draft.pk]


def test_blank_search_is_no_search(api, stories):
    everything = api_search(api, "")

    assert set(everything) == {story.pk for story in stories}
    assert api_search(api, "   ") == everything
