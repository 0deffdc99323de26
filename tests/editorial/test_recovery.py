"""One recovery path: the story list leads to the Trash, with its count; reversion's
"Recover deleted stories" (which found nothing while the Trash held a story) leads there too."""

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Story
from tests.factories import make_story

pytestmark = pytest.mark.django_db


def test_the_story_list_links_to_the_trash_with_its_count(staff_client):
    trashed = make_story()
    Story.objects.filter(pk=trashed.pk).update(deleted_at=timezone.now())
    make_story()
    page = staff_client.get(reverse("admin:stories_story_changelist")).content.decode()
    trash_url = reverse("admin:stories_trashedstory_changelist")
    assert f'<a href="{trash_url}">Trash (1)</a>' in page
    assert "Recover deleted" not in page
    assert trashed.headline in staff_client.get(trash_url).content.decode()


def test_the_recover_list_leads_to_the_trash(staff_client):
    response = staff_client.get(reverse("admin:stories_story_recoverlist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:stories_trashedstory_changelist")
