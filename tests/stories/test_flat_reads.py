"""Reads whose cost does not grow with the archive: the Brief and category pages never count
every published story. The related-stories tests pin its weights and order for any rewrite."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.paginators import UncountedPaginator
from people.models import StoryOrganization, StoryPerson
from stories import selectors
from stories.models import Story
from tests import factories


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _stories(n, **kwargs):
    return [
        factories.make_story(events=1, headline=f"Paged story {i:02d}", **kwargs) for i in range(n)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["brief", "category"])
def test_story_lists_never_count_the_archive(client, where):
    category = factories.make_category()
    _stories(14, category=category)
    url = "/" if where == "brief" else category.get_absolute_url()

    for page in ("1", "2"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"page": page}).status_code == 200
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert counts == [], counts


@pytest.mark.django_db
def test_story_list_pages_link_both_ways_without_a_total(client):
    category = factories.make_category()
    _stories(14, category=category)

    first, second = client.get("/"), client.get("/", {"page": "2"})

    html = first.content.decode()
    assert 'rel="next" href="?page=2"' in html and 'rel="prev"' not in html
    assert "Page 1" in _text(first) and "Page 1 of" not in _text(first)
    html = second.content.decode()
    assert 'rel="prev" href="?page=1"' in html and 'rel="next"' not in html
    assert "Page 2 of 2" in _text(second)  # the last page knows it is: no count needed
    assert len(first.context["page_obj"]) == 12 and len(second.context["page_obj"]) == 2
    shown = [s.pk for s in [*first.context["page_obj"], *second.context["page_obj"]]]
    assert len(set(shown)) == 14


@pytest.mark.django_db
def test_a_page_past_the_end_answers_the_last_page_and_junk_the_first(client):
    category = factories.make_category()
    _stories(14, category=category)

    assert client.get("/", {"page": "999"}).context["page_obj"].number == 2
    for junk in ["abc", "-1", "0", "1e9", "%00", "1.5"]:
        response = client.get("/", {"page": junk})
        assert response.status_code == 200
        assert response.context["page_obj"].number == 1


@pytest.mark.django_db
def test_uncounted_paginator_matches_django_on_every_page():
    category = factories.make_category()
    _stories(25, category=category)
    stories = selectors.story_cards()
    for number in (1, 2, 3):
        page = UncountedPaginator(stories, 12).get_page(number)
        assert [s.pk for s in page] == [
            s.pk for s in list(stories)[(number - 1) * 12 : number * 12]
        ]
        assert page.has_next() == (number < 3)
        assert page.has_previous() == (number > 1)
        assert page.start_index() == (number - 1) * 12 + 1
        assert page.end_index() == min(number * 12, 25)
    empty = UncountedPaginator(Story.objects.none(), 12).get_page(1)
    assert list(empty) == [] and not empty.has_other_pages()
    assert empty.start_index() == 0 and empty.end_index() == 0


# Related stories


def _related(story):
    return [s.pk for s in selectors.story_related(story=_with_sections(story))]


def _with_sections(story):
    return Story.objects.prefetch_related("story_people", "story_organizations").get(pk=story.pk)


@pytest.mark.django_db
def test_related_weighs_people_organizations_then_the_category():
    person, other, org = (
        factories.make_person(),
        factories.make_person(),
        factories.make_organization(),
    )
    story = factories.make_story(events=1)
    StoryPerson.objects.create(story=story, person=person)
    StoryPerson.objects.create(story=story, person=other)
    StoryOrganization.objects.create(story=story, organization=org)

    both_people = factories.make_story(events=1)
    for p in (person, other):
        StoryPerson.objects.create(story=both_people, person=p)
    person_and_desk = factories.make_story(events=1, category=story.category)  # 3 + 1
    StoryPerson.objects.create(story=person_and_desk, person=person)
    org_and_desk = factories.make_story(events=1, category=story.category)  # 2 + 1
    StoryOrganization.objects.create(story=org_and_desk, organization=org)
    desk = factories.make_story(events=1, category=story.category)  # 1
    factories.make_story(events=1)  # nothing shared

    assert _related(story) == [both_people.pk, person_and_desk.pk, org_and_desk.pk, desk.pk]
    assert _related(story)[:2] == [
        s.pk for s in selectors.story_related(story=_with_sections(story), limit=2)
    ]


@pytest.mark.django_db
def test_related_ties_go_to_the_newest_update_and_cards_carry_their_latest_update():
    story = factories.make_story(events=1)
    older = factories.make_story(events=1, category=story.category)
    newer = factories.make_story(events=1, category=story.category)
    Story.objects.filter(pk=older.pk).update(latest_update_on="2001-01-01")

    related = selectors.story_related(story=_with_sections(story))

    assert [s.pk for s in related] == [newer.pk, older.pk]
    card = related[0]
    assert card.category.name == story.category.name
    assert card.latest_event_title  # the card's latest-update line
    assert card.latest_note_text is None


@pytest.mark.django_db
def test_related_reads_each_entitys_newest_stories_and_counts_all_they_share(monkeypatch):
    # Candidates are each shared entity's most recently filed stories (so a busy person's
    # archive is never read), and each candidate then counts everything it shares.
    monkeypatch.setattr("stories.selectors.related.RECENT_PER_ENTITY", 2)
    person, org = factories.make_person(), factories.make_organization()
    story = factories.make_story(events=1)
    StoryPerson.objects.create(story=story, person=person)
    StoryOrganization.objects.create(story=story, organization=org)
    too_old = factories.make_story(events=1)  # shares the person: 3, but filed before 2 newer
    StoryPerson.objects.create(story=too_old, person=person)
    both = factories.make_story(events=1)  # the person's 2nd newest; shares the org too: 5
    StoryPerson.objects.create(story=both, person=person)
    StoryOrganization.objects.create(story=both, organization=org)
    org_only = [factories.make_story(events=1) for _ in range(2)]  # the org's 2 newest: 2 each
    for s in org_only:
        StoryOrganization.objects.create(story=s, organization=org)
    person_only = factories.make_story(events=1)  # the person's newest: 3
    StoryPerson.objects.create(story=person_only, person=person)

    related = _related(story)

    assert too_old.pk not in related
    assert related[:2] == [both.pk, person_only.pk]
    assert set(related[2:]) == {s.pk for s in org_only}
