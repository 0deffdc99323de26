"""Documented examples for the API: the seed story as one write request.

Built from the demo content, so the example a staff tool copies from the docs is the story
`load_demo` makes, and a test proves that posting it works.
"""

from drf_spectacular.utils import OpenApiExample

from stories import demo_content as demo


def seed_story_payload(*, category_exists: bool = False, people_exist: bool = False) -> dict:
    """The demo story as the JSON body of `POST /api/v1/stories/`.

    New category, people, organizations and sources are created on the way unless told that
    they exist already, in which case they are referred to by slug (people, organizations,
    category).
    """
    cited = [key for item in demo.INDICATORS + demo.EVENTS for key in item["sources"]]
    order = list(demo.SOURCE_ORDER) + [
        k for k in dict.fromkeys(cited) if k not in demo.SOURCE_ORDER
    ]
    number = {key: position for position, key in enumerate(order, start=1)}

    def source(key):
        data = dict(demo.SOURCES[key])
        if data.get("published_on"):
            data["published_on"] = data["published_on"].isoformat()
        return {"new_source": data}

    def person_row(data):
        row = {"role": data["role"], "status": data["status"]}
        if people_exist:
            return {"person": data["slug"], **row}
        return {"new_person": {k: data[k] for k in ("name", "slug", "title", "bio")}, **row}

    def organization_row(data):
        row = {"role": "", "status": data["status"]}
        if people_exist:
            return {"organization": data["slug"], **row}
        fields = ("name", "slug", "kind", "description")
        return {"new_organization": {k: data[k] for k in fields}, **row}

    story = dict(demo.STORY)
    payload = {
        "headline": story["headline"],
        "slug": story["slug"],
        **(
            {"category": demo.CATEGORY["slug"]}
            if category_exists
            else {"new_category": {**demo.CATEGORY, "description": ""}}
        ),
        "byline": story["byline"],
        "dek": story["dek"],
        "overview": story["overview"],
        "why_it_matters": story["why_it_matters"],
        "status": "published",
        "published_at": story["published_at"].isoformat().replace("+00:00", "Z"),
        "sources": [source(key) for key in order],
        "indicators": [
            {
                "value": item["value"],
                "label": item["label"],
                "explanation": item["explanation"],
                "cites": [number[k] for k in item["sources"]],
            }
            for item in demo.INDICATORS
        ],
        "people": [person_row(data) for data in demo.PEOPLE],
        "organizations": [organization_row(data) for data in demo.ORGANIZATIONS],
        "events": [
            {
                "date": event["date"].isoformat(),
                "precision": event.get("precision", "day"),
                "date_label": event.get("date_label", ""),
                "sequence": event.get("sequence", 0),
                "title": event["title"],
                "description": event["description"],
                "kind": event["kind"],
                "cites": [number[k] for k in event["sources"]],
            }
            for event in demo.EVENTS
        ],
        "scenarios": [dict(scenario) for scenario in demo.SCENARIOS],
        "historical_contexts": [
            {
                **context,
                "period_start": context["period_start"].isoformat(),
                "period_end": context["period_end"].isoformat() if context["period_end"] else None,
            }
            for context in demo.CONTEXTS
        ],
    }
    return payload


def _request(name: str, value, **kwargs) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True, **kwargs)


STORY_WRITE_EXAMPLE = _request(
    "The seed story, published in one request",
    seed_story_payload(),
    summary="A whole story with new people, organizations and sources",
    description="Every section of the demo story. Rows cite sources by their number in "
    "`sources` (from 1). Refer to records that exist by slug (`person`, `organization`, "
    "`category`) or id (`source`) instead of creating them.",
)


# Responses -----------------------------------------------------------------------------------

