"""The page cache: never stale (the version is in the database), public only briefly, keyed by
host and scheme, and never a way past the API throttle. Its failures: test_cache_backends."""

import datetime as dt
import threading
from unittest import mock

import pytest
import reversion
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from core.caching import content_version
from people.models import Person
from stories import services
from stories.models import Source, Story
from tests.factories import make_story
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=0, s-maxage=10, stale-while-revalidate=10"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_SHARED_MAX_AGE = 10
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = 10


@pytest.fixture
def story():
    return make_story(headline="Cached headline", people=1, sources=2, events=2)


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as if its transaction committed, so its change-log rows are written."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_hit_costs_one_query_and_says_so(client, story, django_assert_num_queries):
    url = story.get_absolute_url()
    first = client.get(url)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content version; the page is in the cache
        hit = client.get(url)
    assert hit["X-Cache"] == "hit" and "Cached headline" in hit.content.decode()
    assert hit["Cache-Control"] == PUBLIC
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "edit",
    [
        "headline",
        "new event",
        "person rename",
        "source rename",
        "unpublish",
        "trash",
        "purge",
        "revision revert",
    ],
)
def test_every_kind_of_edit_is_seen_at_once(client, story, committed, edit, staff_user):
    urls = [story.get_absolute_url(), reverse("stories:home")]
    with committed(), reversion.create_revision():
        story.save()  # the revision a revert goes back to
    for url in urls:
        page(client, url)
    person = Person.objects.get(story_roles__story=story)
    source = Source.objects.filter(story_sources__story=story).first()
    with committed():
        if edit in ("headline", "revision revert"):
            with reversion.create_revision():
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
        elif edit in ("trash", "purge"):
            services.story_trash(story=story, user=staff_user)
    if edit == "purge":
        page(client, urls[1])
        with committed():
            services.trash_purge(older_than_days=0, now=timezone.now() + dt.timedelta(days=1))
    if edit == "revision revert":
        assert "Edited headline" in page(client, urls[0])
        with committed():
            Version.objects.get_for_object(story).last().revision.revert(delete=True)
    expected = {
        "headline": "Edited headline",
        "new event": "Brand new event",
        "person rename": "Renamed Person",
        "source rename": "Renamed Publisher",
        "revision revert": "Cached headline",
    }
    if edit in ("unpublish", "trash", "purge"):
        assert client.get(urls[0]).status_code == 404
        assert "Cached headline" not in page(client, urls[1])
    else:
        assert expected[edit] in page(client, urls[0])
        if edit in ("headline", "new event", "revision revert"):
            assert expected[edit] in page(client, urls[1])


def test_a_withdrawn_story_leaves_its_feeds_and_sitemaps_at_once(
    client, story, committed, staff_user
):
    story_feed = reverse("syndication:story-feed-rss", args=[story.slug])
    lists = [reverse("syndication:feed-rss"), reverse("syndication:news-sitemap"), "/sitemap.xml"]
    for url in [story_feed, *lists]:
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit"
    assert "Cached headline" in page(client, lists[0])
    with committed():
        services.story_set_status(story=story, user=staff_user, status=Story.Status.UNPUBLISHED)
    assert client.get(story_feed).status_code == 404
    for url in lists[:2]:
        assert "Cached headline" not in page(client, url)


def test_scheduled_story_goes_live_without_any_edit(client):
    now = timezone.now()
    make_story(headline="Scheduled one", published_at=now + dt.timedelta(minutes=5))
    assert "Scheduled one" not in page(client, reverse("stories:home"))
    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(minutes=6)):
        assert "Scheduled one" in page(client, reverse("stories:home"))


@pytest.mark.django_db(transaction=True)
def test_an_edit_from_another_connection_moves_the_version(client):
    """As a `manage.py shell` edit or another worker's: nothing tells this process."""
    story = make_story(headline="Before the shell edit")
    url = story.get_absolute_url()
    assert "Before the shell edit" in page(client, url)
    assert client.get(url)["X-Cache"] == "hit"
    before = content_version()

    def shell_edit():
        try:
            edited = Story.objects.get(pk=story.pk)
            edited.headline = "After the shell edit"
            edited.save()
        finally:
            connection.close()

    editor = threading.Thread(target=shell_edit)
    editor.start()
    editor.join(10)
    assert content_version() != before
    assert "After the shell edit" in page(client, url)


def test_signed_in_readers_are_never_served_the_anonymous_copy(client, story):
    url = story.get_absolute_url()
    page(client, url)
    reader = User.objects.create_user("reader", password="pw-long-enough-1")
    client.force_login(reader)
    response = client.get(url)
    assert "Follow" in response.content.decode()
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert not response.has_header("X-Cache")


def test_staff_preview_of_a_draft_is_not_cached_for_the_public(client, staff_client):
    draft = make_story(status=Story.Status.DRAFT)
    assert staff_client.get(draft.get_absolute_url()).status_code == 200
    staff_client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_page_cache_setting_switches_it_off_but_not_the_headers(
    client, story, settings, django_assert_num_queries
):
    settings.PAGE_CACHE = False
    url = story.get_absolute_url()
    page(client, url)
    with django_assert_num_queries(11):  # the story page's 11 (tests/stories/test_views.py)
        response = client.get(url)
    assert response["Cache-Control"] == PUBLIC and not response.has_header("X-Cache")


