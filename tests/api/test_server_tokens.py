"""Tokens only the server makes (sync `since`, page `cursor`): the schema gives their exact form.

Any value of that form is a request the API accepts; a value of another form answers 400
naming the parameter. A sync token of the right form that the server cannot use (damaged,
or from another version) starts the sync again, as the app would have done after a 400.
"""

import re

import pytest
from django.core import signing
from django.test import override_settings
from rest_framework.test import APIClient

from sync.tokens import TOKEN_SALT

API = "/api/v1"


@pytest.fixture(scope="module")
def parameters():
    with override_settings(SECURE_SSL_REDIRECT=False):
        document = (
            APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
        )
    return {
        (path, parameter["name"]): parameter["schema"]
        for path, item in document["paths"].items()
        for parameter in item.get("get", {}).get("parameters", [])
        if parameter["name"] in ("since", "cursor")
    }


def _matches(schema, value) -> bool:
    return re.search(schema["pattern"], value) is not None and len(value) <= schema["maxLength"]


def test_since_and_every_cursor_have_the_token_pattern(parameters, api, demo_story):
    sync = api.get(f"{API}/sync/", {"limit": 1}).json()
    next_link = api.get(f"{API}/events/", {"page_size": 1}).json()["next"]
    cursor = next_link.split("cursor=")[1].split("&")[0].replace("%3A", ":")

    assert parameters[("/api/v1/sync/", "since")]
    for (path, name), schema in parameters.items():
        issued = sync["token"] if name == "since" else cursor
        assert _matches(schema, issued), (path, name)
        assert _matches(schema, ""), (path, name)  # empty: the first sync or page
        assert not _matches(schema, "not-a-token"), (path, name)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda token: token[:-3] + "abc", id="bad signature"),
        pytest.param(
            lambda token: signing.dumps(
                {"v": 3, "c": 1, "t": "2026-01-01T00:00:00+00:00"}, salt=TOKEN_SALT, compress=True
            ),
            id="future version",
        ),
    ],
)
def test_a_well_formed_token_the_server_cannot_use_starts_a_full_sync(api, demo_story, token):
    issued = api.get(f"{API}/sync/").json()["token"]

    response = api.get(f"{API}/sync/", {"since": token(issued)})

    assert response.status_code == 200
    body = response.json()
    assert body["full"] is True
    assert [story["id"] for story in body["stories"]] == [demo_story.pk]


@pytest.mark.parametrize("since", ["not-a-token", "a:b", "x" * 2001])
def test_a_since_of_another_form_answers_400_naming_it(api, db, since):
    response = api.get(f"{API}/sync/", {"since": since})

    assert response.status_code == 400
    assert "since" in response.json()["errors"]
