"""The reader pages: Daily Brief, story page, category pages, drafts, errors, query budgets."""

import datetime as dt
import io
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from people.models import Person, StoryPerson
from stories.models import KeyIndicator, Story
from stories.templatetags.reader import display_today, relative_day
from tests import factories
from timelines.models import TimelineEvent

DEMO_URL = "/stories/us-russia-restore-military-communication-channel/"
# The story, its 8 sections read with it (stories.sections), citations, related stories: the
# read the API detail shares (its update notes are a section; the page once read only the
# newest, in the story's query).
QUERY_BUDGET = 11


class Outline(HTMLParser):
    """Collects headings (level, text), ids and the text of elements with a given class."""

    def __init__(self):
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.ids: list[str] = []
        self._open_heading: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self._open_heading = int(tag[1])
            self._text = []

    def handle_endtag(self, tag):
        if self._open_heading and tag == f"h{self._open_heading}":
            self.headings.append((self._open_heading, " ".join("".join(self._text).split())))
            self._open_heading = None

    def handle_data(self, data):
        if self._open_heading:
            self._text.append(data)


def outline(response) -> Outline:
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


def assert_headings_well_ordered(response):
    levels = [level for level, _ in outline(response).headings]
    assert levels.count(1) == 1, levels
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading jumps from h{before} to h{after}: {levels}"


