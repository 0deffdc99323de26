"""Cached pages are never stale: every kind of edit that changes a page invalidates it."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from people.models import Person
from stories import services
from stories.models import Source, Story
from tests.factories import make_story
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def story():
    return make_story(headline="Cached headline", people=1, sources=2, events=2)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as if its transaction committed, so on-commit invalidation happens."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_second_anonymous_request_is_served_from_the_cache(
    client, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    page(client, url)
    with django_assert_num_queries(0):
        assert "Cached headline" in page(client, url)
    response = client.get(url)
    assert response["Cache-Control"] == "public, max-age=60"
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "edit",
    [
        "headline",
        "new event",
        "person rename",
        "source rename",
        "unpublish",
        "trash",
    ],
)
def test_every_kind_of_edit_invalidates(client, story, committed, edit, staff_user):
    urls = [story.get_absolute_url(), reverse("stories:home")]
    for url in urls:
        page(client, url)
    person = Person.objects.get(story_roles__story=story)
    source = Source.objects.filter(story_sources__story=story).first()
    with committed():
        if edit == "headline":
            story.headline = "Edited headline"
            story.save()
        elif edit == "new event":
            TimelineEvent.objects.create(
                story=story, date=dt.date(2027, 1, 1), title="Brand new event", description="x"
            )
        elif edit == "person rename":
            person.name = "Renamed Person"
            person.save()
        elif edit == "source rename":
            source.publisher = "Renamed Publisher"
            source.save()
        elif edit == "unpublish":
            services.story_set_status(story=story, user=staff_user, status=Story.Status.UNPUBLISHED)
        elif edit == "trash":
            services.story_trash(story=story, user=staff_user)
    expected = {
        "headline": "Edited headline",
        "new event": "Brand new event",
        "person rename": "Renamed Person",
        "source rename": "Renamed Publisher",
    }
    if edit in ("unpublish", "trash"):
        assert client.get(urls[0]).status_code == 404
        assert "Cached headline" not in page(client, urls[1])
    else:
        assert expected[edit] in page(client, urls[0])
        if edit in ("headline", "new event"):
            assert expected[edit] in page(client, urls[1])


def test_scheduled_story_goes_live_without_any_edit(client):
    now = timezone.now()
    make_story(headline="Scheduled one", published_at=now + dt.timedelta(minutes=5))
    assert "Scheduled one" not in page(client, reverse("stories:home"))
    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(minutes=6)):
        assert "Scheduled one" in page(client, reverse("stories:home"))


def test_signed_in_readers_are_never_served_the_anonymous_copy(client, story):
    url = story.get_absolute_url()
    page(client, url)
    reader = User.objects.create_user("reader", password="pw-long-enough-1")
    client.force_login(reader)
    response = client.get(url)
    assert "Follow" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_staff_preview_of_a_draft_is_not_cached_for_the_public(client, staff_client):
    draft = make_story(status=Story.Status.DRAFT)
    assert staff_client.get(draft.get_absolute_url()).status_code == 200
    staff_client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_page_cache_setting_switches_it_off(client, story, settings, django_assert_num_queries):
    settings.PAGE_CACHE = False
    url = story.get_absolute_url()
    page(client, url)
    with django_assert_num_queries(10):
        page(client, url)


# The API's reads -------------------------------------------------------------------------


def api(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return response


def test_api_read_is_served_from_the_cache_with_its_etag(client, story, django_assert_num_queries):
    url = f"/api/v1/stories/{story.pk}/"
    first = api(client, url)
    with django_assert_num_queries(0):
        second = api(client, url)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"]
    with django_assert_num_queries(0):
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_api_cache_keeps_representations_apart(client, story):
    url = f"/api/v1/stories/{story.pk}/"
    json_body = api(client, url, HTTP_ACCEPT="application/json")
    html_body = api(client, url, HTTP_ACCEPT="text/html")
    assert json_body["Content-Type"].startswith("application/json")
    assert html_body["Content-Type"].startswith("text/html")
    assert api(client, url, HTTP_ACCEPT="application/json").content == json_body.content


def test_api_errors_are_not_cached(client, story):
    url = "/api/v1/stories/999999/"
    first = client.get(url)
    assert first.status_code == 404
    assert first["Content-Type"].startswith("application/problem+json")
    make_story(headline="Not yet")  # a new story must not reveal a cached 404 either way
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("edit", ["headline", "person rename", "unpublish"])
def test_api_edits_invalidate(client, story, committed, edit, staff_user):
    detail = f"/api/v1/stories/{story.pk}/"
    person = Person.objects.get(story_roles__story=story)
    urls = [detail, "/api/v1/stories/", "/api/v1/brief/", f"/api/v1/people/{person.pk}/"]
    for url in urls:
        api(client, url)
    with committed():
        if edit == "headline":
            story.headline = "Edited headline"
            story.save()
        elif edit == "person rename":
            person.name = "Renamed Person"
            person.save()
        elif edit == "unpublish":
            services.story_set_status(story=story, user=staff_user, status=Story.Status.UNPUBLISHED)
    if edit == "unpublish":
        assert client.get(detail).status_code == 404
        for url in urls[1:3]:
            assert "Cached headline" not in api(client, url).content.decode()
        # The person is in no published story now: hidden, not served from the old cache.
        assert client.get(urls[3]).status_code == 404
    elif edit == "headline":
        for url in urls[:3]:
            assert "Edited headline" in api(client, url).content.decode()
    else:
        assert "Renamed Person" in api(client, detail).content.decode()
        assert "Renamed Person" in api(client, urls[3]).content.decode()


def test_api_scheduled_story_goes_live_without_any_edit(client):
    now = timezone.now()
    make_story(headline="Scheduled one", published_at=now + dt.timedelta(minutes=5))
    for url in ("/api/v1/stories/", "/api/v1/brief/", "/api/v1/sync/"):
        assert "Scheduled one" not in api(client, url).content.decode()
    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(minutes=6)):
        for url in ("/api/v1/stories/", "/api/v1/brief/", "/api/v1/sync/"):
            assert "Scheduled one" in api(client, url).content.decode()


def test_api_token_clients_are_never_served_the_anonymous_copy(client, story, staff_user):
    from rest_framework.authtoken.models import Token

    draft = make_story(headline="Draft for staff", status=Story.Status.DRAFT)
    api(client, "/api/v1/stories/")
    token = Token.objects.create(user=staff_user)
    body = api(client, "/api/v1/stories/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert draft.headline in body.content.decode()
    assert draft.headline not in api(client, "/api/v1/stories/").content.decode()


# The production backend: Redis, shared by every worker. -----------------------------------


@pytest.fixture
def redis_cache(settings):
    """The page cache on a real Redis (database 15), as in production; skipped without one."""
    import redis
    from django.core.cache import caches

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).flushdb()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "newsroom.cache_backends.RedisCache", "LOCATION": url}
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_redis_hit_is_one_round_trip_and_an_edit_still_invalidates(
    client, story, redis_cache, committed
):
    from redis import Redis

    url = story.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and first.has_header("ETag")
    with mock.patch.object(
        Redis, "execute_command", autospec=True, side_effect=Redis.execute_command
    ) as sent:
        assert "Cached headline" in page(client, url)
    # The version and the page come back together in one MGET.
    assert [call.args[1] for call in sent.call_args_list] == ["MGET"]
    # The ETag was computed when the page was stored, not on every hit.
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    with committed():
        story.headline = "Renamed after caching"
        story.save()
    assert "Renamed after caching" in page(client, url)


def test_redis_backend_reuses_one_client_per_pool(redis_cache):
    backend = redis_cache._cache
    assert backend.get_client() is backend.get_client()
    redis_cache.set("k", "v")
    assert redis_cache.get_many(["k", "missing"]) == {"k": "v"}


def test_stored_copy_is_the_finished_bytes_and_headers_only(client, story):
    """A DRF Response would pickle its whole `data` structure too, and unpickle it on every
    hit; the cache keeps a plain response with the same bytes and headers."""
    from django.core.cache import cache
    from django.http import HttpResponse
    from rest_framework.response import Response

    from newsroom.caching import PAGE_PREFIX

    url = f"/api/v1/stories/{story.pk}/"
    first = client.get(url)
    hit = client.get(url)
    assert type(hit) is HttpResponse and not isinstance(hit, Response)
    assert hit.content == first.content
    for header in ("ETag", "Last-Modified", "Cache-Control", "Content-Type", "Vary"):
        assert hit[header] == first[header]
    _, stored = cache.get(f"{PAGE_PREFIX}:GET:{url}:")
    assert not hasattr(stored, "data") and stored["Content-Encoding"] == "gzip"


def test_api_hits_are_stored_gzipped_and_served_to_each_client_as_it_accepts(client, story):
    import gzip

    url = f"/api/v1/stories/{story.pk}/"
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Accept-Encoding" in first["Vary"]
    assert not first.has_header("Content-Encoding")  # built now: sent as it is

    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == first.content
    assert len(zipped.content) < len(first.content) / 2
    assert zipped["ETag"] == "W/" + first["ETag"]

    plain = client.get(url)  # no Accept-Encoding
    assert not plain.has_header("Content-Encoding")
    assert plain.content == first.content
    # Either representation revalidates with the ETag the client holds.
    for etag in (first["ETag"], zipped["ETag"]):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_pages_are_never_compressed_by_the_cache(client, story):
    url = story.get_absolute_url()
    client.get(url)
    hit = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert not hit.has_header("Content-Encoding")
    assert b"Cached headline" in hit.content