SITE = "https://newsroom.example"
V1 = f"{SITE}/api/v1"
_story = demo.STORY
_category = {"id": 1, "slug": demo.CATEGORY["slug"], "name": demo.CATEGORY["name"]}
_latest = {
    "title": demo.EVENTS[0]["title"],
    "date": "2026-02-05",
    "precision": "day",
    "label": "",
    "date_display": "5 Feb 2026",
    "is_note": False,
}
_person = demo.PEOPLE[0]
_organization = demo.ORGANIZATIONS[0]
_source = demo.SOURCES["new-start-text"]
_links = {
    "url": f"{SITE}/stories/{_story['slug']}/",
    "api_url": f"{V1}/stories/1/",
}
_story_ref = {"id": 1, "slug": _story["slug"], "headline": _story["headline"], **_links}
_source_fields = {
    "title": _source["title"],
    "publisher": _source["publisher"],
    "authors": "",
    "url": _source["url"],
    "published_on": "2010-04-08",
    "excerpt": "",
}


def _response(
    name: str, value, description: str = "", media_type: str = "application/json"
) -> OpenApiExample:
    return OpenApiExample(
        name, value=value, description=description, response_only=True, media_type=media_type
    )


STORY_CARD = {
    "id": 1,
    "slug": _story["slug"],
    "category": _category,
    "headline": _story["headline"],
    "dek": _story["dek"],
    "latest_update": _latest,
    "indicators": [{"value": i["value"], "label": i["label"]} for i in demo.INDICATORS[:3]],
    "hero_image": {
        "url": f"{SITE}/media/stories/2026/hotline.jpg",
        "width": 1600,
        "height": 900,
        "alt": "The Pentagon, seen from the air",
    },
    "status": "published",
    "published_at": "2026-02-05T21:00:00Z",
    "updated_at": "2026-02-06T08:12:40Z",
    **_links,
}
STORY_CARD_EXAMPLE = _response("A story card", STORY_CARD)

_citation = {"number": 2, "source_id": 2, **{k: _source[k] for k in ("title", "publisher", "url")}}
STORY_DETAIL = {
    "id": 1,
    "slug": _story["slug"],
    "category": _category,
    "headline": _story["headline"],
    "byline": _story["byline"],
    "dek": _story["dek"],
    "latest_update": _latest,
    "hero_image": STORY_CARD["hero_image"],
    "status": "published",
    "published_at": "2026-02-05T21:00:00Z",
    "created_at": "2026-02-05T18:40:02Z",
    "updated_at": "2026-02-06T08:12:40Z",
    "version": 7,
    "update_notes": [],
    "overview": _story["overview"][:120] + "…",
    "overview_html": "<p>On <strong>5 February 2026</strong> Washington and Moscow agreed…</p>",
    "why_it_matters": _story["why_it_matters"][:80] + "…",
    "why_it_matters_html": "<p>Most dangerous moments between nuclear powers start as accidents…</p>",
    "indicators": [
        {
            "id": 2,
            "position": 2,
            "value": demo.INDICATORS[1]["value"],
            "label": demo.INDICATORS[1]["label"],
            "explanation": demo.INDICATORS[1]["explanation"],
            "cites": [2],
            "citations": [_citation],
        }
    ],
    "people": [
        {
            "person": {
                "id": 1,
                "slug": _person["slug"],
                "name": _person["name"],
                "title": _person["title"],
                "initials": "AG",
                "photo": None,
                "url": f"{SITE}/people/{_person['slug']}/",
                "api_url": f"{V1}/people/1/",
            },
            "role": _person["role"],
            "status": _person["status"],
            "position": 1,
        }
    ],
    "organizations": [
        {
            "organization": {
                "id": 1,
                "slug": _organization["slug"],
                "name": _organization["name"],
                "kind": _organization["kind"],
                "description": _organization["description"],
                "initials": "US",
                "logo": None,
                "url": f"{SITE}/organizations/{_organization['slug']}/",
                "api_url": f"{V1}/organizations/1/",
            },
            "role": "",
            "status": _organization["status"],
            "position": 1,
        }
    ],
    "events": [
        {
            "id": 10,
            "date": "2021-10-01",
            "precision": "month",
            "date_label": "Autumn 2021",
            "date_display": "Autumn 2021",
            "sequence": 0,
            "title": demo.EVENTS[9]["title"],
            "description": demo.EVENTS[9]["description"],
            "kind": "diplomatic",
            "cites": [],
            "citations": [],
        }
    ],
    "scenarios": [
        {
            "id": 1,
            "number": 1,
            "title": demo.SCENARIOS[0]["title"],
            "discussed_by": demo.SCENARIOS[0]["discussed_by"],
            "description": demo.SCENARIOS[0]["description"],
            "status": "discussed",
            "cites": [],
            "citations": [],
        }
    ],
    "historical_contexts": [
        {
            "id": 1,
            "position": 1,
            "title": demo.CONTEXTS[0]["title"],
            "period_start": "1962-10-01",
            "period_start_precision": "month",
            "period_end": "1963-06-01",
            "period_end_precision": "month",
            "period_display": "October 1962 – June 1963",
            "what_happened": demo.CONTEXTS[0]["what_happened"],
            "short_term_outcome": demo.CONTEXTS[0]["short_term_outcome"],
            "long_term_outcome": demo.CONTEXTS[0]["long_term_outcome"],
            "relevance_today": demo.CONTEXTS[0]["relevance_today"],
        }
    ],
    "sources": [{"number": 2, "id": 2, **_source_fields}],
    **_links,
    "exports": {
        "news_article": f"{V1}/stories/1/export/news-article/",
        "ninjs": f"{V1}/stories/1/export/ninjs/",
        "timelinejs": f"{V1}/stories/1/export/timelinejs/",
    },
}
STORY_DETAIL_EXAMPLE = _response(
    "The demo story (one item per section)",
    STORY_DETAIL,
    "Each section holds every item in the real response; one is shown here.",
)

