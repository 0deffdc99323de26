"""NewsArticle JSON-LD: one builder, so the story page and the export say the same thing."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from stories.models import Story, UpdateNote
from tests import factories
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db


def page_json_ld(client, story) -> dict:
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    (block,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(block)


def export_json_ld(client, story) -> dict:
    response = client.get(f"/api/v1/stories/{story.pk}/export/news-article/")
    assert response.status_code == 200
    return response.json()


def zulu(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def story_the_old_builders_disagreed_on():
    """A desk byline only the page called a desk, no hero image, and content changed after the
    story's own save: by an event edit (whose date is older) and then an update note."""
    story = factories.make_story(
        events=0,
        people=1,
        organizations=1,
        sources=1,
        byline="Kyiv Desk",
        published_at=dt.datetime(2026, 1, 10, 9, 30, tzinfo=dt.UTC),
    )
    event = TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 1, 20), title="Newest", description="x"
    )
    event.title = "Newest, corrected"
    event.save()
    return story, event


def test_the_page_and_the_export_give_the_same_news_article(client):
    story, event = story_the_old_builders_disagreed_on()

    page = page_json_ld(client, story)

    assert page == export_json_ld(client, story)
    assert page["author"] == [
        {"@type": "Organization", "name": "Kyiv Desk", "url": "http://testserver/"}
    ]
    assert page["dateModified"] == zulu(event.updated_at)
    assert page["datePublished"] == "2026-01-10T09:30:00Z"
    assert page["publisher"]["@type"] == "NewsMediaOrganization"
    assert page["mentions"] and page["citation"] and page["articleBody"]


def test_date_modified_is_the_last_content_change(client):
    story, _ = story_the_old_builders_disagreed_on()
    note = UpdateNote.objects.create(
        story=story, text="Talks resumed", created_at=timezone.now() + dt.timedelta(minutes=5)
    )

    page = page_json_ld(client, story)

    assert page["dateModified"] == zulu(note.created_at)
    assert page == export_json_ld(client, story)


def test_date_modified_is_never_before_publication(client):
    # Scheduled, saved, then its time came (no save): its last edit predates publication.
    story = factories.make_story(events=0, published_at=timezone.now() + dt.timedelta(hours=1))
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now())
    story.refresh_from_db()
    assert story.updated_at < story.published_at

    page = page_json_ld(client, story)

    assert page["dateModified"] == page["datePublished"] == zulu(story.published_at)
    assert page == export_json_ld(client, story)


def test_without_a_hero_image_the_default_images_stand_in(client):
    story, _ = story_the_old_builders_disagreed_on()

    images = page_json_ld(client, story)["image"]

    assert [(i["width"], i["height"]) for i in images] == [(1200, 675), (1200, 900), (1200, 1200)]
    for image in images:
        assert image["@type"] == "ImageObject"
        response = client.get(image["url"].removeprefix("http://testserver"))
        assert response.status_code == 200
        served = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert served.size == (image["width"], image["height"])


def test_with_a_hero_image_it_is_the_image(client):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (10, 20, 30)).save(buffer, format="JPEG")
    story = factories.make_story(
        byline="By Maria Ortega and Sam Lee",
        hero_image=SimpleUploadedFile("hero.jpg", buffer.getvalue(), content_type="image/jpeg"),
        hero_image_alt="Delegates at the table",
    )

    page = page_json_ld(client, story)

    assert page == export_json_ld(client, story)
    assert page["image"] == [
        {
            "@type": "ImageObject",
            "url": f"http://testserver{story.hero_image.url}",
            "width": 1200,
            "height": 800,
            "caption": "Delegates at the table",
        }
    ]
    assert page["author"] == [
        {"@type": "Person", "name": "Maria Ortega"},
        {"@type": "Person", "name": "Sam Lee"},
    ]
