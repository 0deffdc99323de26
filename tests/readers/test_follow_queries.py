"""Following or unfollowing costs a fixed, small number of queries, whatever the story holds."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from readers.models import Follow
from tests.factories import make_story

pytestmark = pytest.mark.django_db

# Session, user, the story (id, slug, headline only), get_or_create (select, savepoint,
# insert, release).
PAGE_FOLLOW_QUERIES = 7
# Session, user, the story, the delete.
PAGE_UNFOLLOW_QUERIES = 4
# Token, the story's id, was it followed, get_or_create (4), the follow as answered.
API_FOLLOW_QUERIES = 8
# Token, the story, the delete.
API_UNFOLLOW_QUERIES = 3


@pytest.fixture
def reader(db):
    return User.objects.create_user("reader", "reader@example.com", "a-long-Passphrase-9")


def big_story(events):
    return make_story(
        events=events, people=2, organizations=2, sources=3, indicators=2, scenarios=2, contexts=2
    )


@pytest.mark.parametrize("events", [3, 30])
def test_page_follow_and_unfollow_do_not_load_the_story_sections(
    client, reader, events, django_assert_num_queries
):
    story = big_story(events)
    client.force_login(reader)
    with django_assert_num_queries(PAGE_FOLLOW_QUERIES):
        response = client.post(reverse("stories:follow", args=[story.slug]))
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    assert Follow.objects.filter(reader=reader, story=story).exists()
    with django_assert_num_queries(PAGE_UNFOLLOW_QUERIES):
        response = client.post(reverse("stories:unfollow", args=[story.slug]))
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    assert not Follow.objects.exists()


@pytest.mark.parametrize("events", [3, 30])
def test_api_follow_and_unfollow_do_not_load_the_story(reader, events, django_assert_num_queries):
    story = big_story(events)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reader).key}")
    with django_assert_num_queries(API_FOLLOW_QUERIES) as captured:
        response = api.put(f"/api/v1/me/following/{story.pk}/")
    assert response.status_code == 201 and response.json()["story"]["id"] == story.pk
    story_reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "stories_story"' in q["sql"]
    ]
    # Only the id is read to check the story is published (the answer's join aside).
    assert all('"stories_story"."overview"' not in sql for sql in story_reads[:1])
    with django_assert_num_queries(API_UNFOLLOW_QUERIES):
        assert api.delete(f"/api/v1/me/following/{story.pk}/").status_code == 204
    assert not Follow.objects.exists()
