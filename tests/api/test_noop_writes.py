"""A PATCH that changes nothing writes nothing: same version, same ETag, no change logged.

Each write is sent twice; the first may change the object, the second (identical, with the
first answer's ETag) must be a no-op answering 200 with that same ETag.
"""

import pytest
from reversion.models import Version

from stories.models import ContentChange, Story
from tests.api.conftest import token_client
from tests.factories import make_story
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def admin(users):
    return token_client(users["admin"])


def patch_twice(client, url, body, committed):
    etag = client.get(url)["ETag"]
    with committed():
        first = client.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    changes, versions = ContentChange.objects.count(), Version.objects.count()
    with committed():
        second = client.patch(url, body, format="json", HTTP_IF_MATCH=first["ETag"])
    assert second.status_code == 200, second.content
    assert second["ETag"] == first["ETag"] == client.get(url)["ETag"]
    assert second.json() == first.json()
    assert ContentChange.objects.count() == changes, "a no-op write logged a change"
    assert Version.objects.count() == versions, "a no-op write added a revision"
    return first.json()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_a_noop_story_patch_keeps_version_and_etag(admin, committed):
    story = make_story(events=2, people=1, organizations=1, sources=2, indicators=1, scenarios=1)
    url = f"{API}/stories/{story.pk}/"
    data = admin.get(url).json()
    body = {
        "headline": "Same headline",
        "dek": data["dek"],
        "category": data["category"]["slug"],
        "status": data["status"],
        "sources": [{"source": s["id"]} for s in data["sources"]],
        "people": [
            {"person": p["person"]["slug"], "role": p["role"], "status": p["status"]}
            for p in data["people"]
        ],
        "organizations": [
            {"organization": o["organization"]["slug"], "role": o["role"], "status": o["status"]}
            for o in data["organizations"]
        ],
        "indicators": [
            {k: i[k] for k in ("id", "value", "label", "explanation", "cites")}
            for i in data["indicators"]
        ],
        "events": [
            {k: e[k] for k in ("id", "date", "precision", "title", "description", "kind", "cites")}
            for e in data["events"]
        ],
        "scenarios": [
            {k: s[k] for k in ("id", "title", "discussed_by", "description", "status", "cites")}
            for s in data["scenarios"]
        ],
    }
    first = patch_twice(admin, url, body, committed)
    stored = Story.objects.get(pk=story.pk)
    assert stored.version == first["version"]
    assert stored.updated_at.isoformat().replace("+00:00", "Z") == first["updated_at"]


def test_a_noop_story_patch_of_fields_only(admin, committed):
    story = make_story(events=1)
    url = f"{API}/stories/{story.pk}/"
    first = patch_twice(admin, url, {"dek": "A new line", "headline": "A headline"}, committed)
    assert Story.objects.get(pk=story.pk).version == first["version"]


def test_a_noop_event_patch_keeps_its_story_version(admin, committed):
    story = make_story(events=1, sources=2)
    event = TimelineEvent.objects.get(story=story)
    url = f"{API}/events/{event.pk}/"
    patch_twice(admin, url, {"title": "Renamed event", "cites": [2]}, committed)
    version = Story.objects.get(pk=story.pk).version
    stamp = TimelineEvent.objects.get(pk=event.pk).updated_at
    admin.patch(
        url, {"title": "Renamed event"}, format="json", HTTP_IF_MATCH=admin.get(url)["ETag"]
    )
    assert Story.objects.get(pk=story.pk).version == version
    assert TimelineEvent.objects.get(pk=event.pk).updated_at == stamp


@pytest.mark.parametrize(
    "kind, body",
    [
        ("sources", {"title": "Same report", "publisher": "Same wire"}),
        ("people", {"name": "Same Name", "title": "Same title"}),
        ("organizations", {"name": "Same body", "kind": "Council"}),
    ],
)
def test_a_noop_record_patch_keeps_its_etag(admin, committed, kind, body):
    story = make_story(people=1, organizations=1, sources=1)
    record_id = admin.get(f"{API}/{kind}/").json()["results"][0]["id"]
    version = Story.objects.get(pk=story.pk).version
    first = patch_twice(admin, f"{API}/{kind}/{record_id}/", body, committed)
    assert first["updated_at"]
    # The story showing the record moved on once, for the real change only.
    assert Story.objects.get(pk=story.pk).version in (version, version + 1)
