"""Malformed requests answer 400 naming the parameter; every error is problem+json."""

import pytest
from django.core.cache import cache

API = "/api/v1"
PROBLEM = "application/problem+json"


def assert_problem(response, status, *, names=()):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "instance", "code"} <= set(body)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    for name in names:
        assert name in body["errors"], body
        assert name in body["detail"]
    return body


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page_size=-1", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=1000000000", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=ten", "page_size"),
        ("page_size=%D9%A3", "page_size"),  # an Arabic-Indic digit is not ASCII
        ("ordering=colour", "ordering"),
        ("ordering=overview", "ordering"),
        ("ordering=-updated_at,headline", "ordering"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-02-30T00:00:00Z", "updated_since"),
        ("updated_since=0001-01-01T00:00:00%2B14:00", "updated_since"),
        ("published_after=9999-12-31T23:59:59-14:00", "published_after"),
        ("updated_since=", "updated_since"),
        ("category=abc", "category"),
        ("category=-3", "category"),
        ("category=99999999999999999999999", "category"),
        ("person=1.5", "person"),
        ("organization=x", "organization"),
        ("status=secret", "status"),
        ("cursor=garbage", "cursor"),
        ("fields=headline,colour", "fields"),
        ("fields=", "fields"),
        ("search=" + "x" * 201, "search"),
    ],
)
def test_malformed_story_list_parameters(api, db, query, parameter):
    assert_problem(api.get(f"{API}/stories/?{query}"), 400, names=[parameter])


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/events/?date_after=2026-99-01", "date_after"),
        ("/events/?date_before=tomorrow", "date_before"),
        ("/events/?kind=war", "kind"),
        ("/events/?story=one", "story"),
        ("/sources/?published_on_after=01/02", "published_on_after"),
        ("/people/?story=0", "story"),
        ("/sync/?limit=0", "limit"),
        ("/sync/?limit=1000", "limit"),
        ("/sync/?since=not-a-token", "since"),
        ("/brief/?page_size=-1", "page_size"),
    ],
)
def test_malformed_parameters_elsewhere(api, db, url, parameter):
    assert_problem(api.get(f"{API}{url}"), 400, names=[parameter])


@pytest.mark.parametrize("object_id", ["abc", "-1", "0", "1e3", "99999999999999999999999"])
@pytest.mark.parametrize("endpoint", ["stories", "people", "organizations", "events", "sources"])
def test_non_numeric_or_out_of_range_ids_answer_400(api, db, endpoint, object_id):
    assert_problem(api.get(f"{API}/{endpoint}/{object_id}/"), 400, names=["id"])


@pytest.mark.parametrize("offset", ["+16:56", "-18:31", "+23:59"])
def test_any_iso_offset_is_accepted_even_where_postgresql_has_none(api, make_story, offset):
    story = make_story()
    since = f"2000-01-01T00:00:00{offset}".replace("+", "%2B")

    response = api.get(f"{API}/stories/?updated_since={since}")

    assert response.status_code == 200
    assert [card["id"] for card in response.json()["results"]] == [story.pk]


def test_a_cursor_for_another_ordering_is_refused(api, make_story):
    for _ in range(3):
        make_story()
    next_link = api.get(f"{API}/stories/?page_size=1&ordering=headline").json()["next"]
    cursor = next_link.split("cursor=")[1].split("&")[0]

    response = api.get(f"{API}/stories/?page_size=1&cursor={cursor}")

    body = assert_problem(response, 400, names=["cursor"])
    assert "another ordering" in body["errors"]["cursor"][0]


def test_tampered_cursor_is_refused(api, make_story):
    for _ in range(3):
        make_story()
    next_link = api.get(f"{API}/stories/?page_size=1").json()["next"]
    cursor = next_link.split("cursor=")[1].split("&")[0]

    # Well formed but not issued here: no such page, as DRF's CursorPagination answers.
    assert_problem(api.get(f"{API}/stories/?cursor={cursor[:-2]}xx"), 404)
    # Not a cursor at all: a 400 naming the parameter.
    assert_problem(api.get(f"{API}/stories/?cursor=not-a-cursor"), 400, names=["cursor"])


def test_not_found_and_unknown_paths_are_problems(api, db):
    body = assert_problem(api.get(f"{API}/stories/12345/"), 404)
    assert body["code"] == "not_found"
    assert body["instance"] == f"{API}/stories/12345/"
    assert_problem(api.get("/api/v2/stories/"), 404)
    assert_problem(api.get(f"{API}/nothing-here/"), 404)


def test_method_not_allowed_and_unsupported_media_type(admin_api, db):
    assert_problem(admin_api.delete(f"{API}/stories/"), 405)
    assert_problem(admin_api.post(f"{API}/categories/", {}, format="json"), 405)
    response = admin_api.post(f"{API}/stories/", "headline=x", content_type="text/plain")
    assert_problem(response, 415)


def test_invalid_json_body_is_a_400(admin_api, db):
    response = admin_api.post(f"{API}/stories/", "{not json", content_type="application/json")
    body = assert_problem(response, 400)
    assert body["code"] == "parse_error"


def test_wrong_token_is_a_401_naming_the_scheme(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api.get(f"{API}/stories/")

    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_clients_are_throttled_with_retry_after(api, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    cache.clear()

    statuses = [api.get(f"{API}/categories/").status_code for _ in range(4)]
    response = api.get(f"{API}/categories/")

    assert statuses == [200, 200, 200, 429]
    body = assert_problem(response, 429)
    assert body["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_signed_in_clients_are_not_held_to_the_anonymous_limit(admin_api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute"},
    }
    cache.clear()

    assert [admin_api.get(f"{API}/categories/").status_code for _ in range(3)] == [200] * 3
