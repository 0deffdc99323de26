"""The OpenAPI schema and its documentation pages: complete, described, served without a CDN."""

import re

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    # Module-scoped, so before conftest's per-test settings: switch off the HTTPS redirect here.
    with override_settings(SECURE_SSL_REDIRECT=False):
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_every_endpoint_is_under_api_v1_and_documented(schema):
    paths = set(schema["paths"])
    assert all(path.startswith("/api/v1/") for path in paths)
    for expected in (
        "/api/v1/stories/",
        "/api/v1/stories/{id}/",
        "/api/v1/stories/{id}/export/news-article/",
        "/api/v1/stories/{id}/export/ninjs/",
        "/api/v1/stories/{id}/export/timelinejs/",
        "/api/v1/brief/",
        "/api/v1/categories/",
        "/api/v1/people/{id}/",
        "/api/v1/organizations/{id}/",
        "/api/v1/events/",
        "/api/v1/sources/",
        "/api/v1/sync/",
        "/api/v1/auth/token/",
    ):
        assert expected in paths
    assert "Sync" in schema["info"]["description"]
    assert "problem+json" in schema["info"]["description"]


def test_every_operation_has_a_summary_description_and_examples(schema):
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        assert operation.get("description"), where
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), f"{where} {parameter['name']}"
            has_example = "example" in parameter or "examples" in parameter
            opaque = parameter["name"] in ("cursor", "since", "If-Match")
            assert has_example or opaque, f"{where} {parameter['name']}"
        if "requestBody" in operation:
            content = operation["requestBody"]["content"]
            assert any("examples" in c or "example" in c for c in content.values()), where
        success = [r for code, r in operation["responses"].items() if code.startswith("2")]
        for response in success:
            for media in response.get("content", {}).values():
                assert "examples" in media or "example" in media, where


def test_errors_are_documented_as_problem_details(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "code", "errors"} <= set(
        problem["properties"]
    )
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        for code in ("400", "401", "429"):
            assert "application/problem+json" in responses[code]["content"], (path, method)
        if method == "get" and not path.startswith(("/api/v1/me/", "/api/v1/sync/")):
            assert "304" in responses, path  # public reads are conditional
        personal = path.startswith("/api/v1/me/")  # a reader's own follows: no ETags
        if method in ("put", "patch", "delete") and "{" in path and not personal:
            assert "412" in responses, path
            assert any(p["name"] == "If-Match" for p in operation["parameters"]), path
        if method == "delete" and "{" in path and not personal:
            assert "409" in responses, path


def test_lists_document_pagination_filters_and_ordering(schema):
    stories = schema["paths"]["/api/v1/stories/"]["get"]
    names = {p["name"]: p for p in stories["parameters"]}
    assert {"cursor", "page_size", "ordering", "search", "fields", "category", "person",
            "organization", "updated_since", "published_after", "published_before"} <= set(names)  # fmt: skip
    assert names["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
    }
    assert names["ordering"]["schema"]["enum"] == [
        "updated_at", "-updated_at", "published_at", "-published_at", "headline", "-headline",
    ]  # fmt: skip
    events = {p["name"] for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert {"story", "kind", "date_after", "date_before"} <= events


def test_reads_are_public_and_writes_need_credentials(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey"
    read = schema["paths"]["/api/v1/stories/"]["get"]["security"]
    write = schema["paths"]["/api/v1/stories/"]["post"]["security"]
    assert {} in read
    assert {} not in write


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_everything_from_this_site(client, page):
    response = client.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    if page == "/api/docs/":  # Swagger UI's start-up script is a file of its own (?script)
        html += client.get(page, {"script": ""}).content.decode()
    assert "/api/schema/" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert external == []
    assert "googleapis" not in html
    assert "drf_spectacular_sidecar" in html
