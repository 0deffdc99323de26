"""The admin pages editors work from cost the same SQL at any size: the story list (with its
Trash count), the Trash, the story's History, and the add form."""

import pytest
from django.urls import reverse

from stories import services
from stories.models import Story
from tests.factories import make_story

pytestmark = pytest.mark.django_db

# Measured, and the same at any size (session, user, counts and the page's rows, the header's
# review count, the filters' choices).
STORY_LIST_QUERIES = 12
TRASH_QUERIES = 7
HISTORY_QUERIES = 7
ADD_FORM_QUERIES = 5


def _stories(n: int) -> list[Story]:
    return [make_story(events=2, status=Story.Status.DRAFT) for _ in range(n)]


@pytest.mark.parametrize("n", [2, 12])
def test_the_story_list_costs_the_same_at_any_size(
    staff_client, staff_user, n, django_assert_num_queries
):
    stories = _stories(n)
    services.story_trash(story=stories[0], user=staff_user)
    url = reverse("admin:stories_story_changelist")
    staff_client.get(url)
    with django_assert_num_queries(STORY_LIST_QUERIES):
        page = staff_client.get(url).content.decode()
    assert "Trash (1)" in page
    assert page.count('class="field-headline"') == n - 1


@pytest.mark.parametrize("n", [2, 12])
def test_the_trash_costs_the_same_at_any_size(
    staff_client, staff_user, n, django_assert_num_queries
):
    for story in _stories(n):
        services.story_trash(story=story, user=staff_user)
    url = reverse("admin:stories_trashedstory_changelist")
    staff_client.get(url)
    with django_assert_num_queries(TRASH_QUERIES):
        page = staff_client.get(url).content.decode()
    assert page.count("Story number") >= n


@pytest.mark.parametrize("n", [2, 12])
def test_a_storys_history_costs_the_same_at_any_length(staff_client, n, django_assert_num_queries):
    from tests.admin_forms import change_form_data, change_url

    story = make_story(events=2, status=Story.Status.DRAFT)
    for i in range(n):
        data = change_form_data(staff_client, story)
        data["dek"] = f"Summary line {i}"
        assert staff_client.post(change_url(story), data).status_code == 302
    url = reverse("admin:stories_story_history", args=[story.pk])
    with django_assert_num_queries(HISTORY_QUERIES):
        page = staff_client.get(url).content.decode()
    assert page.count("Changed Summary line") == n


def test_the_add_form_costs_a_fixed_number_of_queries(staff_client, django_assert_num_queries):
    url = reverse("admin:stories_story_add")
    staff_client.get(url)
    with django_assert_num_queries(ADD_FORM_QUERIES):
        staff_client.get(url)
