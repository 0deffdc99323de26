"""The one visibility rule (`stories.models.public`) and its readings: the queryset, a loaded
story's `is_public`, and the published-story counts of the rows stories reach."""

import datetime as dt

import pytest
from django.utils import timezone

from people.models import Person, StoryPerson
from stories.api_querysets import published_count
from stories.models import Story
from tests import factories

NOW = timezone.now()
# Every state a story can be in, and whether the public may see it.
STATES = {
    "published": ({}, True),
    "draft": ({"status": Story.Status.DRAFT}, False),
    "in review": ({"status": Story.Status.IN_REVIEW}, False),
    "withdrawn": ({"status": Story.Status.UNPUBLISHED}, False),
    "scheduled": ({"published_at": NOW + dt.timedelta(hours=1)}, False),
    "trashed": ({"deleted_at": NOW}, False),
    "published a second ago": ({"published_at": NOW - dt.timedelta(seconds=1)}, True),
}


@pytest.mark.django_db
def test_the_queryset_the_loaded_story_and_the_counts_agree_in_every_state():
    person = factories.make_person()
    stories = {}
    for name, (changes, _) in STATES.items():
        story = factories.make_story(events=1)
        StoryPerson.objects.create(story=story, person=person)
        if changes:
            Story.all_objects.filter(pk=story.pk).update(**changes)
        stories[name] = Story.all_objects.get(pk=story.pk)

    published = set(Story.objects.published().values_list("pk", flat=True))
    for name, (_, visible) in STATES.items():
        story = stories[name]
        assert (story.pk in published) is visible, name
        assert story.is_public is visible, name
    counted = Person.objects.annotate(n=published_count(StoryPerson, "person")).get(pk=person.pk)
    assert counted.n == sum(visible for _, visible in STATES.values())
