"""Liveness and readiness probes, and what a request gets when the database fails."""

import json

import pytest
from django.db import OperationalError
from django.test import Client

from core import faults


def test_liveness_needs_no_database(client):
    # No django_db mark: any query would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_checks_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


@pytest.mark.django_db
def test_readiness_without_a_cache_is_degraded_not_down(client, monkeypatch):
    monkeypatch.setattr("core.health.cache.get", lambda key: None)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "degraded"


@pytest.mark.django_db
def test_readiness_without_the_database_is_503(client, monkeypatch):
    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setattr("core.health._database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert json.loads(response.content)["checks"]["database"]["detail"] == "OperationalError"


def _raising(exc):
    def view(*args, **kwargs):
        raise exc

    return view


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/stories/anything/", "/api/v1/stories/", "/api/v1/stories/1/"]
)
def test_database_unavailable_is_503_with_retry_after(path, monkeypatch):
    # The database fails where every request meets it first: the session or the first query.
    error = OperationalError("connection to server failed: Connection refused")
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", _raising(error))
    client = Client(raise_request_exception=False)
    response = client.get(path)
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"].isdigit()
    assert "no-cache" in response["Cache-Control"]
    if path.startswith("/api/"):
        assert response["Content-Type"] == "application/problem+json"
        assert json.loads(response.content)["code"] == "database_unavailable"
    else:
        assert b"cannot reach its database" in response.content


def test_other_errors_stay_500():
    try:
        raise ValueError("boom")
    except ValueError as exc:
        assert not faults.database_unavailable(exc)
    try:
        try:
            raise OperationalError("gone")
        except OperationalError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as exc:
        assert faults.database_unavailable(exc)


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError("down"), ValueError("boom")])
def test_error_pages_allow_only_their_own_inline_css(error, monkeypatch):
    import base64
    import hashlib
    import re

    monkeypatch.setattr("stories.views.home", _raising(error), raising=False)
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", _raising(error))
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code in (500, 503)
    css = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = response["Content-Security-Policy"]
    style_src = next(d for d in policy.split(";") if d.strip().startswith("style-src"))
    assert f"'sha256-{digest}'" in style_src
    assert "unsafe-inline" not in policy
