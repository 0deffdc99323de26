"""Who may do what: anonymous, reader, writer, editor and admin × read, draft read, write.

The Writer and Editor groups arrive with the editorial workflow; until then the accounts get
the same model permissions directly (see conftest.writer_perms / editor_perms).
"""

import datetime as dt

import pytest
from django.utils import timezone

from stories.models import Story
from tests import factories
from tests.api.conftest import token_client
from tests.api.if_match import if_match

API = "/api/v1"
ROLES = ["anonymous", "reader", "writer", "editor", "admin"]


def client_for(role, users):
    return token_client(None if role == "anonymous" else users[role])


def current_etag(client, url, users) -> dict:
    """If-Match for a write to `url`: the ETag this client reads, or (when it may not read
    it) an admin's, so that only the permission decides the answer."""
    response = client.get(url)
    if response.status_code != 200:
        response = token_client(users["admin"]).get(url)
    return {"HTTP_IF_MATCH": response["ETag"]}


def new_story_body(slug, category, status="draft"):
    return {
        "headline": f"Headline {slug}",
        "slug": slug,
        "category": category.slug,
        "dek": "What it is about",
        "overview": "The **story**.",
        "status": status,
        "events": [{"date": "2026-02-05", "title": "It happened", "description": "Yes."}],
    }


MATRIX = {
    # action: expected status for anonymous, reader, writer, editor, admin
    "read": [200, 200, 200, 200, 200],
    "draft read": [404, 404, 200, 200, 200],
    "create draft": [401, 403, 201, 201, 201],
    "create published": [401, 403, 403, 201, 201],
    "update draft": [401, 403, 200, 200, 200],
    "update published": [401, 403, 403, 200, 200],
    "publish a draft": [401, 403, 403, 200, 200],
    "delete draft": [401, 403, 403, 204, 204],
    "delete published": [401, 403, 403, 204, 204],
}


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_story_permission_matrix(users, make_story, role, action):
    client = client_for(role, users)
    published = make_story()
    draft = make_story(status=Story.Status.DRAFT)
    category = published.category
    expected = MATRIX[action][ROLES.index(role)]
    before = set(Story.objects.values_list("pk", "dek", "status"))

    if action == "read":
        response = client.get(f"{API}/stories/{published.pk}/")
    elif action == "draft read":
        response = client.get(f"{API}/stories/{draft.pk}/")
    elif action == "create draft":
        response = client.post(f"{API}/stories/", new_story_body("new", category), format="json")
    elif action == "create published":
        body = new_story_body("new", category, status="published")
        response = client.post(f"{API}/stories/", body, format="json")
    else:
        story = published if action.endswith("published") else draft
        url = f"{API}/stories/{story.pk}/"
        if_match = current_etag(client, url, users)
        if action.startswith("delete"):
            response = client.delete(url, **if_match)
        else:
            body = {"status": "published"} if action == "publish a draft" else {"dek": "Changed"}
            response = client.patch(url, body, format="json", **if_match)

    assert response.status_code == expected, (role, action, response.content)
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"

    # A refused write leaves everything as it was.
    if expected in (401, 403, 404):
        assert not Story.objects.filter(slug="new").exists()
        assert set(Story.objects.values_list("pk", "dek", "status")) == before


def test_a_writer_is_told_why_publishing_is_refused(users, make_story):
    writer = token_client(users["writer"])
    draft = make_story(status=Story.Status.DRAFT)

    response = writer.patch(f"{API}/stories/{draft.pk}/", {"status": "published"}, format="json")

    assert response.status_code == 403
    assert "Only editors can publish" in response.json()["detail"]


def test_an_editor_publishing_with_no_time_publishes_now(users, make_story):
    """The same rule as the change form's (Story.fill_in_publication_time)."""
    editor = token_client(users["editor"])
    draft = make_story(status=Story.Status.DRAFT, published_at=None)
    url = f"{API}/stories/{draft.pk}/"

    response = editor.patch(url, {"status": "published"}, format="json", **if_match(editor, url))

    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.status == Story.Status.PUBLISHED
    assert abs(timezone.now() - draft.published_at) < dt.timedelta(minutes=1)


RECORD_MATRIX = {
    # action: anonymous, reader, writer, editor, admin
    "create": [401, 403, 201, 201, 201],
    "update": [401, 403, 200, 200, 200],
    "delete": [401, 403, 403, 204, 204],
}