CATEGORY_EXAMPLE = _response(
    "A category",
    {
        **_category,
        "description": "",
        "story_count": 12,
        "url": f"{SITE}/categories/{_category['slug']}/",
        "api_url": f"{V1}/categories/1/",
        "stories_url": f"{V1}/stories/?category=1",
    },
)

_involvement = {
    **_story_ref,
    "role": _person["role"],
    "status": _person["status"],
    "updated_at": "2026-02-06T08:12:40Z",
}
PERSON = {
    **STORY_DETAIL["people"][0]["person"],
    "story_count": 1,
    "updated_at": "2026-02-05T18:40:02Z",
}
PERSON_EXAMPLE = _response("A person", PERSON)
PERSON_DETAIL_EXAMPLE = _response(
    "A person and their stories",
    {
        **PERSON,
        "bio": _person["bio"],
        "created_at": "2026-02-05T18:40:02Z",
        "stories": [_involvement],
    },
)
ORGANIZATION = {
    **STORY_DETAIL["organizations"][0]["organization"],
    "story_count": 1,
    "updated_at": "2026-02-05T18:40:02Z",
}
ORGANIZATION_EXAMPLE = _response("An organization", ORGANIZATION)
ORGANIZATION_DETAIL_EXAMPLE = _response(
    "An organization and its stories",
    {
        **ORGANIZATION,
        "created_at": "2026-02-05T18:40:02Z",
        "stories": [{**_involvement, "role": "", "status": _organization["status"]}],
    },
)
EVENT = {
    **STORY_DETAIL["events"][0],
    "story": _story_ref,
    "created_at": "2026-02-05T18:40:02Z",
    "updated_at": "2026-02-05T18:40:02Z",
    "api_url": f"{V1}/events/10/",
}
EVENT_EXAMPLE = _response("A timeline event", EVENT)
EVENT_WRITE_EXAMPLE = _request(
    "Add an event",
    {
        "story": 1,
        "date": "2026-02-09",
        "precision": "day",
        "date_label": "",
        "sequence": 0,
        "title": "First call on the restored line",
        "description": "The two commanders speak for the first time since 2021.",
        "kind": "military",
        "cites": [1],
    },
)
SOURCE = {
    "id": 2,
    **_source_fields,
    "story_count": 1,
    "created_at": "2026-02-05T18:40:02Z",
    "updated_at": "2026-02-05T18:40:02Z",
    "api_url": f"{V1}/sources/2/",
}
SOURCE_EXAMPLE = _response("A source", SOURCE)
SOURCE_DETAIL_EXAMPLE = _response(
    "A source and the stories listing it",
    {
        **SOURCE,
        "stories": [_story_ref],
    },
)
SOURCE_WRITE_EXAMPLE = _request(
    "A new source",
    {
        "title": "Joint statement on military communication",
        "publisher": "U.S. Department of Defense",
        "authors": "",
        "url": "https://www.defense.gov/News/Releases/",
        "published_on": "2026-02-05",
        "excerpt": "",
    },
)
PERSON_WRITE_EXAMPLE = _request(
    "A new person", {k: _person[k] for k in ("name", "slug", "title", "bio")}
)
ORGANIZATION_WRITE_EXAMPLE = _request(
    "A new organization", {k: _organization[k] for k in ("name", "slug", "kind", "description")}
)
SYNC_EXAMPLE = _response(
    "A later sync: one story changed, one withdrawn",
    {
        "token": "eyJ2IjoxLCJjIjo0MiwidCI6IjIwMjYtMDItMDZUMDg6MTI6NDBaIn0:1vAbCd:signature",
        "full": False,
        "has_more": False,
        "stories": [STORY_DETAIL],
        "categories": [],
        "people": [],
        "organizations": [],
        "sources": [],
        "deleted": [{"type": "story", "id": 7}],
    },
)
NEWS_ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "@id": f"{SITE}/stories/{_story['slug']}/#article",
    "url": f"{SITE}/stories/{_story['slug']}/",
    "headline": _story["headline"],
    "description": _story["dek"],
    "articleSection": demo.CATEGORY["name"],
    "datePublished": "2026-02-05T21:00:00Z",
    "dateModified": "2026-02-06T08:12:40Z",
    "author": [{"@type": "Organization", "name": "Newsroom Staff", "url": f"{SITE}/"}],
    "publisher": {"@type": "NewsMediaOrganization", "name": "Newsroom", "url": f"{SITE}/"},
    "citation": [
        {
            "@type": "CreativeWork",
            "name": _source["title"],
            "publisher": {"@type": "Organization", "name": _source["publisher"]},
            "url": _source["url"],
        }
    ],
}
NEWS_ARTICLE_EXAMPLE = _response("NewsArticle", NEWS_ARTICLE, media_type="application/ld+json")
NEWS_ARTICLE_JSON_EXAMPLE = _response("NewsArticle as plain JSON", NEWS_ARTICLE)