@pytest.mark.parametrize("max_age, swr", [(10, 10), (30, 0)])
def test_pages_and_api_share_one_cache_control_rule(client, story, settings, max_age, swr):
    settings.PAGE_CACHE_SHARED_MAX_AGE = max_age
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = swr
    expected = f"public, max-age=0, s-maxage={max_age}, stale-while-revalidate={swr}"
    urls = [
        story.get_absolute_url(),
        reverse("syndication:story-feed-rss", args=[story.slug]),
        reverse("syndication:feed-atom"),
        reverse("syndication:news-sitemap"),
        f"/api/v1/stories/{story.pk}/",
        "/api/v1/brief/",
    ]
    for url in urls:
        assert client.get(url)["Cache-Control"] == expected  # built
        assert client.get(url)["Cache-Control"] == expected  # from the cache


@pytest.mark.parametrize("host", ["news.example", "mirror.example"])
def test_the_key_holds_host_and_scheme(client, story, settings, host):
    settings.ALLOWED_HOSTS = ["news.example", "mirror.example"]
    url = story.get_absolute_url()
    other = "mirror.example" if host == "news.example" else "news.example"
    page(client, url, HTTP_HOST=other)  # the first request's host must not stick
    body = page(client, url, HTTP_HOST=host)
    assert f'rel="canonical" href="http://{host}{url}"' in body and other not in body
    secure = client.get(url, HTTP_HOST=host, secure=True).content.decode()
    assert f'href="https://{host}{url}"' in secure
    api = client.get(f"/api/v1/stories/{story.pk}/", HTTP_HOST=other)
    assert other in api.json()["api_url"]
    api = client.get(f"/api/v1/stories/{story.pk}/", HTTP_HOST=host)
    assert api.json()["api_url"].startswith(f"http://{host}/")


# The API's reads -------------------------------------------------------------------------


def api(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return response


def test_api_read_is_served_from_the_cache_with_its_etag(client, story, django_assert_num_queries):
    url = f"/api/v1/stories/{story.pk}/"
    first = api(client, url)
    with django_assert_num_queries(1):
        second = api(client, url)
    assert second["X-Cache"] == "hit" and second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == PUBLIC
    with django_assert_num_queries(1):
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
def test_api_edits_are_seen_at_once(client, story, committed, edit, staff_user):
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


def test_the_throttle_counts_cache_hits(client, story, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    url = f"/api/v1/stories/{story.pk}/"
    responses = [client.get(url) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.get("X-Cache") for r in responses[:3]] == ["miss", "hit", "hit"]
    refused = responses[3]
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "throttled" and int(refused["Retry-After"]) > 0
    # Another address has its own budget, served from the same cache entry.
    assert client.get(url, REMOTE_ADDR="192.0.2.7")["X-Cache"] == "hit"


def test_stored_copy_is_the_finished_bytes_and_headers_only(client, story):
    """A DRF Response would pickle its whole `data` structure too, and unpickle it on every
    hit; the cache keeps a plain response with the same bytes and headers."""
    from django.core.cache import cache
    from django.http import HttpResponse
    from rest_framework.response import Response

    from core.caching import _key

    url = f"/api/v1/stories/{story.pk}/"
    first = client.get(url)
    hit = client.get(url)
    assert type(hit) is HttpResponse and not isinstance(hit, Response)
    assert hit.content == first.content
    for header in ("ETag", "Last-Modified", "Cache-Control", "Content-Type", "Vary"):
        assert hit[header] == first[header]
    stored = cache.get(_key(RequestFactory().get(url), vary_on_accept=True))
    assert not hasattr(stored, "data") and stored["Content-Encoding"] == "gzip"


def test_api_hits_are_stored_gzipped_and_served_to_each_client_as_it_accepts(client, story):
    import gzip

    url = f"/api/v1/stories/{story.pk}/"
    first = client.get(url)  # built now, for a client that does not accept gzip
    assert "Accept-Encoding" in first["Vary"]
    assert not first.has_header("Content-Encoding")

    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["X-Cache"] == "hit" and zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == first.content
    assert len(zipped.content) < len(first.content) / 2
    # The gzipped variant's own strong tag (core.compression.gzip_etag).
    assert zipped["ETag"] == first["ETag"][:-1] + '-gzip"'

    plain = client.get(url)  # no Accept-Encoding
    assert not plain.has_header("Content-Encoding")
    assert plain.content == first.content
    assert plain["ETag"] == first["ETag"]
    # Either representation revalidates with the ETag the client holds.
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    gz = {"HTTP_ACCEPT_ENCODING": "gzip"}
    assert client.get(url, HTTP_IF_NONE_MATCH=zipped["ETag"], **gz).status_code == 304


def test_pages_are_never_compressed_by_the_cache(client, story):
    url = story.get_absolute_url()
    client.get(url)
    hit = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert not hit.has_header("Content-Encoding")
    assert b"Cached headline" in hit.content


def test_a_page_that_used_the_requests_csp_nonce_is_never_stored(client, story):
    """The browsable API's HTML carries this request's nonce; a stored copy would carry an
    old one that the next response's Content-Security-Policy does not allow."""
    import re

    for _ in range(2):
        response = client.get("/api/v1/stories/", HTTP_ACCEPT="text/html")
        assert response.status_code == 200 and response["X-Cache"] == "miss"
        nonces = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
        assert nonces
        policy = response["Content-Security-Policy"]
        assert all(f"'nonce-{nonce}'" in policy for nonce in nonces), policy
    # JSON, which carries no nonce, is stored as before.
    client.get("/api/v1/stories/")
    assert client.get("/api/v1/stories/")["X-Cache"] == "hit"
