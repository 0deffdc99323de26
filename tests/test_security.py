"""The attack surface: client addresses, secrets, request bodies and uploads, response headers."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.test import APIClient

from newsroom.clients import client_ip

API = "/api/v1"


# The client's address ------------------------------------------------------------------------


def _request(remote="198.51.100.9", xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_client_ip_ignores_x_forwarded_for_unless_proxies_are_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(xff="203.0.113.1")) == "198.51.100.9"

    settings.TRUSTED_PROXY_COUNT = 1
    # nginx appends the address it saw; anything to its left was written by the client.
    assert client_ip(_request(xff="6.6.6.6, 203.0.113.1")) == "203.0.113.1"
    assert client_ip(_request(xff="203.0.113.1")) == "203.0.113.1"
    # Not through the proxy, or a garbled entry: only REMOTE_ADDR is known.
    assert client_ip(_request()) == "198.51.100.9"
    assert client_ip(_request(xff="not-an-address")) == "198.51.100.9"

    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(xff="6.6.6.6, 203.0.113.1, 10.0.0.2")) == "203.0.113.1"
    assert client_ip(_request(xff="203.0.113.1")) == "198.51.100.9"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) == ""


@pytest.fixture
def low_anon_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_spoofed_x_forwarded_for_is_still_throttled(low_anon_rate, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    api = APIClient(REMOTE_ADDR="198.51.100.9")
    answers = [
        api.get(f"{API}/categories/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert answers == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_behind_the_proxy_each_client_has_its_own_budget_whatever_it_claims(
    low_anon_rate, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")

    def get(claimed, real):
        return proxy.get(
            f"{API}/categories/", HTTP_X_FORWARDED_FOR=f"{claimed}, {real}"
        ).status_code

    assert [get(f"203.0.113.{n}", "198.51.100.9") for n in range(4)] == [200, 200, 200, 429]
    assert get("198.51.100.9", "198.51.100.10") == 200
