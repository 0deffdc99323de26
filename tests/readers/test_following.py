import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from readers import selectors, services
from readers.models import Follow
from stories import following
from stories.models import Story
from tests.factories import make_story
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return User.objects.create_user("reader", "reader@example.com", "a-long-Passphrase-9")


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def add_event(story, title="News", **kwargs):
    return TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 3, 1), title=title, description="x", **kwargs
    )


def test_follow_and_unfollow_with_plain_forms(reader_client, reader):
    story = make_story()
    response = reader_client.post(reverse("stories:follow", args=[story.slug]))
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    reader_client.post(reverse("stories:follow", args=[story.slug]))
    assert Follow.objects.filter(reader=reader, story=story).count() == 1
    reader_client.post(reverse("stories:unfollow", args=[story.slug]))
    assert not Follow.objects.exists()


def test_follow_needs_post_and_login_and_a_public_story(client, reader_client):
    story = make_story()
    assert reader_client.get(reverse("stories:follow", args=[story.slug])).status_code == 405
    draft = make_story(status=Story.Status.DRAFT)
    assert reader_client.post(reverse("stories:follow", args=[draft.slug])).status_code == 404
    assert reader_client.post(reverse("stories:follow", args=["no-such-story"])).status_code == 404
    reader_client.logout()
    response = client.post(reverse("stories:follow", args=[story.slug]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("readers:login"))


def test_following_page_puts_news_first_and_counts_it(reader_client, reader):
    quiet = make_story(headline="Quiet story", events=0)
    busy = make_story(headline="Busy story", events=0)
    for story in (busy, quiet):
        services.follow_story(reader=reader, story=story)
    Follow.objects.update(last_seen_at=timezone.now() - dt.timedelta(minutes=5))
    Story.objects.filter(pk=quiet.pk).update(updated_at=timezone.now())  # quiet is newer
    add_event(busy, "Fresh")
    add_event(busy, "Fresher")
    response = reader_client.get(reverse("stories:following"))
    follows = response.context["follows"]
    assert [f.story.headline for f in follows] == ["Busy story", "Quiet story"]
    assert (follows[0].new_count, follows[1].new_count) == (2, 0)
    html = response.content.decode()
    assert "2 new events" in html and "Nothing new since your last visit" in html


def test_new_counts_at_the_edges(reader):
    story = make_story(events=2)
    follow = services.follow_story(reader=reader, story=story)
    mark = timezone.now()
    services.follow_mark_seen(follow=follow, at=mark)

    def counts():
        row = following.following_list(reader=reader).get()
        return row.new_count, row.updated_count

    assert counts() == (0, 0)
    # Added in the same second as the visit, but after it: new.
    same_second = add_event(story, "Same second")
    TimelineEvent.objects.filter(pk=same_second.pk).update(
        created_at=mark + dt.timedelta(microseconds=1),
        updated_at=mark + dt.timedelta(microseconds=1),
    )
    assert counts() == (1, 0)
    # An old event edited after the visit: updated, not new.
    old = story.events.order_by("created_at").first()
    old.title = "Corrected title"
    old.save()
    assert counts() == (1, 1)
    # A deleted event no longer counts.
    TimelineEvent.objects.filter(pk=same_second.pk).delete()
    assert counts() == (0, 1)
    # Opening the story moves the mark; the mark never moves back.
    services.follow_mark_seen(follow=follow)
    assert counts() == (0, 0)
    services.follow_mark_seen(follow=follow, at=mark)
    follow.refresh_from_db()
    assert follow.last_seen_at > mark


def test_event_news_marks_new_and_updated(reader):
    story = make_story(events=1)
    follow = services.follow_story(reader=reader, story=story)
    old = story.events.get()
    fresh = add_event(story, "Fresh")
    Follow.objects.filter(pk=follow.pk).update(
        last_seen_at=fresh.created_at - dt.timedelta(microseconds=1)
    )
    follow.refresh_from_db()
    old.save()
    assert selectors.event_news(follow=follow, events=story.events.all()) == {
        fresh.pk: "new",
        old.pk: "updated",
    }
    assert selectors.event_news(follow=None, events=story.events.all()) == {}


def test_unpublished_stories_drop_out_of_following(reader_client, reader):
    story = make_story()
    services.follow_story(reader=reader, story=story)
    Story.objects.filter(pk=story.pk).update(status=Story.Status.DRAFT)
    response = reader_client.get(reverse("stories:following"))
    assert response.context["follows"] == []
    assert story.headline not in response.content.decode()


@pytest.mark.parametrize("size", [3, 200])
def test_following_page_query_count_is_fixed(
    reader_client, reader, django_assert_num_queries, size
):
    for _ in range(size):
        story = make_story(events=2)
        Follow.objects.create(reader=reader, story=story)
    # session, user, follows with counts
    with django_assert_num_queries(3):
        response = reader_client.get(reverse("stories:following"))
    assert len(response.context["follows"]) == size