@pytest.mark.parametrize("action", list(RECORD_MATRIX))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ["people", "organizations", "sources", "events"])
def test_record_permission_matrix(users, make_story, role, action, endpoint):
    client = client_for(role, users)
    draft = make_story(status=Story.Status.DRAFT, sources=1)
    records = {
        "people": (
            {"name": "Ada Example", "slug": "ada-example", "title": "Envoy"},
            factories.make_person,
        ),
        "organizations": (
            {"name": "Example Agency", "slug": "example-agency", "kind": "Agency"},
            factories.make_organization,
        ),
        "sources": (
            {"title": "A report", "publisher": "Wire", "url": "https://example.com/r"},
            factories.make_source,
        ),
        "events": (
            {"story": draft.pk, "date": "2026-01-01", "title": "New event", "description": "."},
            lambda: draft.events.first(),
        ),
    }
    body, existing = records[endpoint]
    expected = RECORD_MATRIX[action][ROLES.index(role)]

    if action == "create":
        response = client.post(f"{API}/{endpoint}/", body, format="json")
    elif action == "update":
        field = "title" if endpoint in ("people", "sources", "events") else "kind"
        url = f"{API}/{endpoint}/{existing().pk}/"
        response = client.patch(
            url, {field: "Changed"}, format="json", **current_etag(client, url, users)
        )
    else:
        url = f"{API}/{endpoint}/{existing().pk}/"
        response = client.delete(url, **current_etag(client, url, users))

    assert response.status_code == expected, (role, action, endpoint, response.content)


def test_timeline_of_a_published_story_needs_the_publish_permission(users, make_story):
    story = make_story()
    event = story.events.first()
    writer, editor = token_client(users["writer"]), token_client(users["editor"])

    url = f"{API}/events/{event.pk}/"
    refused = writer.patch(url, {"title": "Rewritten"}, format="json", **if_match(writer, url))
    added = writer.post(
        f"{API}/events/",
        {"story": story.pk, "date": "2026-01-01", "title": "Sneaked in", "description": "."},
        format="json",
    )
    allowed = editor.patch(url, {"title": "Rewritten"}, format="json", **if_match(editor, url))

    assert (refused.status_code, added.status_code, allowed.status_code) == (403, 403, 200)
    assert story.events.filter(title="Sneaked in").count() == 0


def test_session_authentication_works_for_the_browsable_api(client, users, make_story):
    draft = make_story(status=Story.Status.DRAFT)
    client.force_login(users["editor"])

    page = client.get(f"{API}/stories/{draft.pk}/", HTTP_ACCEPT="text/html")
    data = client.get(f"{API}/stories/{draft.pk}/")

    assert page.status_code == 200
    assert b"Story" in page.content and b"<html" in page.content
    assert data.json()["id"] == draft.pk


def test_session_writes_need_the_csrf_token(users, make_story):
    from django.test import Client

    draft = make_story(status=Story.Status.DRAFT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["editor"])

    response = client.patch(
        f"{API}/stories/{draft.pk}/", {"dek": "x"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_token_endpoint_trades_credentials_for_a_token(api, users):
    good = api.post(f"{API}/auth/token/", {"username": "editor", "password": "pw"}, format="json")
    bad = api.post(f"{API}/auth/token/", {"username": "editor", "password": "no"}, format="json")

    assert good.status_code == 200
    assert len(good.json()["token"]) == 40
    assert bad.status_code == 401
    assert bad["Content-Type"] == "application/problem+json"
    missing = api.post(f"{API}/auth/token/", {"username": "editor"}, format="json")
    assert missing.status_code == 400
    assert "password" in missing.json()["errors"]
    editor = token_client(None)
    editor.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    assert editor.get(f"{API}/stories/?status=draft").status_code == 200


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("Writer", {"draft": 201, "publish": 403, "delete": 403}),
        ("Editor", {"draft": 201, "publish": 200, "delete": 204}),
    ],
)
def test_the_editorial_groups_get_the_matrix_roles(django_user_model, make_story, group, expected):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(f"in-{group}", password="pw")
    user.groups.add(Group.objects.get(name=group))
    client = token_client(user)
    category = make_story().category

    created = client.post(f"{API}/stories/", new_story_body("by-group", category), format="json")
    story_url = f"{API}/stories/{created.json().get('id')}/"
    published = client.patch(
        story_url, {"status": "published"}, format="json", **if_match(client, story_url)
    )
    deleted = client.delete(story_url, **if_match(client, story_url))

    assert created.status_code == expected["draft"]
    assert published.status_code == expected["publish"]
    assert deleted.status_code == expected["delete"]
