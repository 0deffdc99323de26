"""Feeds, sitemaps, robots.txt and the metadata search engines and link previews read."""

import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from stories.models import Story
from tests import factories
from timelines.models import TimelineEvent

DEMO_URL = "/stories/us-russia-restore-military-communication-channel/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def parse_xml(response) -> ET.Element:
    return ET.fromstring(response.content)


def json_ld(response) -> list[dict]:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(block) for block in blocks]


def meta(response, key: str) -> str | None:
    html = response.content.decode()
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


def aware(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value} has no time zone"
    return parsed


# Site feeds


@pytest.mark.django_db
def test_site_rss_lists_published_stories_only(client):
    public = factories.make_story(headline="Public explainer", dek="What it is about")
    factories.make_story(headline="Draft explainer", status=Story.Status.DRAFT)
    factories.make_story(
        headline="Scheduled explainer", published_at=timezone.now() + dt.timedelta(hours=3)
    )

    response = client.get("/feeds/rss/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse_xml(response).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Public explainer"]
    assert items[0].findtext("link") == f"http://testserver{public.get_absolute_url()}"
    assert "What it is about" in items[0].findtext("description")
    assert items[0].findtext("category") == public.category.name
    assert channel.findtext("link") == "http://testserver/"


@pytest.mark.django_db
def test_site_atom_feed(client):
    factories.make_story(headline="Atom explainer")
    response = client.get("/feeds/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_xml(response)
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Atom explainer"]
    assert entries[0].find(f"{ATOM}updated") is not None
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == "http://testserver/feeds/atom/"


# Per-story feeds


@pytest.mark.django_db
def test_story_rss_has_one_item_per_timeline_event_newest_first(client, demo_story):
    response = client.get(f"{DEMO_URL}feed/rss/")

    assert response.status_code == 200
    items = parse_xml(response).find("channel").findall("item")
    events = list(demo_story.events.all())
    assert len(items) == len(events) == 13
    assert [item.findtext("title") for item in items] == [event.title for event in events]
    first = items[0]
    expected_link = f"http://testserver{DEMO_URL}#event-{events[0].pk}"
    assert first.findtext("link") == expected_link
    assert first.findtext("guid") == expected_link
    assert len({item.findtext("guid") for item in items}) == 13
    assert first.findtext("category") == "Diplomatic"
    assert events[0].description[:40] in first.findtext("description")
    assert first.findtext("pubDate").startswith("Thu, 05 Feb 2026")


@pytest.mark.django_db
def test_story_atom_feed_entries_follow_the_timeline(client, demo_story):
    root = parse_xml(client.get(f"{DEMO_URL}feed/atom/"))
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == demo_story.events.count()
    assert root.findtext(f"{ATOM}title").startswith(demo_story.headline)
    assert entries[0].findtext(f"{ATOM}id").endswith(f"#event-{demo_story.events.first().pk}")


@pytest.mark.django_db
def test_a_new_event_appears_in_the_story_feed(client):
    story = factories.make_story(events=2)
    count = len(list(parse_xml(client.get(f"{story.get_absolute_url()}feed/rss/")).iter("item")))
    TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 3, 1), title="Breaking development", description="x"
    )
    items = list(parse_xml(client.get(f"{story.get_absolute_url()}feed/rss/")).iter("item"))
    assert len(items) == count + 1
    assert items[0].findtext("title") == "Breaking development"


@pytest.mark.django_db
def test_story_feed_query_count_is_fixed(client, django_assert_num_queries):
    story = factories.make_story(events=80)
    with django_assert_num_queries(2):
        response = client.get(f"{story.get_absolute_url()}feed/atom/")
    assert len(parse_xml(response).findall(f"{ATOM}entry")) == 80


@pytest.mark.django_db
def test_draft_and_unknown_story_feeds_are_404(client, staff_client):
    draft = factories.make_story(status=Story.Status.DRAFT)
    for kind in ("rss", "atom"):
        assert client.get(f"{draft.get_absolute_url()}feed/{kind}/").status_code == 404
        assert staff_client.get(f"{draft.get_absolute_url()}feed/{kind}/").status_code == 404
        assert client.get(f"/stories/no-such-story/feed/{kind}/").status_code == 404