def text_of(response) -> str:
    """The page's text with tags removed and whitespace squeezed, for order checks."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def event_on(story, days_ago: int, title: str, **kwargs) -> TimelineEvent:
    return TimelineEvent.objects.create(
        story=story,
        date=display_today() - dt.timedelta(days=days_ago),
        title=title,
        description="What happened.",
        **kwargs,
    )


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# Daily Brief


@pytest.mark.django_db
def test_brief_cards_show_category_headline_dek_latest_update_and_first_indicators(client):
    story = factories.make_story(
        events=0, headline="Ceasefire Talks Resume", dek="Both sides return"
    )
    event_on(story, 1, "Delegations arrive in Geneva")
    for position, (value, label) in enumerate(
        [("3", "Rounds"), ("40", "Delegates"), ("2", "Ceasefires"), ("99", "Fourth figure")]
    ):
        KeyIndicator.objects.create(story=story, value=value, label=label, position=position)

    response = client.get("/")

    assert response.status_code == 200
    page = text_of(response)
    assert story.category.name in page
    assert "Ceasefire Talks Resume" in page
    assert "Both sides return" in page
    assert "Yesterday: Delegations arrive in Geneva" in page
    assert "3 Rounds" in page and "40 Delegates" in page and "2 Ceasefires" in page
    assert "Fourth figure" not in page  # cards show the first three only
    assert f'href="{story.get_absolute_url()}"' in response.content.decode()
    assert_headings_well_ordered(response)


@pytest.mark.django_db
def test_brief_lists_newest_update_first_and_hides_drafts_and_scheduled(client):
    older = factories.make_story(events=0, headline="Older update")
    event_on(older, 9, "Old news")
    newer = factories.make_story(events=0, headline="Newer update")
    event_on(newer, 0, "Fresh news")
    factories.make_story(headline="Secret draft", status=Story.Status.DRAFT)
    factories.make_story(
        headline="Scheduled story", published_at=timezone.now() + dt.timedelta(days=1)
    )
    older.save()  # an edit to an old story does not lift it above newer events

    page = text_of(client.get("/"))

    assert page.index("Newer update") < page.index("Older update")
    assert "Today: Fresh news" in page
    assert "Secret draft" not in page
    assert "Scheduled story" not in page


@pytest.mark.django_db
def test_brief_update_note_counts_as_the_latest_update(client):
    from stories.models import UpdateNote

    by_event = factories.make_story(events=0, headline="Event yesterday")
    event_on(by_event, 1, "Yesterday's event")
    by_note = factories.make_story(events=0, headline="Note today")
    event_on(by_note, 20, "An old event")
    UpdateNote.objects.create(story=by_note, text="Channel tested for the first time")

    page = text_of(client.get("/"))

    assert page.index("Note today") < page.index("Event yesterday")
    assert "Today: Channel tested for the first time" in page


@pytest.mark.django_db
def test_brief_paginates_and_tolerates_junk_page_numbers(client):
    category = factories.make_category()
    for n in range(14):
        factories.make_story(events=1, headline=f"Paged story {n:02d}", category=category)

    first = client.get("/")
    second = client.get("/?page=2")

    assert first.context["page_obj"].paginator.num_pages == 2
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert len(first.context["page_obj"]) + len(second.context["page_obj"]) == 14
    assert "Page 2 of 2" in text_of(second)
    assert '<link rel="canonical" href="http://testserver/?page=2">' in second.content.decode()
    for junk in ["abc", "-1", "0", "999", "1e9", "%00"]:
        assert client.get("/", {"page": junk}).status_code == 200


@pytest.mark.django_db
def test_brief_empty_state(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No stories yet" in text_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize("stories, size", [(3, 3), (14, 300)])
def test_brief_query_count_is_fixed(client, django_assert_num_queries, stories, size):
    category = factories.make_category()
    for _ in range(stories):
        factories.make_story(events=3, indicators=3, category=category)
    factories.make_story(events=size, indicators=size, people=size, sources=size)
    # page of stories (one row more than it shows, no count) with latest-update subqueries,
    # card indicators, category chips
    with django_assert_num_queries(3):
        response = client.get("/")
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == min(stories + 1, 12)


# Story page


@pytest.mark.django_db
def test_demo_story_shows_every_section_in_the_seed_order(client, demo_story):
    factories.make_story(category=demo_story.category, headline="A related explainer")

    response = client.get(DEMO_URL)

    assert response.status_code == 200
    page = text_of(response)
    article = page[page.index("Rule Changes U.S. and Russia") :]
    in_order = [
        "Rule Changes",
        "U.S. and Russia Restore Military Communication Channel",
        "By Newsroom Staff",
        demo_story.dek,
        "Military Communication Restored; New START Expires",
        "Overview",
        "Why it matters",
        "Voices from History",
        "Fictional content for perspective",
        "Key indicators",
        "1,550",
        "Warheads per side under New START",
        "People involved",
        "Alexus G. Grynkewich",
        "Organizations involved",
        "United States European Command",
        "Unified Combatant Command",
        "Timeline",
        "Diplomatic",
        "Scenarios",
        "Discussed by:",
        "Historical context",
        "October 1962 – June 1963",
        "What happened",
        "Outcome",
        "Short term",
        "Long term",
        "Why it’s relevant today",
        "Sources",
        "Reuters",
        "Related stories",
        "A related explainer",
        "Back to top",
    ]
    positions = [article.index(piece) for piece in in_order]
    assert positions == sorted(positions), list(zip(in_order, positions, strict=True))
    headings = [text for _, text in outline(response).headings]
    assert headings[0] == "U.S. and Russia Restore Military Communication Channel"
    assert_headings_well_ordered(response)


@pytest.mark.django_db
def test_story_table_of_contents_links_every_section(client, demo_story):
    factories.make_story(category=demo_story.category)
    response = client.get(DEMO_URL)
    html = response.content.decode()
    toc = html[
        html.index('<nav class="toc"') : html.index("</nav>", html.index('<nav class="toc"'))
    ]
    ids = set(outline(response).ids)
    anchors = re.findall(r'href="#([\w-]+)"', toc)
    assert anchors == [
        "overview",
        "why-it-matters",
        "voices",
        "key-indicators",
        "people",
        "organizations",
        "timeline",
        "scenarios",
        "historical-context",
        "sources",
        "related",
    ]
    assert set(anchors) <= ids
    assert 'href="#top"' in html and 'id="top"' in html


@pytest.mark.django_db
def test_story_timeline_is_newest_first_with_dates_at_their_precision(client):
    story = factories.make_story(events=0)
    TimelineEvent.objects.create(
        story=story, date=dt.date(1962, 10, 1), precision="month", title="Crisis", description="x"
    )
    TimelineEvent.objects.create(
        story=story, date=dt.date(1963, 1, 1), precision="year", title="Hotline", description="x"
    )
    TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 2, 5), title="Channel restored", description="x"
    )
    TimelineEvent.objects.create(
        story=story,
        date=dt.date(2021, 10, 1),
        precision="month",
        date_label="Autumn 2021",
        title="Channel suspended",
        description="x",
        kind=TimelineEvent.Kind.TREATY,
    )

    page = text_of(client.get(story.get_absolute_url()))
    timeline = page[page.index("Timeline Newest first") :]

    expected = [
        "5 Feb 2026 Other Channel restored",
        "Autumn 2021 Treaty Channel suspended",
        "1963 Other Hotline",
        "Oct 1962 Other Crisis",
    ]
    positions = [timeline.index(line) for line in expected]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_story_machine_readable_dates_follow_precision(client):
    story = factories.make_story(events=0)
    TimelineEvent.objects.create(
        story=story, date=dt.date(1962, 10, 1), precision="month", title="Crisis", description="x"
    )
    TimelineEvent.objects.create(
        story=story, date=dt.date(1963, 1, 1), precision="year", title="Hotline", description="x"
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<time datetime="1962-10">Oct 1962</time>' in html
    assert '<time datetime="1963">1963</time>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "days_ago, expected",
    [(0, "Today"), (1, "Yesterday"), (3, "3 days ago"), (7, "7 days ago"), (8, None)],
)
def test_story_latest_update_line_uses_a_relative_day(client, days_ago, expected):
    story = factories.make_story(events=0)
    event = event_on(story, days_ago, "The newest thing")
    event_on(story, days_ago + 30, "An older thing")
    expected = expected or f"{event.date.day} {event.date:%b %Y}"

    html = client.get(story.get_absolute_url()).content.decode()

    line = re.search(r'<p class="latest-update">(.*?)</p>', html, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", " ", line).split()) == f"{expected}: The newest thing"


def test_relative_day_rules():
    today = dt.date(2026, 2, 6)
    assert relative_day(dt.date(2026, 2, 6), "day", today=today) == "Today"
    assert relative_day(dt.date(2026, 2, 5), "day", today=today) == "Yesterday"
    assert relative_day(dt.date(2026, 2, 3), "day", today=today) == "3 days ago"
    assert relative_day(dt.date(2026, 1, 29), "day", today=today) == "29 Jan 2026"
    assert relative_day(dt.date(2026, 2, 9), "day", today=today) == "9 Feb 2026"  # future
    assert relative_day(dt.date(2026, 2, 1), "month", today=today) == "Feb 2026"
    assert relative_day(dt.date(2026, 2, 5), "day", "Early Feb", today=today) == "Early Feb"


@pytest.mark.django_db
def test_relative_day_is_computed_in_the_display_time_zone(client, settings, monkeypatch):
    settings.DISPLAY_TIME_ZONE = "America/New_York"
    # 03:00 UTC on 6 Feb is still 5 Feb in New York: an event of 5 Feb happened "Today".
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 2, 6, 3, 0, tzinfo=dt.UTC))
    story = factories.make_story(events=0, published_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 2, 5), title="Late news", description="x"
    )
    assert "Today: Late news" in text_of(client.get(story.get_absolute_url()))
    settings.DISPLAY_TIME_ZONE = "Europe/Moscow"
    assert "Yesterday: Late news" in text_of(client.get(story.get_absolute_url()))


@pytest.mark.django_db
def test_story_people_link_to_their_pages_with_initials_or_photo(client):
    story = factories.make_story(events=1)
    plain = factories.make_person(name="Alexus G. Grynkewich", slug="alexus")
    pictured = factories.make_person(name="Valery Gerasimov", slug="valery", photo=png())
    StoryPerson.objects.create(
        story=story, person=plain, role="U.S. end of the line", status="Active duty", position=1
    )
    StoryPerson.objects.create(story=story, person=pictured, role="Russian end", position=2)

    response = client.get(story.get_absolute_url())
    html = response.content.decode()

    assert '<a href="/people/alexus/">Alexus G. Grynkewich</a>' in html
    assert re.search(r'class="avatar avatar-initials avatar-round"[^>]*>AG</span>', html)
    assert re.search(rf'<img class="avatar avatar-round" src="{pictured.photo.url}" alt=""', html)
    page = text_of(response)
    assert "U.S. end of the line" in page and "Status Active duty" in page


@pytest.mark.django_db
def test_demo_story_organizations_scenarios_contexts_and_sources(client, demo_story):
    response = client.get(DEMO_URL)
    page = text_of(response)
    html = response.content.decode()

    assert "United States European Command Unified Combatant Command Status" in page
    assert '<a href="/organizations/russian-general-staff/">Russian General Staff</a>' in html
    scenarios = re.findall(r'<span class="scenario-number" aria-hidden="true">(\d+)</span>', html)
    assert scenarios == ["1", "2", "3", "4"]
    assert "Communication Channel Holds, Incidents Decrease Status: Discussed" in page
    assert page.count("What happened") == 3 and page.count("Why it’s relevant today") == 3
    assert "Syria Deconfliction Line (2015-2019) October 2015 – 2019" in page
    sources = re.findall(r'<li id="source-(\d+)" class="source">', html)
    assert sources == [str(n) for n in range(1, demo_story.story_sources.count() + 1)]
    assert f"Sources {len(sources)}" in page
    assert '<a class="source-title" href="https://www.state.gov/new-start/"' in html
    assert "Phil Stewart, Idrees Ali · 28 Nov 2022" in page


@pytest.mark.django_db
def test_citation_marks_jump_to_the_numbered_source(client, demo_story):
    html = client.get(DEMO_URL).content.decode()
    numbers = {row.source.title: n for n, row in enumerate(demo_story.story_sources.all(), start=1)}
    new_start = numbers[
        "Treaty on Measures for the Further Reduction and Limitation of Strategic Offensive Arms (New START)"
    ]
    event = demo_story.events.get(title="Military Communication Restored; New START Expires")
    item = re.search(rf'<li class="event" id="event-{event.pk}">(.*?)</li>', html, re.S).group(1)
    assert f'href="#source-{new_start}"' in item
    indicator_block = html[html.index('id="key-indicators"') : html.index('id="people"')]
    assert f'href="#source-{new_start}"' in indicator_block
    for number in set(re.findall(r'class="cite" href="#source-(\d+)"', html)):
        assert f'<li id="source-{number}" class="source">' in html


@pytest.mark.django_db
def test_related_stories_rank_shared_people_above_a_shared_category(client):
    person = factories.make_person()
    story = factories.make_story(events=1, people=0)
    StoryPerson.objects.create(story=story, person=person)
    same_category = factories.make_story(events=1, category=story.category, headline="Same desk")
    shares_person = factories.make_story(events=1, headline="Same general")
    StoryPerson.objects.create(story=shares_person, person=person)
    draft = factories.make_story(
        events=1, category=story.category, headline="Draft twin", status=Story.Status.DRAFT
    )
    factories.make_story(events=1, headline="Unrelated story")

    response = client.get(story.get_absolute_url())

    related = [s.pk for s in response.context["related"]]
    assert related == [shares_person.pk, same_category.pk]
    assert draft.pk not in related
    assert "Unrelated story" not in text_of(response)


@pytest.mark.django_db
def test_story_without_optional_sections_still_renders(client):
    story = factories.make_story(events=0, why_it_matters="")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    ids = outline(response).ids
    assert "overview" in ids
    for absent in ["why-it-matters", "timeline", "people", "sources", "related"]:
        assert absent not in ids
    assert 'class="latest-update"' not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 300])
def test_story_page_query_count_is_fixed(client, django_assert_num_queries, size):
    story = factories.make_story(
        events=size,
        people=size,
        organizations=size,
        sources=size,
        indicators=size,
        scenarios=size,
        contexts=size,
    )
    factories.make_story(category=story.category)
    # story, 8 sections, citations, related stories
    with django_assert_num_queries(QUERY_BUDGET):
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="event"') == size


# Drafts and previews


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": Story.Status.DRAFT},
        {"status": Story.Status.IN_REVIEW},
        {"status": Story.Status.UNPUBLISHED},
        {"published_at": timezone.now() + dt.timedelta(days=2)},
    ],
    ids=["draft", "in-review", "withdrawn", "scheduled"],
)
def test_unpublished_story_is_404_for_the_public_and_a_preview_for_staff(
    client, staff_client, kwargs
):
    story = factories.make_story(headline="Not yet", **kwargs)

    assert Client().get(story.get_absolute_url()).status_code == 404
    response = staff_client.get(story.get_absolute_url())

    assert response.status_code == 200
    assert "Preview — not published" in text_of(response)
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "application/ld+json" not in response.content.decode()
    assert "/feed/" not in response.content.decode()  # no feed links to a 404


@pytest.mark.django_db
def test_published_story_has_no_preview_banner_for_staff(staff_client):
    story = factories.make_story()
    response = staff_client.get(story.get_absolute_url())
    assert "Preview — not published" not in text_of(response)
    assert "X-Robots-Tag" not in response.headers


@pytest.mark.django_db
def test_non_staff_user_cannot_preview(client, django_user_model):
    story = factories.make_story(status=Story.Status.DRAFT)
    client.force_login(django_user_model.objects.create_user("reader", password="pw-12345678"))
    assert client.get(story.get_absolute_url()).status_code == 404


# Categories


@pytest.mark.django_db
def test_category_page_lists_its_published_stories(client, django_assert_num_queries):
    category = factories.make_category(name="Diplomacy", description="Talks and treaties.")
    mine = factories.make_story(category=category, headline="In the category")
    factories.make_story(category=category, headline="Draft in category", status="draft")
    factories.make_story(headline="Elsewhere")

    # category, stories (one more than the page shows: no count), card indicators
    with django_assert_num_queries(3):
        response = client.get(category.get_absolute_url())

    page = text_of(response)
    assert response.status_code == 200
    assert "Diplomacy" in page and "Talks and treaties." in page
    assert mine.headline in page
    assert "Draft in category" not in page and "Elsewhere" not in page
    assert_headings_well_ordered(response)


@pytest.mark.django_db
def test_unknown_category_is_404(client):
    assert client.get(reverse("stories:category", kwargs={"slug": "nope"})).status_code == 404


# Errors and methods


@pytest.mark.django_db
def test_404_page_uses_the_site_style(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert "/static/css/site." in html
    assert 'role="search"' in html


def test_500_page_is_self_contained():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "<style>" in html and "/static/" not in html


@pytest.mark.django_db
def test_server_error_renders_the_500_template(client, monkeypatch):
    from stories import selectors

    def boom(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "story_cards", boom)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_pages_refuse_unsafe_methods(client, demo_story):
    assert client.post(DEMO_URL).status_code == 405
    assert client.post("/").status_code == 405


@pytest.mark.django_db
def test_person_photo_field_is_used_when_present(client):
    # Kept here because the avatar include is shared by story and person pages.
    person = Person.objects.create(name="Solo", slug="solo", photo=png("solo.png"))
    story = factories.make_story()
    StoryPerson.objects.create(story=story, person=person)
    html = client.get(person.get_absolute_url()).content.decode()
    assert f'src="{person.photo.url}"' in html


# Readers: Voices from History, Follow, and what is new since the last visit


def voices_section(response) -> str:
    html = response.content.decode()
    start = html.index('<section id="voices"')
    return " ".join(
        unescape(re.sub(r"<[^>]+>", " ", html[start : html.index("</section>", start)])).split()
    )


@pytest.fixture
def reader_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="pw-12345678"))
    return client


@pytest.mark.django_db
def test_voices_from_history_are_a_sign_up_prompt_for_anonymous_readers(client, demo_story):
    response = client.get(DEMO_URL)
    page = text_of(response)
    section = voices_section(response)
    assert "Fictional content for perspective" in section
    assert "Sign up to read historical perspectives on this story" in section
    for voice in demo_story.voices.all():
        assert voice.text[:40] not in page
    assert f'href="/accounts/signup/?next={DEMO_URL}"' in response.content.decode()


@pytest.mark.django_db
def test_voices_from_history_are_shown_labelled_to_signed_in_readers(reader_client, demo_story):
    section = voices_section(reader_client.get(DEMO_URL))
    from stories.models import HistoricalVoice

    assert HistoricalVoice.FICTION_LABEL in section
    assert "Sign up" not in section
    for voice in demo_story.voices.all():
        assert unescape(voice.figure) in section
        assert " ".join(voice.text.split())[:40] in section
    assert section.count("(imagined)") == demo_story.voices.count()


@pytest.mark.django_db
def test_story_without_voices_has_no_voices_section(reader_client):
    story = factories.make_story()
    assert "Voices from History" not in text_of(reader_client.get(story.get_absolute_url()))


@pytest.mark.django_db
def test_follow_button_for_each_kind_of_reader(reader_client, demo_story):
    anonymous = Client().get(DEMO_URL).content.decode()
    assert f'href="/accounts/login/?next={DEMO_URL}">Sign in to follow this story' in anonymous
    assert "Sign in to follow this story" in anonymous
    assert "csrfmiddlewaretoken" not in anonymous  # nothing to post: no token, no CSRF cookie

    page = reader_client.get(DEMO_URL).content.decode()
    assert f'action="/stories/{demo_story.slug}/follow/"' in page
    assert "csrfmiddlewaretoken" in page

    reader_client.post(f"/stories/{demo_story.slug}/follow/")
    page = reader_client.get(DEMO_URL).content.decode()
    assert f'action="/stories/{demo_story.slug}/unfollow/"' in page
    assert "You follow this story" in text_of(reader_client.get(DEMO_URL))


@pytest.mark.django_db
def test_returning_reader_sees_what_is_new_once(reader_client, demo_story):
    from readers.models import Follow

    reader_client.post(f"/stories/{demo_story.slug}/follow/")
    first = reader_client.get(DEMO_URL)
    assert "New since your last visit" not in text_of(first)
    assert "Your follow" not in text_of(first)

    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    TimelineEvent.objects.filter(story=demo_story).update(
        created_at=an_hour_ago, updated_at=an_hour_ago
    )
    Follow.objects.filter(story=demo_story).update(
        last_seen_at=timezone.now() - dt.timedelta(minutes=5)
    )
    new_event = event_on(demo_story, 0, "Hotline used for the first time")
    edited = demo_story.events.get(title="Russia Invades Ukraine")
    edited.description = "Corrected wording."
    edited.save()

    html = reader_client.get(DEMO_URL).content.decode()
    new_item = re.search(
        rf'<li class="event event-new" id="event-{new_event.pk}">(.*?)</li>', html, re.S
    )
    assert new_item and "New since your last visit" in new_item.group(1)
    updated_item = re.search(
        rf'<li class="event event-updated" id="event-{edited.pk}">(.*?)</li>', html, re.S
    )
    assert updated_item and "Updated since your last visit" in updated_item.group(1)
    assert html.count("since your last visit") == 2

    # Opening the page moved the read mark: the next visit has nothing new.
    assert "since your last visit" not in reader_client.get(DEMO_URL).content.decode()


@pytest.mark.django_db
def test_new_update_note_is_marked_for_a_returning_reader(reader_client, demo_story):
    from readers.models import Follow
    from stories.models import UpdateNote

    reader_client.post(f"/stories/{demo_story.slug}/follow/")
    Follow.objects.filter(story=demo_story).update(
        last_seen_at=timezone.now() - dt.timedelta(minutes=5)
    )
    UpdateNote.objects.create(story=demo_story, text="Line tested by both sides")

    html = reader_client.get(DEMO_URL).content.decode()

    line = re.search(r'<p class="latest-update">(.*?)</p>', html, re.S).group(1)
    assert "Line tested by both sides" in line and "New since your last visit" in line


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 300])
def test_story_page_query_count_for_a_signed_in_follower(
    reader_client, django_assert_num_queries, size
):
    story = factories.make_story(events=size, people=size, sources=size, indicators=size)
    reader_client.post(f"/stories/{story.slug}/follow/")
    # session, user, the 11 of the page, the reader's follow, moving the read mark (voices are
    # not loaded: the story has none)
    with django_assert_num_queries(QUERY_BUDGET + 4):
        response = reader_client.get(story.get_absolute_url())
    assert response.status_code == 200


# Static files and page weight


def stylesheet_url(html: str) -> str:
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)


@pytest.mark.django_db
def test_stylesheet_is_hashed_compressed_and_cached_for_a_year(client):
    href = stylesheet_url(client.get("/").content.decode())
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", href)

    response = client.get(href, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]


@pytest.mark.django_db
def test_demo_story_html_and_css_weigh_under_60_kb_compressed(client, demo_story):
    import gzip

    from django.contrib.staticfiles import finders

    html = client.get(DEMO_URL).content
    with open(finders.find("css/site.css"), "rb") as css:
        weight = len(gzip.compress(html)) + len(gzip.compress(css.read()))
    assert weight < 60 * 1024, f"{weight} bytes"


@pytest.mark.django_db
def test_related_stories_never_include_anything_readers_cannot_open(client):
    """story_related is written in SQL for speed and joins published()'s compiled SQL: pin every
    way a story can be hidden, through a shared person and through the category."""
    from django.utils import timezone

    person = factories.make_person()
    story = factories.make_story(events=1)
    StoryPerson.objects.create(story=story, person=person)
    hidden = [
        factories.make_story(events=1, category=story.category, status=status)
        for status in (Story.Status.DRAFT, Story.Status.IN_REVIEW, Story.Status.UNPUBLISHED)
    ]
    hidden.append(
        factories.make_story(
            events=1,
            category=story.category,
            published_at=timezone.now() + dt.timedelta(hours=1),  # scheduled
        )
    )
    trashed = factories.make_story(events=1, category=story.category)
    Story.objects.filter(pk=trashed.pk).update(deleted_at=timezone.now())
    hidden.append(trashed)
    for other in hidden:
        StoryPerson.objects.create(story=other, person=person)
    visible = factories.make_story(events=1, category=story.category)

    related = [s.pk for s in client.get(story.get_absolute_url()).context["related"]]
    assert related == [visible.pk]
