"""Search: what it finds, how it ranks, and how it answers queries that make no sense."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import StoryOrganization, StoryPerson
from stories.models import Story
from stories.search import MAX_QUERY_LENGTH, search_terms
from tests import factories
from timelines.models import TimelineEvent

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)
# count, page of stories, their card indicators, matching people, matching organizations; on
# PostgreSQL first the ids of the newest matches, which the count and the page then share.
SEARCH_PAGE_QUERIES = 6 if connection.vendor == "postgresql" else 5


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def found(client, query) -> list[str]:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [story.headline for story in response.context["page_obj"]]


@pytest.fixture
def stories(db):
    """Four published stories, each findable by a different field, and one draft."""
    by_headline = factories.make_story(
        headline="Hotline restored between militaries", dek="A channel reopens", overview="Talk."
    )
    by_dek = factories.make_story(
        headline="Prisoner swap", dek="Hotline diplomacy pays off", overview="Exchange."
    )
    by_overview = factories.make_story(
        headline="Arms control ends",
        dek="Treaty lapses",
        overview="Without the hotline the risk grows.",
    )
    by_event = factories.make_story(headline="Airspace incidents", dek="Jets", overview="x")
    TimelineEvent.objects.create(
        story=by_event, date="2025-09-19", title="Estonian airspace violated", description="x"
    )
    by_name = factories.make_story(headline="Envoy shuttles", dek="Talks", overview="x")
    StoryPerson.objects.create(
        story=by_name, person=factories.make_person(name="Steve Witkoff", slug="witkoff")
    )
    StoryOrganization.objects.create(
        story=by_name,
        organization=factories.make_organization(name="Board of Peace", slug="board-of-peace"),
    )
    factories.make_story(headline="Hotline secret draft", dek="Hotline", status=Story.Status.DRAFT)
    return by_headline, by_dek, by_overview, by_event, by_name


def test_search_finds_each_searched_field(client, stories):
    assert found(client, "hotline")[:3] == [
        "Hotline restored between militaries",
        "Prisoner swap",
        "Arms control ends",
    ]
    assert found(client, "Estonian") == ["Airspace incidents"]
    assert found(client, "witkoff") == ["Envoy shuttles"]
    assert found(client, "board of peace") == ["Envoy shuttles"]


def test_search_never_returns_drafts(client, stories):
    assert "Hotline secret draft" not in found(client, "hotline")
    assert found(client, "secret draft") == []


def test_search_lists_matching_people_and_organizations(client, stories):
    draft = Story.objects.get(headline="Hotline secret draft")
    StoryPerson.objects.create(
        story=draft, person=factories.make_person(name="Steve Hidden", slug="hidden")
    )
    response = client.get("/search/", {"q": "steve"})
    html = response.content.decode()
    assert '<a href="/people/witkoff/">Steve Witkoff</a>' in html
    assert "Steve Hidden" not in html  # known only from a draft
    response = client.get("/search/", {"q": "peace"})
    assert (
        '<a href="/organizations/board-of-peace/">Board of Peace</a>' in response.content.decode()
    )


def test_search_results_page_tells_the_reader_what_matched(client, stories):
    page = text_of(client.get("/search/", {"q": "Estonian"}))
    assert "1 story matches “Estonian”" in page
    page = text_of(client.get("/search/", {"q": "hotline"}))
    assert "3 stories match “hotline”" in page


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_query_asks_for_a_word(client, stories, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Type a word or a name to search" in text_of(response)
    assert list(response.context["page_obj"]) == []


def test_search_page_without_a_query_shows_just_the_form(client, db):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert "Type a word" not in text_of(response)
    assert '<meta name="robots" content="noindex, follow">' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "!!!",
        "'; DROP TABLE stories_story; --",
        '"unbalanced quote',
        "a & | ! ( ) : * <->",
        "\x00\x00null bytes\x00",
        "<script>alert(1)</script>",
        "%_%_",
        "-",
        "or",
        "the",
        "Россия Украина",
        "😀",
        "x" * 10_000,
        "word " * 500,
    ],
)
def test_junk_queries_are_answered_politely(client, stories, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "\x00" not in html


def test_no_results_message(client, stories):
    page = text_of(client.get("/search/", {"q": "zebra"}))
    assert "No stories match “zebra”" in page


def test_sql_wildcards_are_matched_literally(client, stories):
    assert found(client, "%") == []
    assert found(client, "_") == []


def test_search_terms_normalise_what_readers_type():
    assert search_terms("  New\x00START   treaty\n") == search_terms("New START treaty")
    assert search_terms("New START treaty").words == ("new", "start", "treaty")
    assert search_terms("a" * 500).text == "a" * MAX_QUERY_LENGTH
    assert not search_terms("!!! ???")
    assert not search_terms(None)
    assert search_terms("Treaty treaty TREATY").words == ("treaty",)


def test_search_paginates_and_keeps_the_query(client, db):
    category = factories.make_category()
    for n in range(14):
        factories.make_story(headline=f"Ceasefire update {n}", category=category)
    response = client.get("/search/", {"q": "ceasefire"})
    assert response.context["page_obj"].paginator.count == 14
    assert 'href="?q=ceasefire&amp;page=2"' in response.content.decode()
    second = client.get("/search/", {"q": "ceasefire", "page": "2"})
    assert len(second.context["page_obj"]) == 2


@pytest.mark.parametrize("size", [3, 60])
def test_search_query_count_is_fixed(client, db, django_assert_num_queries, size):
    category = factories.make_category()
    for n in range(size):
        factories.make_story(headline=f"Summit {n}", indicators=3, category=category)
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get("/search/", {"q": "summit"})
    assert response.context["page_obj"].paginator.count == size


@on_postgresql
def test_postgres_search_stems_words(client, stories):
    assert "Arms control ends" in found(client, "treaties")  # dek says "Treaty"
    assert "Airspace incidents" in found(client, "violations")  # event: "violated"


@on_postgresql
def test_postgres_ranks_headline_above_body_matches(client, stories):
    results = found(client, "hotline")
    assert results.index("Hotline restored between militaries") < results.index("Arms control ends")


@on_postgresql
def test_postgres_search_understands_web_search_syntax(client, stories):
    assert found(client, '"hotline restored"') == ["Hotline restored between militaries"]
    assert "Hotline restored between militaries" not in found(client, "hotline -militaries")


@on_postgresql
def test_postgres_names_match_by_prefix(client, stories):
    assert found(client, "witk") == ["Envoy shuttles"]


# The stored search document (PostgreSQL): it follows every change to what it reads.


@pytest.fixture
def envoy(db):
    """A published story about an envoy, with two events, a person and an organization."""
    story = factories.make_story(
        headline="Envoy shuttles between capitals", dek="Talks", overview="x", events=0
    )
    for day, title in (
        ("2025-09-18", "Estonian airspace violated"),
        ("2025-09-19", "Jets scramble"),
    ):
        TimelineEvent.objects.create(story=story, date=day, title=title, description="x")
    person = factories.make_person(name="Ivan Gerasimov", slug="gerasimov")
    StoryPerson.objects.create(story=story, person=person)
    StoryOrganization.objects.create(
        story=story, organization=factories.make_organization(name="Board of Peace", slug="bop")
    )
    return story


@on_postgresql
def test_document_follows_a_headline_edit(client, envoy):
    envoy.headline = "Quarantine lifted"
    envoy.save()
    assert found(client, "quarantine") == ["Quarantine lifted"]
    assert found(client, "capitals") == []


@on_postgresql
def test_document_follows_event_title_edits_and_deletes(client, envoy):
    event = envoy.events.get(title="Estonian airspace violated")
    event.title = "Latvian airspace violated"
    event.save()
    assert found(client, "latvian") == ["Envoy shuttles between capitals"]
    assert found(client, "estonian") == []
    event.delete()
    assert found(client, "latvian") == []
    assert found(client, "scramble") == ["Envoy shuttles between capitals"]


@on_postgresql
def test_document_follows_a_rename(client, envoy):
    person = StoryPerson.objects.get(story=envoy).person
    person.name = "Valery Newname"
    person.save()
    assert found(client, "newname") == ["Envoy shuttles between capitals"]
    assert found(client, "gerasimov") == []
    organization = StoryOrganization.objects.get(story=envoy).organization
    organization.name = "Council of Calm"
    organization.save()
    assert found(client, "council") == ["Envoy shuttles between capitals"]
    assert found(client, "board") == []
    person.title = "Chief of the General Staff"
    with CaptureQueriesContext(connection) as saved:
        person.save()
    # Not a rename: the stories are left alone.
    assert not [q for q in saved.captured_queries if "stories_story" in q["sql"]]


@on_postgresql
def test_document_forgets_someone_removed_from_the_story(client, envoy):
    assert found(client, "geras") == ["Envoy shuttles between capitals"]
    StoryPerson.objects.filter(story=envoy).delete()
    assert found(client, "geras") == []
    StoryOrganization.objects.filter(story=envoy).delete()
    assert found(client, "board") == []
    assert found(client, "envoy") == ["Envoy shuttles between capitals"]


@on_postgresql
def test_document_follows_a_whole_story_write(client, envoy):
    from stories.writes import story_write

    story_write(
        story=envoy,
        data={
            "people": [{"new_person": {"name": "Kaja Kallas", "slug": "kallas"}}],
            "events": [{"date": "2025-09-20", "title": "Drones over Poland", "description": "x"}],
        },
        replace_all_sections=False,
    )
    assert found(client, "kallas") == ["Envoy shuttles between capitals"]
    assert found(client, "drones") == ["Envoy shuttles between capitals"]
    assert found(client, "gerasimov") == []
    assert found(client, "estonian") == []


@on_postgresql
def test_document_of_generated_stories(db):
    from django.core.management import call_command

    call_command("generate_content", "--stories", "4", "--workers", "1")
    assert Story.objects.exists()
    assert not Story.objects.filter(search_document__isnull=True).exists()


@on_postgresql
def test_deleting_a_story_with_its_sections(client, envoy):
    Story.all_objects.filter(pk=envoy.pk).delete()
    assert found(client, "envoy") == []


@on_postgresql
def test_drafts_are_never_found_even_with_a_document(client, envoy):
    envoy.status = Story.Status.DRAFT
    envoy.save()
    assert Story.all_objects.get(pk=envoy.pk).search_document
    assert found(client, "envoy") == []
    assert found(client, "geras") == []


@on_postgresql
def test_postgres_ranks_a_headline_match_above_a_newer_overview_match(client, db):
    factories.make_story(headline="Hotline restored", dek="x", overview="x")
    factories.make_story(headline="Talks", dek="x", overview="The hotline stays quiet.")
    assert found(client, "hotline") == ["Hotline restored", "Talks"]


@on_postgresql
def test_only_the_newest_matches_are_ranked_and_the_page_says_so(client, db, monkeypatch):
    from stories import search

    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 3)
    factories.make_story(headline="Ceasefire holds", overview="x")  # best match, but oldest
    for n in range(4):
        factories.make_story(headline=f"Talks {n}", overview=f"A ceasefire is near {n}.")
    response = client.get("/search/", {"q": "ceasefire"})
    assert response.context["page_obj"].paginator.count == 3
    assert [story.headline for story in response.context["page_obj"]] == [
        "Talks 3",
        "Talks 2",
        "Talks 1",
    ]
    page = text_of(response)
    assert "Showing the best matches among the 3 most recent stories that mention “ceasefire”" in (
        page
    )
    assert "stories match" not in page
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 10)
    page = text_of(client.get("/search/", {"q": "ceasefire"}))
    assert "5 stories match “ceasefire”" in page
    assert "most recent stories" not in page


@pytest.mark.parametrize("events", [3, 300])
def test_search_query_count_does_not_grow_with_events(
    client, db, django_assert_num_queries, events
):
    for _ in range(2):
        factories.make_story(headline="Summit", events=events, people=2, organizations=2)
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get("/search/", {"q": "summit"})
    assert response.context["page_obj"].paginator.count == 2