@pytest.mark.django_db
def test_feeds_are_advertised_in_the_head(client, demo_story):
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="/feeds/rss/"' in home and 'href="/feeds/atom/"' in home
    story = client.get(DEMO_URL).content.decode()
    head = story[: story.index("</head>")]
    assert f'href="{DEMO_URL}feed/rss/"' in head
    assert f'href="{DEMO_URL}feed/atom/"' in head


# Sitemaps and robots.txt


@pytest.mark.django_db
def test_sitemap_lists_public_pages_and_no_drafts(client, demo_story):
    draft = factories.make_story(status=Story.Status.DRAFT, people=1, organizations=1)
    lonely_category = factories.make_category(slug="empty-desk")

    index = client.get("/sitemap.xml")

    assert index.status_code == 200
    sections = [loc.text for loc in parse_xml(index).iter(f"{SITEMAP}loc")]
    assert "http://testserver/sitemap-stories.xml" in sections
    urls = {}
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200
        urls |= {
            url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
            for url in parse_xml(response).findall(f"{SITEMAP}url")
        }
    base = "http://testserver"
    assert f"{base}/" in urls
    assert urls[f"{base}{DEMO_URL}"]  # a lastmod for the story
    assert f"{base}/categories/rule-changes/" in urls
    assert f"{base}/people/valery-gerasimov/" in urls
    assert f"{base}/organizations/russian-general-staff/" in urls
    assert f"{base}{draft.get_absolute_url()}" not in urls
    assert f"{base}{draft.story_people.get().person.get_absolute_url()}" not in urls
    assert f"{base}{lonely_category.get_absolute_url()}" not in urls


@pytest.mark.django_db
def test_story_sitemap_is_paged_with_a_fixed_cost_per_page(
    client, monkeypatch, django_assert_num_queries
):
    from syndication import sitemaps

    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    stories = [factories.make_story() for _ in range(5)]
    factories.make_story(status=Story.Status.DRAFT)

    index = [loc.text for loc in parse_xml(client.get("/sitemap.xml")).iter(f"{SITEMAP}loc")]
    pages = [url for url in index if "sitemap-stories.xml" in url]
    assert len(pages) == 3  # 5 public stories, 2 a page; the draft is not counted
    seen = []
    for url in pages:
        with django_assert_num_queries(2):  # count, page
            response = client.get(url.removeprefix("http://testserver"))
        seen += [u.findtext(f"{SITEMAP}loc") for u in parse_xml(response).findall(f"{SITEMAP}url")]
    assert seen == [f"http://testserver{s.get_absolute_url()}" for s in stories]
    assert client.get("/sitemap-stories.xml?p=9").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.django_db
def test_news_sitemap_covers_the_last_two_days(client):
    now = timezone.now()
    fresh = factories.make_story(headline="Fresh & new", published_at=now - dt.timedelta(hours=30))
    factories.make_story(headline="Three days old", published_at=now - dt.timedelta(days=3))
    factories.make_story(headline="Fresh draft", status=Story.Status.DRAFT)

    response = client.get("/sitemap-news.xml")

    assert response["Content-Type"].startswith("application/xml")
    urls = parse_xml(response).findall(f"{SITEMAP}url")
    assert [url.findtext(f"{SITEMAP}loc") for url in urls] == [
        f"http://testserver{fresh.get_absolute_url()}"
    ]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Fresh & new"
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}name") == "Newsroom"
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}language") == "en"
    assert aware(news.findtext(f"{NEWS}publication_date")) == fresh.published_at.replace(
        microsecond=0
    )


@pytest.mark.django_db
def test_robots_txt_points_at_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


# Page metadata