NINJS_EXAMPLE = _response(
    "ninjs 3.0 news item",
    {
        "uri": "tag:newsroom.example,2026:newsroom:story:1",
        "standard": {
            "name": "ninjs",
            "version": "3.0",
            "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_3.0.json",
        },
        "type": "text",
        "version": "1770365560",
        "firstCreated": "2026-02-05T18:40:02Z",
        "versionCreated": "2026-02-06T08:12:40Z",
        "pubStatus": "usable",
        "language": "en-gb",
        "headlines": [{"role": "main", "value": _story["headline"]}],
        "descriptions": [{"role": "summary", "contentType": "text/plain", "value": _story["dek"]}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": "<p>On <strong>5 February…</strong></p>",
            }
        ],
        "events": [
            {
                "id": "1",
                "name": demo.EVENTS[0]["title"],
                "rel": "diplomatic",
                "literal": "2026-02-05",
            }
        ],
    },
)
TIMELINEJS_EXAMPLE = _response(
    "TimelineJS 3 timeline",
    {
        "title": {
            "text": {"headline": _story["headline"], "text": _story["dek"]},
            "unique_id": "story-1",
        },
        "events": [
            {
                "unique_id": "event-10",
                "start_date": {"year": 2021, "month": 10, "display_date": "Autumn 2021"},
                "display_date": "Autumn 2021",
                "text": {
                    "headline": demo.EVENTS[9]["title"],
                    "text": demo.EVENTS[9]["description"],
                },
                "group": "Diplomatic",
            }
        ],
        "eras": [
            {
                "start_date": {"year": 1962, "month": 10},
                "end_date": {"year": 1963, "month": 6},
                "text": {"headline": demo.CONTEXTS[0]["title"]},
            }
        ],
    },
)
