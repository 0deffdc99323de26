"""A changed slug redirects (301) from every earlier one, on the page and through the API's
`?slug=`; old links of a story readers may not see stay 404."""

import pytest
from django.test import Client
from django.urls import reverse

from stories.models import Story, StorySlug
from tests import factories

pytestmark = pytest.mark.django_db


def _rename(story, slug):
    story = Story.objects.get(pk=story.pk)
    story.slug = slug
    story.save()
    return story


def test_every_earlier_slug_redirects_to_the_current_page(client):
    story = factories.make_story(slug="first")
    _rename(story, "second")
    _rename(story, "third")

    for old in ("first", "second"):
        response = client.get(f"/stories/{old}/?utm_source=mail")
        assert response.status_code == 301
        assert response["Location"] == "/stories/third/?utm_source=mail"
    assert client.get("/stories/third/").status_code == 200


def test_taking_a_slug_back_and_reusing_one_leave_no_loop():
    story = factories.make_story(slug="first")
    _rename(story, "second")
    _rename(story, "first")
    assert set(StorySlug.objects.values_list("slug", flat=True)) == {"second"}


def test_an_old_link_to_a_story_readers_cannot_see_stays_404(staff_client):
    story = factories.make_story(slug="first", status=Story.Status.DRAFT)
    _rename(story, "second")
    assert Client().get("/stories/first/").status_code == 404
    assert staff_client.get("/stories/first/").status_code == 301


def test_a_new_story_may_take_an_earlier_slug_and_then_wins(client):
    old = factories.make_story(slug="first")
    _rename(old, "moved")
    new = factories.make_story(slug="first")
    assert client.get("/stories/first/").context["story"].pk == new.pk
    results = client.get("/api/v1/stories/", {"slug": "first"}).json()["results"]
    assert [r["id"] for r in results] == [new.pk]


def test_the_api_finds_a_story_by_an_earlier_slug(client):
    story = factories.make_story(slug="first")
    _rename(story, "second")
    results = client.get("/api/v1/stories/", {"slug": "first"}).json()["results"]
    assert [(r["id"], r["slug"]) for r in results] == [(story.pk, "second")]


def test_a_rename_in_the_admin_is_kept(staff_client):
    from tests.admin_forms import change_form_data

    story = factories.make_story(slug="first", events=1)
    data = change_form_data(staff_client, story)
    data["slug"] = "renamed"
    response = staff_client.post(reverse("admin:stories_story_change", args=[story.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert staff_client.get("/stories/first/")["Location"] == "/stories/renamed/"