@pytest.mark.django_db
def test_story_head_has_canonical_open_graph_and_twitter_tags(client, demo_story):
    response = client.get(f"{DEMO_URL}?utm_source=newsletter")
    html = response.content.decode()
    canonical = f"http://testserver{DEMO_URL}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert meta(response, "og:type") == "article"
    assert meta(response, "og:title") == demo_story.headline
    assert meta(response, "og:description") == demo_story.dek
    assert meta(response, "og:url") == canonical
    assert meta(response, "og:image").startswith("http://testserver/static/img/og-default.")
    assert meta(response, "twitter:card") == "summary"
    assert meta(response, "description") == demo_story.dek
    assert aware(meta(response, "article:published_time")) == demo_story.published_at


@pytest.mark.django_db
def test_news_article_json_ld(client, demo_story):
    data = json_ld(client.get(DEMO_URL))
    assert len(data) == 1
    article = data[0]
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == demo_story.headline
    assert len(article["headline"]) <= 110
    assert article["mainEntityOfPage"]["@id"] == f"http://testserver{DEMO_URL}"
    published = aware(article["datePublished"])
    modified = aware(article["dateModified"])
    assert published == demo_story.published_at
    assert modified >= published
    assert article["author"][0]["name"] == demo_story.byline
    assert article["author"][0]["@type"] in {"Person", "Organization"}
    assert article["publisher"]["name"] == "Newsroom"
    assert article["publisher"]["logo"]["url"].startswith("http://testserver/static/img/logo.")
    # The demo story has no hero image: the site's default article images stand in.
    assert [image["url"].split("/static/img/")[1].split(".")[0] for image in article["image"]] == [
        "article-default-16x9",
        "article-default-4x3",
        "article-default-1x1",
    ]


@pytest.mark.django_db
def test_json_ld_date_modified_follows_the_newest_event_edit(client, settings):
    # When the timeline last changed, not the day its newest event happened on.
    settings.DISPLAY_TIME_ZONE = "Europe/London"
    story = factories.make_story(
        events=0, published_at=dt.datetime(2026, 1, 10, 9, 30, tzinfo=dt.UTC)
    )
    TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 1, 20), title="Newest", description="x"
    )
    older = TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 1, 15), title="Older", description="x"
    )

    article = json_ld(client.get(story.get_absolute_url()))[0]

    assert aware(article["dateModified"]) == older.updated_at
    assert aware(article["datePublished"]) == dt.datetime(2026, 1, 10, 9, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_json_ld_has_the_hero_image_and_person_author(client):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (10, 20, 30)).save(buffer, format="JPEG")
    story = factories.make_story(
        byline="Maria Ortega",
        hero_image=SimpleUploadedFile("hero.jpg", buffer.getvalue(), content_type="image/jpeg"),
        hero_image_alt="Delegates at the table",
    )
    response = client.get(story.get_absolute_url())
    article = json_ld(response)[0]
    assert article["image"] == [
        {
            "@type": "ImageObject",
            "url": f"http://testserver{story.hero_image.url}",
            "width": 1200,
            "height": 800,
            "caption": "Delegates at the table",
        }
    ]
    assert article["author"] == [{"@type": "Person", "name": "Maria Ortega"}]
    assert meta(response, "og:image") == f"http://testserver{story.hero_image.url}"
    assert meta(response, "og:image:alt") == "Delegates at the table"
    assert meta(response, "twitter:card") == "summary_large_image"
    assert 'alt="Delegates at the table"' in response.content.decode()


@pytest.mark.django_db
def test_json_ld_cannot_be_broken_out_of(client):
    story = factories.make_story(headline="</script><script>alert(1)</script>", dek="<!-- & -->")
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    article = json_ld(response)[0]
    assert article["headline"] == "</script><script>alert(1)</script>"
    assert article["description"] == "<!-- & -->"


@pytest.mark.django_db
def test_list_pages_have_canonical_and_open_graph(client, demo_story):
    for url in ["/", "/categories/rule-changes/", "/people/valery-gerasimov/"]:
        response = client.get(url)
        assert f'<link rel="canonical" href="http://testserver{url}">' in response.content.decode()
        assert meta(response, "og:type") == "website"
        assert meta(response, "og:url") == f"http://testserver{url}"
        assert json_ld(response) == []
