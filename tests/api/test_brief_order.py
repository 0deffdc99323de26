"""The Daily Brief: the API answers the page's stories in the page's order, page after page."""

import datetime as dt

import pytest
from django.utils import timezone

from stories.models import Story
from tests import factories
from timelines.models import TimelineEvent

API = "/api/v1"
DAY = dt.date(2026, 2, 5)


def story_with(*, event_days_ago: int, updated_at: dt.datetime) -> Story:
    story = factories.make_story(events=0)
    TimelineEvent.objects.create(
        story=story,
        date=DAY - dt.timedelta(days=event_days_ago),
        title="Something happened",
        description="What happened.",
    )
    Story.objects.filter(pk=story.pk).update(updated_at=updated_at)
    return story


@pytest.fixture
def brief(db):
    """Five stories whose Brief order is neither id order nor updated order (either way)."""
    now = timezone.now().replace(microsecond=0)
    s1 = story_with(event_days_ago=0, updated_at=now - dt.timedelta(days=3))
    s2 = story_with(event_days_ago=5, updated_at=now)
    s3 = story_with(event_days_ago=0, updated_at=now - dt.timedelta(days=1))
    s4 = story_with(event_days_ago=2, updated_at=now - dt.timedelta(days=2))
    s5 = story_with(event_days_ago=5, updated_at=now)  # ties s2 on day and time: id decides
    factories.make_story(status=Story.Status.DRAFT)
    expected = [s3.pk, s1.pk, s4.pk, s5.pk, s2.pk]
    ids = [s1.pk, s2.pk, s3.pk, s4.pk, s5.pk]
    by_updated = [s.pk for s in Story.objects.published().order_by("-updated_at", "-pk").only("pk")]
    assert expected not in (ids, ids[::-1], by_updated, by_updated[::-1])
    return expected


def page_ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_brief_api_pages_follow_the_brief_page_order(api, client, brief):
    home = [story.pk for story in client.get("/").context["page_obj"]]

    pages = [page_ids(api, f"{API}/brief/?page_size=2")]
    while pages[-1]["next"]:
        pages.append(page_ids(api, pages[-1]["next"]))

    assert home == brief
    assert len(pages) == 3
    assert [card["id"] for page in pages for card in page["results"]] == home
    # Back from the last page gives the middle page again, in the same order.
    assert page_ids(api, pages[-1]["previous"])["results"] == pages[1]["results"]
    assert page_ids(api, pages[1]["previous"])["results"] == pages[0]["results"]
    assert pages[0]["previous"] is None


def test_an_empty_cursor_is_the_first_page(api, brief):
    first = page_ids(api, f"{API}/brief/?page_size=2")
    empty = page_ids(api, f"{API}/brief/?page_size=2&cursor=")

    # The same page, and a next link to the same second page (a cursor is signed with the
    # second it was made in, so the links themselves may differ).
    assert empty["results"] == first["results"]
    assert page_ids(api, empty["next"])["results"] == page_ids(api, first["next"])["results"]
    assert page_ids(api, f"{API}/stories/?cursor=")["results"]


def test_a_bad_cursor_is_still_a_problem(api, brief):
    response = api.get(f"{API}/brief/?cursor=garbage")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "cursor" in response.json()["errors"]
