"""Offline sync re-sends a category whenever its count of published stories moves."""

import datetime as dt

import pytest
from django.utils import timezone

from stories.models import Story
from tests import factories
from tests.api.if_match import if_match

API = "/api/v1"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the change log is written after commit)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def sync(client, token=None):
    response = client.get(f"{API}/sync/", {"since": token} if token else {})
    assert response.status_code == 200, response.content
    return response.json()


def counts(payload) -> dict[int, int]:
    return {record["id"]: record["story_count"] for record in payload["categories"]}


def test_publishing_a_story_resends_its_category_with_the_new_count(
    api, admin_api, make_story, committed
):
    with committed():
        category = factories.make_category()
        make_story(category=category)
        draft = make_story(category=category, status=Story.Status.DRAFT)
    first = sync(api)
    assert counts(first)[category.pk] == 1

    with committed():
        url = f"{API}/stories/{draft.pk}/"
        response = admin_api.patch(
            url, {"status": "published"}, format="json", **if_match(admin_api, url)
        )
        assert response.status_code == 200, response.content
    changes = sync(api, first["token"])

    assert counts(changes) == {category.pk: 2}


def test_withdrawing_or_trashing_a_story_resends_its_category(
    api, admin_api, make_story, committed
):
    with committed():
        category = factories.make_category()
        withdrawn, trashed, _kept = (make_story(category=category) for _ in range(3))
    token = sync(api)["token"]

    with committed():
        url = f"{API}/stories/{withdrawn.pk}/"
        admin_api.patch(url, {"status": "unpublished"}, format="json", **if_match(admin_api, url))
    changes = sync(api, token)
    assert counts(changes) == {category.pk: 2}

    with committed():
        url = f"{API}/stories/{trashed.pk}/"
        assert admin_api.delete(url, **if_match(admin_api, url)).status_code == 204
    assert counts(sync(api, changes["token"])) == {category.pk: 1}


def test_moving_a_story_resends_both_categories(api, make_story, committed):
    with committed():
        old, new = factories.make_category(), factories.make_category()
        story = make_story(category=old)
    token = sync(api)["token"]

    with committed():
        story.category = new
        story.save()
    changes = sync(api, token)

    assert counts(changes) == {old.pk: 0, new.pk: 1}


def test_purging_a_story_resends_its_category(api, make_story, committed):
    with committed():
        category = factories.make_category()
        story = make_story(category=category)
    token = sync(api)["token"]

    with committed():
        Story.all_objects.get(pk=story.pk).delete()
    changes = sync(api, token)

    assert counts(changes) == {category.pk: 0}
    assert changes["deleted"] == [{"type": "story", "id": story.pk}]


def test_a_scheduled_story_coming_out_resends_its_category(api, make_story, committed):
    with committed():
        category = factories.make_category()
        scheduled = make_story(
            category=category, published_at=timezone.now() + dt.timedelta(hours=1)
        )
    first = sync(api)
    assert counts(first)[category.pk] == 0

    # Its time comes: nothing is saved, so nothing is in the change log.
    Story.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    later = sync(api, first["token"])

    assert counts(later) == {category.pk: 1}
