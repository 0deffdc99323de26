"""The desk: an editor's start page leads with content; the review count is on every page."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from stories.models import Story
from tests.factories import make_category, make_story
from tests.stories.test_admin import story_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer_and_editor(client, django_user_model):
    from django.test import Client

    writer = django_user_model.objects.create_user("wendy", password="pw", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writer"))
    editor = django_user_model.objects.create_user("eddie", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    writer_client, editor_client = Client(), Client()
    writer_client.force_login(writer)
    editor_client.force_login(editor)
    return writer_client, editor_client


def test_a_submitted_story_is_on_the_editors_desk_and_counted_on_every_page(writer_and_editor):
    writer, editor = writer_and_editor
    data = story_form(make_category(), status="review", published_at_0="", published_at_1="")
    assert writer.post(reverse("admin:stories_story_add"), data).status_code == 302
    story = Story.objects.get(slug="talks-resume")

    desk = editor.get(reverse("admin:index")).content.decode()
    assert "Waiting for review (1)" in desk
    change = reverse("admin:stories_story_change", args=[story.pk])
    assert f'<a href="{change}">Talks resume</a>' in desk
    assert desk.index("The desk") < desk.index('class="app-stories module"')

    elsewhere = editor.get(reverse("admin:people_person_changelist")).content.decode()
    assert "Waiting for review (1)" in elsewhere

    mine = writer.get(reverse("admin:index")).content.decode()
    assert "My drafts" in mine and f'<a href="{change}">Talks resume</a>' in mine
    assert "Waiting for review (" not in mine  # a writer cannot publish: no queue to work


@pytest.mark.parametrize("stories", [2, 12])
def test_the_desk_costs_the_same_queries_at_any_size(staff_client, stories):
    for n in range(stories):
        make_story(
            status=[Story.Status.DRAFT, Story.Status.IN_REVIEW, Story.Status.PUBLISHED][n % 3]
        )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert staff_client.get(reverse("admin:index")).status_code == 200
    assert len(captured) == DESK_QUERIES


# Session and user, the review count (once, for header and desk), five lists, the admin log.
DESK_QUERIES = 9


def test_content_comes_before_accounts_and_tokens_on_the_start_page(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    content = [
        page.index(f'class="app-{a} module"') for a in ("stories", "timelines", "people", "readers")
    ]
    accounts = [page.index(f'class="app-{a} module"') for a in ("auth", "authtoken")]
    assert content == sorted(content) and max(content) < min(accounts)
