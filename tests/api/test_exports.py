"""Standard exports of a published story: NewsArticle JSON-LD, IPTC ninjs 3.0, TimelineJS 3."""

import datetime as dt

import pytest

from stories import demo_content as demo
from stories.models import UpdateNote

API = "/api/v1"

# Every top-level property IPTC's ninjs 3.0 JSON Schema defines; it allows no others.
NINJS_PROPERTIES = {
    "uri", "type", "representationType", "profile", "version", "firstCreated",
    "versionCreated", "contentCreated", "embargoed", "pubStatus", "urgency", "copyrightHolder",
    "copyrightNotice", "usageTerms", "edNote", "language", "descriptions", "bodies",
    "headlines", "people", "organisations", "places", "subjects", "events", "eventDetails",
    "plannedCoverage", "objects", "infoSources", "title", "by", "slugline", "located",
    "renditions", "associations", "altIds", "trustIndicators", "standard", "genres", "expires",
    "rightsInfo",
}  # fmt: skip
NINJS_ITEM_PROPERTIES = {
    "headlines": {"role", "contentType", "value"},
    "descriptions": {"role", "contentType", "value"},
    "bodies": {"role", "contentType", "charCount", "wordCount", "value"},
    "people": {"name", "rel", "uri", "literal", "contactInfo"},
    "organisations": {"name", "rel", "uri", "literal", "symbols", "contactInfo"},
    "subjects": {"name", "rel", "uri", "literal", "creator", "relevance", "confidence"},
    "events": {"id", "name", "rel", "uri", "literal"},
    "infoSources": {"name", "role", "uri", "literal", "contactInfo"},
    "altIds": {"role", "value"},
}


def test_news_article_json_ld(api, demo_story):
    response = api.get(f"{API}/stories/{demo_story.pk}/export/news-article/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    article = response.json()
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    page = f"http://testserver/stories/{demo_story.slug}/"
    assert article["url"] == page
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": page}
    assert article["headline"] == demo.STORY["headline"]
    assert len(article["headline"]) <= 110
    assert article["datePublished"] == "2026-02-05T21:00:00Z"
    assert dt.datetime.fromisoformat(article["dateModified"]) >= dt.datetime.fromisoformat(
        article["datePublished"]
    )
    assert article["author"] == [
        {"@type": "Organization", "name": "Newsroom Staff", "url": "http://testserver/"}
    ]
    assert article["publisher"]["@type"] == "NewsMediaOrganization"
    assert article["articleSection"] == "Rule Changes"
    assert "<" not in article["articleBody"]
    assert article["articleBody"].startswith("On 5 February 2026")
    assert {m["name"] for m in article["mentions"]} >= {p["name"] for p in demo.PEOPLE}
    assert {c["name"] for c in article["citation"]} == {s["title"] for s in demo.SOURCES.values()}
    assert None not in article.values()


def test_json_ld_asked_for_as_plain_json(api, demo_story):
    response = api.get(
        f"{API}/stories/{demo_story.pk}/export/news-article/", HTTP_ACCEPT="application/json"
    )

    assert response["Content-Type"] == "application/json"
    assert response.json()["@type"] == "NewsArticle"


def test_ninjs_3_news_item_with_its_events(api, demo_story):
    response = api.get(f"{API}/stories/{demo_story.pk}/export/ninjs/")

    assert response.status_code == 200
    item = response.json()
    assert set(item) <= NINJS_PROPERTIES
    for name, allowed in NINJS_ITEM_PROPERTIES.items():
        for entry in item.get(name, []):
            assert set(entry) <= allowed, name
    assert (
        item["uri"] == f"tag:testserver,{demo_story.created_at.year}:newsroom:story:{demo_story.pk}"
    )
    assert item["standard"] == {
        "name": "ninjs",
        "version": "3.0",
        "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_3.0.json",
    }
    assert (item["type"], item["pubStatus"]) == ("text", "usable")
    assert item["headlines"] == [{"role": "main", "value": demo.STORY["headline"]}]
    assert item["bodies"][0]["contentType"] == "text/html"
    assert item["bodies"][0]["value"] == demo_story.overview_html
    assert len(item["events"]) == len(demo.EVENTS)
    autumn = next(e for e in item["events"] if e["name"].startswith("U.S.-Russia Military"))
    assert autumn["literal"] == "2021-10"  # month precision
    assert {p["name"] for p in item["people"]} == {p["name"] for p in demo.PEOPLE}
    assert item["subjects"][0]["name"] == "Rule Changes"
    for moment in ("firstCreated", "versionCreated", "contentCreated"):
        assert item[moment].endswith("Z")


def test_timelinejs_with_dates_at_their_precision_and_contexts_as_eras(api, demo_story):
    response = api.get(f"{API}/stories/{demo_story.pk}/export/timelinejs/")

    assert response.status_code == 200
    timeline = response.json()
    assert timeline["title"]["text"]["headline"] == demo.STORY["headline"]
    events = {e["text"]["headline"]: e for e in timeline["events"]}
    assert len(events) == len(demo.EVENTS)
    signed = events["New START Treaty Signed"]
    assert signed["start_date"] == {"year": 2010, "month": 4, "day": 8}
    assert signed["group"] == "Treaty"
    autumn = events["U.S.-Russia Military Communication Suspended"]
    assert autumn["start_date"] == {"year": 2021, "month": 10, "display_date": "Autumn 2021"}
    assert autumn["display_date"] == "Autumn 2021"
    syria = next(e for e in timeline["eras"] if e["text"]["headline"].startswith("Syria"))
    assert syria["start_date"] == {"year": 2015, "month": 10}
    assert syria["end_date"] == {"year": 2019}  # year precision


def test_timelinejs_escapes_staff_text_that_timelinejs_renders_as_html(api, make_story):
    attack = "<img src=x onerror=alert(1)>"
    story = make_story(events=1, contexts=1, headline=f"Headline {attack}", dek=f"Dek {attack}")
    event = story.events.get()
    event.title, event.description, event.date_label = attack, f"Text {attack}", attack
    event.save()
    story.historical_contexts.update(title=f"Era {attack}")

    timeline = api.get(f"{API}/stories/{story.pk}/export/timelinejs/").json()

    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    (slide,) = timeline["events"]
    assert timeline["title"]["text"] == {
        "headline": f"Headline {escaped}",
        "text": f"Dek {escaped}",
    }
    assert slide["text"] == {"headline": escaped, "text": f"Text {escaped}"}
    assert slide["display_date"] == slide["start_date"]["display_date"] == escaped
    assert timeline["eras"][0]["text"]["headline"] == f"Era {escaped}"
    assert "<img" not in str(timeline)


@pytest.mark.parametrize("export", ["news-article", "ninjs", "timelinejs"])
def test_exports_are_conditional_and_for_published_stories_only(api, admin_api, make_story, export):
    draft = make_story(status="draft")
    story = make_story()
    UpdateNote.objects.create(story=story, text="A note")
    url = f"{API}/stories/{story.pk}/export/{export}/"

    first = api.get(url)

    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert admin_api.get(f"{API}/stories/{draft.pk}/export/{export}/").status_code == 404
