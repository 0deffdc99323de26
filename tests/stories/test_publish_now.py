"""Publishing without a publication time means now, as the field's help text says: from the
change form, the list action and the API alike."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Story
from tests.factories import make_category, make_story
from tests.stories.test_admin import story_form

pytestmark = pytest.mark.django_db


def _just_now(moment) -> bool:
    return moment is not None and abs(timezone.now() - moment) < dt.timedelta(minutes=1)


def test_published_from_the_add_form_with_no_time_is_published_now(staff_client):
    """It was refused with "A published story needs a publication time."."""
    page = staff_client.get(reverse("admin:stories_story_add")).content.decode()
    assert "Filled in with now when you publish without one." in page
    data = story_form(make_category(), published_at_0="", published_at_1="")
    response = staff_client.post(reverse("admin:stories_story_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    story = Story.objects.get(slug="talks-resume")
    assert story.status == Story.Status.PUBLISHED and _just_now(story.published_at)
    assert story.is_public


def test_published_by_the_list_action_is_published_now(staff_client):
    story = make_story(status=Story.Status.DRAFT, published_at=None)
    response = staff_client.post(
        reverse("admin:stories_story_changelist"),
        {"action": "publish_now", "_selected_action": [story.pk]},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED and _just_now(story.published_at)
