"""The stored read document (stories.selectors.documents): the story detail's sections read in
the story's own query, identical to the query per section, and never behind what changed."""

import json
from unittest import mock

import pytest
from django.db import DatabaseError

from people.models import Person
from stories.models import KeyIndicator, Source, StoryDocument
from stories.selectors import story_detail
from tests import factories
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as if its transaction committed, so its change-log rows are written (a
    document is checked against them)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def story(committed):
    with committed():
        return factories.make_story(
            events=4, people=2, organizations=2, sources=3, indicators=2, scenarios=2, contexts=1
        )


def reads(client, story):
    """The page and the API detail of `story`, as readers and apps get them."""
    page = client.get(story.get_absolute_url())
    api = client.get(f"/api/v1/stories/{story.pk}/")
    assert page.status_code == api.status_code == 200
    return page.content.decode(), api.json()


def test_the_first_read_stores_a_document_at_the_stories_change_position(client, story):
    assert not StoryDocument.objects.exists()
    client.get(story.get_absolute_url())
    document = StoryDocument.objects.get(story=story)
    assert document.change_id == story_detail(pk=story.pk).logged_change_id
    assert [row["title"] for row in document.sections["events"]] == [
        e.title for e in story.events.order_by("-date", "-sequence", "-pk")
    ]


def test_page_and_api_read_from_the_document_equal_the_database_read(client, demo_story):
    with_no_document = reads(client, demo_story)  # no log rows: no document, a query a section
    assert not StoryDocument.objects.exists()
    from stories.changes import Kind, record_changes

    with mock.patch("django.db.transaction.on_commit", lambda f, *a, **k: f()):
        record_changes(Kind.STORY, [demo_story.pk])
    building = reads(client, demo_story)  # stores it
    assert StoryDocument.objects.filter(story=demo_story).exists()
    from_document = reads(client, demo_story)
    assert building == with_no_document
    assert from_document[0] == with_no_document[0]
    assert json.dumps(from_document[1], sort_keys=True) == json.dumps(
        with_no_document[1], sort_keys=True
    )


def test_a_read_from_the_document_costs_one_query_for_the_api_at_any_size(
    client, committed, django_assert_num_queries
):
    for size in (3, 300):
        with committed():
            story = factories.make_story(events=size, people=size, sources=size, indicators=size)
        client.get(f"/api/v1/stories/{story.pk}/")  # stores the document
        with django_assert_num_queries(1):  # the story with its document
            response = client.get(f"/api/v1/stories/{story.pk}/")
        assert len(response.json()["events"]) == size
        assert all(e["cites"] for e in response.json()["events"])


@pytest.mark.parametrize(
    "change",
    [
        "event retitled",
        "indicator deleted",
        "person renamed",
        "source retitled",
        "citation removed",
        "event added",
    ],
)
def test_every_change_readers_could_see_is_read_at_once(client, committed, story, change):
    before_page, before_api = reads(client, story)  # the document is stored
    assert StoryDocument.objects.filter(story=story).exists()
    event = story.events.order_by("-date").first()
    with committed():
        if change == "event retitled":
            event.title = "A brand-new title"
            event.save()
            expected = "A brand-new title"
        elif change == "indicator deleted":
            indicator = KeyIndicator.objects.filter(story=story).first()
            expected = indicator.label
            indicator.delete()
        elif change == "person renamed":
            person = Person.objects.filter(story_roles__story=story).first()
            person.name = "Somebody Else Entirely"
            person.save()
            expected = "Somebody Else Entirely"
        elif change == "source retitled":
            source = Source.objects.filter(story_sources__story=story).first()
            source.title = "A corrected source title"
            source.save()
            expected = "A corrected source title"
        elif change == "citation removed":
            event.sources.clear()
            expected = None
        else:
            TimelineEvent.objects.create(
                story=story, date=event.date, title="Breaking: a new event", kind="military"
            )
            expected = "Breaking: a new event"
    page, api = reads(client, story)
    if change == "indicator deleted":
        assert expected in before_page and expected not in page
        assert len(api["indicators"]) == len(before_api["indicators"]) - 1
    elif change == "citation removed":
        newest = next(e for e in api["events"] if e["id"] == event.pk)
        assert newest["cites"] == []
        assert next(e for e in before_api["events"] if e["id"] == event.pk)["cites"]
    else:
        assert expected not in before_page
        assert expected in page and expected in json.dumps(api)
    # ...and the document was rebuilt at the new position, not left behind.
    document = StoryDocument.objects.get(story=story)
    assert document.change_id == story_detail(pk=story.pk).logged_change_id


def test_a_story_never_logged_is_read_from_the_database_and_stores_nothing(client):
    story = factories.make_story(events=2)  # no commit here: no change-log rows
    reads(client, story)
    assert not StoryDocument.objects.exists()


def test_a_document_that_cannot_be_stored_leaves_the_read_working(client, story, caplog):
    with mock.patch.object(
        StoryDocument.objects, "bulk_create", side_effect=DatabaseError("read-only")
    ):
        page, api = reads(client, story)
    assert not StoryDocument.objects.exists()
    assert len(api["events"]) == 4
    assert "could not store the document" in caplog.text


def test_a_withdrawn_story_is_gone_at_once_with_its_document_stored(client, committed, story):
    reads(client, story)
    with committed():
        story.status = story.Status.UNPUBLISHED
        story.save()
    assert client.get(story.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/stories/{story.pk}/").status_code == 404


def test_deleting_a_story_deletes_its_document(client, story):
    reads(client, story)
    story.delete()
    assert not StoryDocument.objects.exists()
