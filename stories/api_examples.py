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


STORY_WRITE_EXAMPLE = OpenApiExample(
    "The seed story, published in one request",
    summary="A whole story with new people, organizations and sources",
    description="Every section of the demo story. Rows cite sources by their number in "
    "`sources` (from 1). Refer to records that exist by slug (`person`, `organization`, "
    "`category`) or id (`source`) instead of creating them.",
    value=seed_story_payload(),
    request_only=True,
)
