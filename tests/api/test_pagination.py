"""Cursor pages follow the queryset's order exactly: ties broken by id, NULLs where the
database puts them, forwards and backwards."""

import pytest
from django.utils import timezone

from stories.models import Story
from tests import factories

API = "/api/v1"


def walk(client, url):
    """Every page from `url` following `next`, then back again following `previous`."""
    pages = [client.get(url).json()]
    while pages[-1]["next"]:
        response = client.get(pages[-1]["next"])
        assert response.status_code == 200, response.content
        pages.append(response.json())
    back = [pages[-1]]
    while back[-1]["previous"]:
        back.append(client.get(back[-1]["previous"]).json())
    forward = [card["id"] for page in pages for card in page["results"]]
    backward = [card["id"] for page in reversed(back) for card in page["results"]]
    return forward, backward


@pytest.mark.parametrize("ordering", ["published_at", "-published_at", "updated_at", "headline"])
def test_pages_with_ties_and_nulls_give_every_story_once(admin_api, db, ordering):
    same_time = timezone.now().replace(microsecond=0)
    for _ in range(4):
        factories.make_story(headline="Same headline", published_at=same_time)
    for _ in range(3):
        factories.make_story(status=Story.Status.DRAFT, published_at=None)
    Story.objects.update(updated_at=same_time)
    one_page = [
        c["id"] for c in admin_api.get(f"{API}/stories/?ordering={ordering}").json()["results"]
    ]

    forward, backward = walk(admin_api, f"{API}/stories/?ordering={ordering}&page_size=2")

    assert len(one_page) == 7
    assert forward == one_page
    assert backward == one_page
