"""Read endpoints: what each returns, to whom, filtered, searched, ordered and paged."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from people.models import StoryPerson
from stories.models import Story
from tests import factories
from timelines.models import TimelineEvent

API = "/api/v1"


def png(width=64, height=48, name="image.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Stories ---------------------------------------------------------------------------------


def test_story_list_is_cards_of_published_stories_newest_update_first(api, make_story):
    older = make_story(indicators=5)
    newer = make_story()
    make_story(status=Story.Status.DRAFT)
    make_story(published_at=timezone.now() + dt.timedelta(days=1))  # scheduled
    Story.objects.filter(pk=older.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))

    cards = results(api.get(f"{API}/stories/"))

    assert [card["id"] for card in cards] == [newer.pk, older.pk]
    card = cards[1]
    assert set(card) == {
        "id",
        "slug",
        "category",
        "headline",
        "dek",
        "latest_update",
        "indicators",
        "hero_image",
        "status",
        "published_at",
        "updated_at",
        "url",
        "api_url",
    }
    assert card["indicators"] == [{"value": str(i), "label": f"Label {i}"} for i in range(3)]
    assert card["latest_update"]["date"] == "2026-02-05"
    assert card["latest_update"]["date_display"] == "5 Feb 2026"
    assert card["url"] == f"http://testserver/stories/{older.slug}/"
    assert card["api_url"] == f"http://testserver{API}/stories/{older.pk}/"
    assert card["category"] == {
        "id": older.category.pk,
        "slug": older.category.slug,
        "name": older.category.name,
    }


def test_story_detail_has_every_section_in_page_order(api, demo_story):
    response = api.get(f"{API}/stories/{demo_story.pk}/")

    assert response.status_code == 200
    story = response.json()
    assert list(story) == [
        "id",
        "slug",
        "category",
        "headline",
        "byline",
        "dek",
        "latest_update",
        "hero_image",
        "status",
        "published_at",
        "created_at",
        "updated_at",
        "version",
        "update_notes",
        "overview",
        "overview_html",
        "why_it_matters",
        "why_it_matters_html",
        "voices",  # Voices from History: locked for anonymous clients (tests/readers/test_api.py)
        "indicators",
        "people",
        "organizations",
        "events",
        "scenarios",
        "historical_contexts",
        "sources",
        "url",
        "api_url",
        "exports",
        "reader",  # null when anonymous
    ]
    assert story["headline"] == "U.S. and Russia Restore Military Communication Channel"
    assert story["overview"].startswith("On **5 February 2026**")
    assert story["overview_html"].startswith("<p>On <strong>5 February 2026</strong>")
    assert story["why_it_matters_html"].startswith("<p>Most dangerous moments")
    assert [i["value"] for i in story["indicators"]] == ["4+", "1,550", "314", "300+"]

    person = story["people"][0]
    assert person["person"]["name"] == "Alexus G. Grynkewich"
    assert person["person"]["initials"] == "AG"
    assert person["person"]["url"] == "http://testserver/people/alexus-g-grynkewich/"
    assert person["role"].startswith("U.S. end of the restored military channel")
    assert person["status"] == "Active duty; leading U.S. military diplomacy with Russia"
    organization = story["organizations"][0]
    assert organization["organization"]["kind"] == "Unified Combatant Command"
    assert organization["status"].startswith("The main U.S. command for Europe")

    events = story["events"]
    assert len(events) == 13
    assert events[0]["title"] == "Military Communication Restored; New START Expires"
    assert events[1]["title"] == "314-Prisoner Exchange Announced"  # same day, lower sequence
    autumn = next(e for e in events if e["date_label"] == "Autumn 2021")
    assert autumn["precision"] == "month"
    assert autumn["date"] == "2021-10-01"
    assert autumn["date_display"] == "Autumn 2021"
    assert [e["date"] for e in events] == sorted((e["date"] for e in events), reverse=True)

    assert [s["number"] for s in story["sources"]] == list(range(1, len(story["sources"]) + 1))
    by_number = {s["number"]: s for s in story["sources"]}
    signed = next(e for e in events if e["title"] == "New START Treaty Signed")
    assert signed["cites"] and by_number[signed["cites"][0]]["title"].startswith(
        "Treaty on Measures"
    )
    assert signed["citations"][0]["number"] == signed["cites"][0]
    assert signed["citations"][0]["source_id"] == by_number[signed["cites"][0]]["id"]
    warheads = story["indicators"][1]
    assert [c["publisher"] for c in warheads["citations"]] == ["U.S. Department of State"]

    assert [s["number"] for s in story["scenarios"]] == [1, 2, 3, 4]
    cuba = story["historical_contexts"][0]
    assert cuba["period_display"] == "October 1962 – June 1963"
    assert cuba["period_start_precision"] == "month"
    assert (
        story["exports"]["ninjs"] == f"http://testserver{API}/stories/{demo_story.pk}/export/ninjs/"
    )


def test_update_notes_feed_the_latest_update_and_the_detail(api, make_story):
    from stories.models import UpdateNote

    story = make_story(events=1)  # the event is dated 5 Feb 2026
    UpdateNote.objects.create(story=story, text="Channel tested for the first time")

    detail = api.get(f"{API}/stories/{story.pk}/").json()
    card = results(api.get(f"{API}/stories/"))[0]

    assert detail["update_notes"][0]["text"] == "Channel tested for the first time"
    assert detail["latest_update"]["is_note"] is True
    assert detail["latest_update"]["title"] == "Channel tested for the first time"
    assert card["latest_update"] == detail["latest_update"]


def test_images_are_absolute_urls_with_their_size(api, make_story):
    story = make_story(people=1)
    story.hero_image = png(640, 360, "hero.png")
    story.hero_image_alt = "Two generals on a call"
    story.save()
    person = story.story_people.get().person
    person.photo = png(80, 80, "face.png")
    person.save()

    detail = api.get(f"{API}/stories/{story.pk}/").json()
    card = results(api.get(f"{API}/stories/"))[0]

    hero = detail["hero_image"]
    assert hero["url"].startswith("http://testserver/media/stories/")
    assert (hero["width"], hero["height"], hero["alt"]) == (640, 360, "Two generals on a call")
    assert card["hero_image"] == hero
    photo = detail["people"][0]["person"]["photo"]
    assert photo["url"].startswith("http://testserver/media/people/face")
    assert (photo["width"], photo["height"]) == (80, 80)


def test_markdown_html_is_the_sanitised_rendering(api, make_story):
    story = make_story(overview="Hi <script>alert(1)</script> [x](javascript:alert(1)) **b**")

    data = api.get(f"{API}/stories/{story.pk}/").json()

    assert data["overview"] == "Hi <script>alert(1)</script> [x](javascript:alert(1)) **b**"
    assert "<script" not in data["overview_html"]
    assert "javascript:" not in data["overview_html"]
    assert "<strong>b</strong>" in data["overview_html"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": Story.Status.DRAFT},
        {"published_at": timezone.now() + dt.timedelta(hours=2)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_stories_never_reach_readers(api, users, make_story, kwargs):
    from tests.api.conftest import token_client

    hidden = make_story(people=1, organizations=1, sources=1, **kwargs)
    person = hidden.story_people.get().person
    organization = hidden.story_organizations.get().organization
    event = hidden.events.first()
    reader = token_client(users["reader"])

    for client in (api, reader):
        assert client.get(f"{API}/stories/{hidden.pk}/").status_code == 404
        assert client.get(f"{API}/stories/?slug={hidden.slug}").json()["results"] == []
        assert client.get(f"{API}/brief/").json()["results"] == []
        assert client.get(f"{API}/events/{event.pk}/").status_code == 404
        assert client.get(f"{API}/events/?story={hidden.pk}").json()["results"] == []
        # Known only from an unpublished story: private, as on the reader site.
        assert client.get(f"{API}/people/{person.pk}/").status_code == 404
        assert client.get(f"{API}/organizations/{organization.pk}/").status_code == 404
        assert client.get(f"{API}/people/").json()["results"] == []
        assert client.get(f"{API}/sources/").json()["results"] == []
        assert client.get(f"{API}/people/?story={hidden.pk}").json()["results"] == []
        assert client.get(f"{API}/sources/?story={hidden.pk}").json()["results"] == []
        assert client.get(f"{API}/categories/").json()["results"][0]["story_count"] == 0
        for export in ("news-article", "ninjs", "timelinejs"):
            assert client.get(f"{API}/stories/{hidden.pk}/export/{export}/").status_code == 404


def test_people_known_from_a_published_story_too_are_public(api, make_story):
    published = make_story(people=1)
    person = published.story_people.get().person
    draft = make_story(status=Story.Status.DRAFT)
    StoryPerson.objects.create(story=draft, person=person, role="Secret role")

    detail = api.get(f"{API}/people/{person.pk}/")

    assert detail.status_code == 200
    assert [s["id"] for s in detail.json()["stories"]] == [published.pk]


def test_staff_see_people_known_only_from_drafts(users, make_story):
    from tests.api.conftest import token_client

    draft = make_story(status=Story.Status.DRAFT, people=1)
    person = draft.story_people.get().person

    response = token_client(users["writer"]).get(f"{API}/people/{person.pk}/")

    assert response.status_code == 200
    assert response.json()["stories"] == []  # the published ones, of which there are none


def test_staff_who_may_view_stories_read_drafts(users, make_story):
    from tests.api.conftest import token_client

    draft = make_story(status=Story.Status.DRAFT)
    for role in ("writer", "editor", "admin"):
        client = token_client(users[role])
        detail = client.get(f"{API}/stories/{draft.pk}/")
        assert detail.status_code == 200, role
        assert detail.json()["status"] == "draft"
        assert detail.json()["exports"] is None
        assert [c["id"] for c in results(client.get(f"{API}/stories/?status=draft"))] == [draft.pk]
        # The brief is the home page: published only, whoever asks.
        assert results(client.get(f"{API}/brief/")) == []


def test_brief_matches_the_home_page(api, client, make_story):
    stories = [make_story(indicators=4) for _ in range(3)]
    make_story(status=Story.Status.DRAFT)

    cards = results(api.get(f"{API}/brief/"))
    page = client.get("/")

    assert [card["id"] for card in cards] == [s.pk for s in reversed(stories)]
    assert [story.pk for story in page.context["page_obj"]] == [card["id"] for card in cards]
    assert all(len(card["indicators"]) == 3 for card in cards)


# Filters, search, ordering -----------------------------------------------------------------


def test_story_filters(api, make_story):
    category = factories.make_category()
    in_category = make_story(category=category)
    with_person = make_story(people=1)
    with_organization = make_story(organizations=1)
    person = with_person.story_people.get().person
    organization = with_organization.story_organizations.get().organization
    Story.objects.filter(pk=in_category.pk).update(updated_at=timezone.now() - dt.timedelta(days=9))

    def ids(query):
        return {card["id"] for card in results(api.get(f"{API}/stories/?{query}"))}

    assert ids(f"category={category.pk}") == {in_category.pk}
    assert ids(f"person={person.pk}") == {with_person.pk}
    assert ids(f"organization={organization.pk}") == {with_organization.pk}
    assert ids(f"slug={with_person.slug}") == {with_person.pk}
    since = (timezone.now() - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(f"updated_since={since}") == {with_person.pk, with_organization.pk}
    assert ids("published_after=2999-01-01T00:00:00Z") == set()
    assert ids("published_before=2999-01-01") == {
        s.pk for s in (in_category, with_person, with_organization)
    }


def test_search_and_ordering(api, make_story):
    alpha = make_story(headline="Alpha treaty signed")
    beta = make_story(headline="Beta ceasefire", dek="A treaty in all but name")
    make_story(headline="Gamma")

    found = {card["id"] for card in results(api.get(f"{API}/stories/?search=treaty"))}
    by_headline = [c["headline"] for c in results(api.get(f"{API}/stories/?ordering=headline"))]
    by_headline_desc = [
        c["headline"] for c in results(api.get(f"{API}/stories/?ordering=-headline"))
    ]

    assert found == {alpha.pk, beta.pk}
    assert by_headline == ["Alpha treaty signed", "Beta ceasefire", "Gamma"]
    assert by_headline_desc == list(reversed(by_headline))


def test_event_filters_by_story_kind_and_date_range(api, make_story):
    story = make_story(events=5)  # 5 Feb back to 1 Feb 2026, diplomatic
    other = make_story(events=2)
    treaty = story.events.get(date=dt.date(2026, 2, 3))
    treaty.kind = TimelineEvent.Kind.TREATY
    treaty.save()

    def titles(query):
        return [e["title"] for e in results(api.get(f"{API}/events/?{query}"))]

    assert len(titles(f"story={story.pk}")) == 5
    assert titles(f"story={story.pk}&kind=treaty") == [treaty.title]
    assert len(titles(f"story={story.pk}&kind=treaty&kind=diplomatic")) == 5
    assert len(titles(f"story={story.pk}&date_after=2026-02-02&date_before=2026-02-04")) == 3
    assert len(titles("date_after=2026-02-05")) == 2
    event = results(api.get(f"{API}/events/?story={other.pk}"))[0]
    assert event["story"]["id"] == other.pk
    assert event["story"]["url"] == f"http://testserver/stories/{other.slug}/"


def test_event_citations_number_into_their_story_sources(api, make_story):
    story = make_story(events=2, sources=3)
    listed = [row.source for row in story.story_sources.order_by("position")]

    events = results(api.get(f"{API}/events/?story={story.pk}"))
    detail = api.get(f"{API}/events/{events[0]['id']}/").json()

    by_id = {e["id"]: e for e in events}
    event = TimelineEvent.objects.get(pk=events[0]["id"])
    cited = event.sources.get()
    assert by_id[event.pk]["cites"] == [listed.index(cited) + 1]
    assert by_id[event.pk]["citations"][0]["title"] == cited.title
    assert detail["citations"] == by_id[event.pk]["citations"]


def test_people_and_organizations_list_their_published_stories(api, make_story):
    story = make_story(people=1, organizations=1)
    person = story.story_people.get().person
    second = make_story()
    StoryPerson.objects.create(story=second, person=person, role="Mediator", status="Retired")
    draft = make_story(status=Story.Status.DRAFT)
    StoryPerson.objects.create(story=draft, person=person, role="Secret", status="")
    organization = story.story_organizations.get().organization

    people = results(api.get(f"{API}/people/"))
    detail = api.get(f"{API}/people/{person.pk}/").json()
    org = api.get(f"{API}/organizations/{organization.pk}/").json()

    assert people[0]["story_count"] == 2
    assert {s["id"] for s in detail["stories"]} == {story.pk, second.pk}
    mediator = next(s for s in detail["stories"] if s["id"] == second.pk)
    assert (mediator["role"], mediator["status"]) == ("Mediator", "Retired")
    assert mediator["api_url"] == f"http://testserver{API}/stories/{second.pk}/"
    assert [s["id"] for s in org["stories"]] == [story.pk]
    assert org["stories"][0]["status"] == "Status"
    kinds = results(api.get(f"{API}/organizations/?kind=agency"))
    assert [o["id"] for o in kinds] == [organization.pk]


def test_categories_and_sources(api, make_story):
    story = make_story(sources=2)
    source = story.story_sources.first().source

    categories = results(api.get(f"{API}/categories/"))
    category = api.get(f"{API}/categories/{story.category.pk}/").json()
    by_slug = results(api.get(f"{API}/categories/?slug={story.category.slug}"))
    sources = results(api.get(f"{API}/sources/?story={story.pk}"))
    source_detail = api.get(f"{API}/sources/{source.pk}/").json()

    assert categories[0]["story_count"] == 1
    assert (
        category["stories_url"] == f"http://testserver{API}/stories/?category={story.category.pk}"
    )
    assert by_slug == [category]
    assert {s["id"] for s in sources} == {row.source_id for row in story.story_sources.all()}
    assert source_detail["stories"][0]["id"] == story.pk
    assert source_detail["story_count"] == 1
    publisher = results(api.get(f"{API}/sources/?publisher=wire%20service"))
    assert len(publisher) == 2


# Sparse fieldsets and pagination -----------------------------------------------------------


def test_sparse_fieldsets_on_lists_and_details(api, make_story):
    story = make_story()

    card = results(api.get(f"{API}/stories/?fields=headline,slug,updated_at"))[0]
    detail = api.get(f"{API}/stories/{story.pk}/?fields=headline").json()
    person_list = api.get(f"{API}/people/?fields=name")

    assert set(card) == {"id", "headline", "slug", "updated_at"}
    assert detail == {"id": story.pk, "headline": story.headline}
    assert person_list.status_code == 200


def test_cursor_pages_are_stable_while_stories_are_added(api, make_story):
    stories = [make_story() for _ in range(5)]

    first = api.get(f"{API}/stories/?page_size=2").json()
    make_story()  # a new story arrives at the top while the app pages on
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()

    seen = [c["id"] for page in (first, second, third) for c in page["results"]]
    assert seen == [s.pk for s in reversed(stories)]
    assert third["next"] is None
    assert api.get(second["previous"]).json()["results"] == first["results"]


def test_default_and_maximum_page_size(api, make_story):
    for _ in range(21):
        make_story(events=0)

    assert len(results(api.get(f"{API}/stories/"))) == 20
    assert len(results(api.get(f"{API}/stories/?page_size=100"))) == 21
    assert len(results(api.get(f"{API}/stories/?page_size=1"))) == 1
