"""ETag / Last-Modified / Cache-Control on reads; If-Match on writes."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from stories.models import Story

API = "/api/v1"


@pytest.mark.parametrize(
    "path",
    [
        "/stories/",
        "/stories/{story}/",
        "/brief/",
        "/categories/",
        "/people/",
        "/events/",
        "/sources/",
        "/stories/{story}/export/ninjs/",
    ],
)
def test_reads_answer_304_to_a_current_etag(api, make_story, path):
    story = make_story(people=1, sources=1)
    url = API + path.format(story=story.pk)

    first = api.get(url)
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["ETag"].startswith('"') and len(first["ETag"]) == 34
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]


def test_etag_changes_with_the_content(api, make_story):
    story = make_story()
    url = f"{API}/stories/{story.pk}/"
    etag = api.get(url)["ETag"]

    story.dek = "A new summary line"
    story.save()

    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["dek"] == "A new summary line"


def test_a_different_representation_has_a_different_etag(api, make_story):
    story = make_story()
    url = f"{API}/stories/{story.pk}/"

    full = api.get(url)
    sparse = api.get(f"{url}?fields=headline")

    assert full["ETag"] != sparse["ETag"]
    assert api.get(f"{url}?fields=headline", HTTP_IF_NONE_MATCH=full["ETag"]).status_code == 200


def test_last_modified_and_if_modified_since(api, make_story):
    story = make_story()
    url = f"{API}/stories/{story.pk}/"

    first = api.get(url)
    later = http_date((timezone.now() + dt.timedelta(minutes=5)).timestamp())
    earlier = http_date((timezone.now() - dt.timedelta(days=1)).timestamp())

    # The newest of the story and its sections: the factory adds events after the story row, so
    # it may be a second later than story.updated_at when the clock crosses a second boundary.
    modified = parse_http_date(first["Last-Modified"])
    assert int(story.updated_at.timestamp()) <= modified <= timezone.now().timestamp()
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_a_list_losing_a_story_is_not_reported_unmodified(
    api, make_story, django_capture_on_commit_callbacks
):
    keep, gone = make_story(), make_story()
    Story.objects.filter(pk__in=[keep.pk, gone.pk]).update(
        updated_at=timezone.now() - dt.timedelta(days=3)
    )
    first = api.get(f"{API}/stories/")
    assert {c["id"] for c in first.json()["results"]} == {keep.pk, gone.pk}
    assert (
        api.get(f"{API}/stories/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    )

    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()

    # What is left is older than the client's copy, but the change log knows a story went.
    response = api.get(f"{API}/stories/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [keep.pk]


def test_cache_control_public_for_anonymous_private_when_signed_in(api, admin_api, make_story):
    make_story()

    anonymous = api.get(f"{API}/stories/")
    signed_in = admin_api.get(f"{API}/stories/")

    assert anonymous["Cache-Control"] == "public, max-age=0, s-maxage=10, stale-while-revalidate=10"
    assert set(signed_in["Cache-Control"].split(", ")) == {"private", "no-cache"}
    for response in (anonymous, signed_in):
        assert {"Accept", "Authorization", "Cookie"} <= {
            v.strip() for v in response["Vary"].split(",")
        }


def test_if_match_with_the_current_etag_lets_the_update_through(admin_api, make_story):
    story = make_story(status=Story.Status.DRAFT)
    url = f"{API}/stories/{story.pk}/"
    etag = admin_api.get(url)["ETag"]

    response = admin_api.patch(url, {"dek": "Sharper"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.content
    assert response["ETag"] != etag
    # The ETag a write returns is the one the next read gives: chain edits without re-reading.
    assert admin_api.get(url)["ETag"] == response["ETag"]
    follow_up = admin_api.patch(
        url, {"dek": "Sharper still"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert follow_up.status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_answers_412_and_changes_nothing(admin_api, make_story, method):
    story = make_story(status=Story.Status.DRAFT)
    url = f"{API}/stories/{story.pk}/"
    stale = admin_api.get(url)["ETag"]
    admin_api.patch(url, {"dek": "Someone else's edit"}, format="json", HTTP_IF_MATCH=stale)

    body = {
        "headline": "Mine",
        "slug": story.slug,
        "category": story.category.slug,
        "dek": "My edit",
        "overview": "Mine.",
    }
    response = getattr(admin_api, method)(url, body, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "precondition_failed"
    story.refresh_from_db()
    assert story.dek == "Someone else's edit"


def test_if_match_star_and_weak_tags(admin_api, make_story):
    story = make_story(status=Story.Status.DRAFT)
    url = f"{API}/stories/{story.pk}/"
    etag = admin_api.get(url)["ETag"]

    weak = admin_api.patch(url, {"dek": "x"}, format="json", HTTP_IF_MATCH=f"W/{etag}")
    star = admin_api.patch(url, {"dek": "y"}, format="json", HTTP_IF_MATCH="*")

    assert weak.status_code == 412  # If-Match compares strongly
    assert star.status_code == 200


@pytest.mark.parametrize("endpoint", ["people", "organizations", "sources", "events"])
def test_if_match_guards_other_writable_records(admin_api, make_story, endpoint):
    story = make_story(status=Story.Status.DRAFT, people=1, organizations=1, sources=1)
    obj_id = {
        "people": story.story_people.get().person_id,
        "organizations": story.story_organizations.get().organization_id,
        "sources": story.story_sources.get().source_id,
        "events": story.events.first().pk,
    }[endpoint]
    url = f"{API}/{endpoint}/{obj_id}/"
    field = {"people": "title", "organizations": "kind", "sources": "excerpt", "events": "title"}[
        endpoint
    ]
    etag = admin_api.get(url)["ETag"]

    ok = admin_api.patch(url, {field: "First"}, format="json", HTTP_IF_MATCH=etag)
    stale = admin_api.patch(url, {field: "Second"}, format="json", HTTP_IF_MATCH=etag)

    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == admin_api.get(url)["ETag"]
    assert stale.status_code == 412
    assert admin_api.get(url).json()[field] == "First"
