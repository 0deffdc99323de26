"""API responses are gzipped for clients without cookie secrets, and stay writable."""

import gzip
import json

import pytest
from django.test import Client

from tests.api.conftest import token_client
from tests.factories import make_story

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def _json(response):
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)


def test_a_token_clients_sync_page_is_gzipped(users):
    for _ in range(3):
        make_story(events=20, people=3, sources=3)
    reader = token_client(users["reader"])
    plain = reader.get("/api/v1/sync/")
    zipped = reader.get("/api/v1/sync/", **GZIP)
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert len(zipped.content) * 3 < len(plain.content)
    # The same records (the sync token names the moment it was issued, so it differs).
    assert {**_json(zipped), "token": None} == {**_json(plain), "token": None}


def test_the_gzipped_variant_has_its_own_strong_etag_that_if_match_accepts(users):
    story = make_story(events=20)
    editor = token_client(users["editor"])
    url = f"/api/v1/stories/{story.pk}/"
    plain = editor.get(url)
    zipped = editor.get(url, **GZIP)
    assert zipped["Content-Encoding"] == "gzip"
    assert not zipped["ETag"].startswith("W/")
    assert zipped["ETag"] == plain["ETag"][:-1] + '-gzip"'

    # If-None-Match with the gzipped tag: 304; with the identity tag on an identity read: 304.
    assert editor.get(url, HTTP_IF_NONE_MATCH=zipped["ETag"], **GZIP).status_code == 304
    assert editor.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304

    # A write with the tag of the gzipped copy it read goes through.
    response = editor.patch(
        url, {"dek": "A new standfirst."}, format="json", HTTP_IF_MATCH=zipped["ETag"], **GZIP
    )
    assert response.status_code == 200, _json(response)
    # The tag it held is now stale, in either coding.
    stale = editor.patch(
        url, {"dek": "Another."}, format="json", HTTP_IF_MATCH=zipped["ETag"], **GZIP
    )
    assert stale.status_code == 412


def test_a_browser_signed_in_by_cookie_gets_identity_bodies(users):
    make_story(events=20)
    browser = Client()
    browser.force_login(users["reader"])
    response = browser.get("/api/v1/sync/", **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_pages_are_not_compressed_here(users):
    story = make_story(events=20)
    response = token_client(users["reader"]).get(story.get_absolute_url(), **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
