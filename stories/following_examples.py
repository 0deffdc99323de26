"""Documented examples for the Following endpoints and the story a reader gets, built from the
demo content."""

from drf_spectacular.utils import OpenApiExample

from stories import demo_content as demo
from stories.api_examples import SITE, STORY_DETAIL, V1
from stories.models import HistoricalVoice

_story = demo.STORY
_category = STORY_DETAIL["category"]
_event_id = STORY_DETAIL["events"][0]["id"]


def _response(name: str, value, description: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, description=description, response_only=True)


def _request(name: str, value, description: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, description=description, request_only=True)


FOLLOW = {
    "story": {
        "id": 1,
        "slug": _story["slug"],
        "headline": _story["headline"],
        "dek": _story["dek"],
        "category": _category,
        "updated_at": "2026-02-06T08:12:40Z",
        "url": f"{SITE}/stories/{_story['slug']}/",
        "api_url": f"{V1}/stories/1/",
    },
    "followed_at": "2026-02-06T09:31:12Z",
    "last_read_at": "2026-02-06T09:31:12Z",
    "new_count": 1,
    "updated_count": 0,
    "new_note_count": 0,
    "has_news": True,
    "url": f"{V1}/me/following/1/",
    "read_url": f"{V1}/me/following/1/read/",
}
FOLLOW_EXAMPLE = _response("A followed story with one new event", FOLLOW)
FOLLOW_READ_EXAMPLE = _response(
    "Marked read",
    {**FOLLOW, "last_read_at": "2026-02-07T10:00:00Z", "new_count": 0, "has_news": False},
)
FOLLOWING_EXAMPLE = _response(
    "The Following feed", {"count": 1, "with_news": 1, "results": [FOLLOW]}
)
READ_MARK_REQUEST = _request(
    "Read while offline",
    {"read_at": "2026-02-07T09:58:00Z"},
    "Leave the body out (or empty) to mark the story read now.",
)

_voices = [
    {"id": n, "position": n, **voice, "label": HistoricalVoice.FICTION_LABEL}
    for n, voice in enumerate(demo.VOICES, start=1)
]
_sign_up_url = f"{V1}/auth/signup/"
STORY_FOR_READER_EXAMPLE = _response(
    "Signed-in reader (one item per section)",
    {
        **STORY_DETAIL,
        "voices": {
            "available": True,
            "locked": False,
            "label": HistoricalVoice.FICTION_LABEL,
            "sign_up_url": _sign_up_url,
            "items": _voices,
        },
        "reader": {
            "following": True,
            "last_read_at": "2026-02-06T09:31:12Z",
            "new_event_ids": [_event_id],
            "updated_event_ids": [],
            "new_update_notes": 0,
            "follow_url": f"{V1}/me/following/1/",
            "read_url": f"{V1}/me/following/1/read/",
        },
    },
    "A reader who follows the story, with one event new since they last read it. Reading "
    "does not move the mark: POST to `reader.read_url` when they have seen it.",
)
STORY_FOR_ANONYMOUS_EXAMPLE = _response(
    "Anonymous client (one item per section)",
    {
        **STORY_DETAIL,
        "voices": {
            "available": True,
            "locked": True,
            "label": HistoricalVoice.FICTION_LABEL,
            "sign_up_url": _sign_up_url,
            "items": [],
        },
        "reader": None,
    },
    "Voices from History exist but need an account; there is no reader state.",
)
