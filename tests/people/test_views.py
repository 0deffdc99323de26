"""Person and organization pages: profile, and the published stories they are part of."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client

from people.models import StoryOrganization, StoryPerson
from stories.models import Story
from tests import factories
from timelines.models import TimelineEvent


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def heading_levels(response) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", response.content.decode())]


@pytest.mark.django_db
def test_demo_person_page_shows_profile_role_status_and_events(client, demo_story):
    response = client.get("/people/valery-gerasimov/")

    assert response.status_code == 200
    page = text_of(response)
    html = response.content.decode()
    person = demo_story.story_people.get(person__slug="valery-gerasimov")
    assert person.person.name in page
    assert person.person.title in page
    assert person.person.bio in page
    assert re.search(r'avatar-initials[^"]*"[^>]*>VG</span>', html)
    assert f'href="{demo_story.get_absolute_url()}"' in html
    assert f"Role {person.role}" in page
    assert f"Status {person.status}" in page
    newest = demo_story.events.first()
    assert f'href="{demo_story.get_absolute_url()}#event-{newest.pk}"' in html
    # 13 events: five shown, and a link to the rest.
    assert html.count(f'href="{demo_story.get_absolute_url()}#event-') == 5
    assert "All 13 events in the timeline" in page
    levels = heading_levels(response)
    assert levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.django_db
def test_demo_organization_page(client, demo_story):
    response = client.get("/organizations/united-states-european-command/")

    assert response.status_code == 200
    page = text_of(response)
    row = demo_story.story_organizations.get(organization__slug="united-states-european-command")
    assert row.organization.name in page
    assert row.organization.kind in page
    assert row.organization.description in page
    assert demo_story.headline in page
    assert f"Status {row.status}" in page
    assert re.search(
        rf'avatar-initials[^"]*"[^>]*>{row.organization.initials}</span>', response.content.decode()
    )


@pytest.mark.django_db
def test_person_page_lists_only_published_stories_with_their_own_role(client):
    person = factories.make_person(name="Ana Diplomat", slug="ana")
    other = factories.make_person()
    published = factories.make_story(events=2, headline="Public story")
    StoryPerson.objects.create(story=published, person=person, role="Mediator", status="Active")
    StoryPerson.objects.create(story=published, person=other, role="Someone else's role")
    draft = factories.make_story(headline="Draft story", status=Story.Status.DRAFT)
    StoryPerson.objects.create(story=draft, person=person, role="Secret role")
    scheduled = factories.make_story(
        headline="Scheduled story",
        published_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    StoryPerson.objects.create(story=scheduled, person=person)

    page = text_of(client.get("/people/ana/"))

    assert "Public story" in page
    assert "Role Mediator" in page and "Status Active" in page
    assert "Someone else's role" not in page
    assert "Draft story" not in page and "Secret role" not in page
    assert "Scheduled story" not in page
    assert "In the news 1" in page


@pytest.mark.django_db
def test_someone_known_only_from_drafts_is_private_until_published(client, staff_client):
    person = factories.make_person(slug="secret-source")
    organization = factories.make_organization(slug="secret-agency")
    draft = factories.make_story(status=Story.Status.DRAFT)
    StoryPerson.objects.create(story=draft, person=person)
    StoryOrganization.objects.create(story=draft, organization=organization)

    assert Client().get("/people/secret-source/").status_code == 404
    assert Client().get("/organizations/secret-agency/").status_code == 404
    staff_view = staff_client.get("/people/secret-source/")
    assert staff_view.status_code == 200
    assert "Not in any published story yet" in text_of(staff_view)
    assert staff_client.get("/organizations/secret-agency/").status_code == 200


@pytest.mark.django_db
def test_unknown_people_and_organizations_are_404(client):
    assert client.get("/people/nobody/").status_code == 404
    assert client.get("/organizations/nothing/").status_code == 404


@pytest.mark.django_db
def test_stories_are_ordered_by_newest_event(client):
    person = factories.make_person(slug="busy")
    for days, headline in [(40, "Old story"), (1, "Fresh story"), (10, "Middle story")]:
        story = factories.make_story(events=0, headline=headline)
        TimelineEvent.objects.create(
            story=story,
            date=dt.date(2026, 2, 5) - dt.timedelta(days=days),
            title=f"{headline} event",
            description="x",
        )
        StoryPerson.objects.create(story=story, person=person)

    page = text_of(client.get("/people/busy/"))

    assert page.index("Fresh story") < page.index("Middle story") < page.index("Old story")


@pytest.mark.django_db
@pytest.mark.parametrize("stories, events", [(1, 3), (30, 300)])
def test_person_and_organization_pages_cost_a_fixed_number_of_queries(
    client, django_assert_num_queries, stories, events
):
    person = factories.make_person(slug="counted")
    organization = factories.make_organization(slug="counted-org")
    for _ in range(stories):
        story = factories.make_story(events=events if _ == 0 else 3, people=2)
        StoryPerson.objects.create(story=story, person=person)
        StoryOrganization.objects.create(story=story, organization=organization)

    # the person, how many stories, a page of them with role and counts, their newest events
    with django_assert_num_queries(4):
        response = client.get("/people/counted/")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == stories
    assert len(response.context["page_obj"]) == min(stories, 20)
    with django_assert_num_queries(4):
        assert client.get("/organizations/counted-org/").status_code == 200


@pytest.mark.django_db
def test_an_organization_in_many_stories_is_shown_a_page_at_a_time(client):
    organization = factories.make_organization(slug="busy-org")
    stories = [factories.make_story(events=1) for _ in range(23)]
    for story in stories:
        StoryOrganization.objects.create(story=story, organization=organization)

    first = client.get("/organizations/busy-org/")
    assert len(first.context["page_obj"]) == 20
    assert "In the news 23" in text_of(first)
    assert 'rel="next" href="?page=2"' in first.content.decode()
    second = client.get("/organizations/busy-org/?page=2")
    assert ", page 2 ·" in second.content.decode().split("</title>")[0]
    shown = {s.pk for s in first.context["page_obj"]} | {s.pk for s in second.context["page_obj"]}
    assert shown == {s.pk for s in stories}
    assert client.get("/organizations/busy-org/?page=junk").status_code == 200
