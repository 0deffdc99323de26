"""Every example in the OpenAPI document validates against the schema it illustrates.

A client generated from /api/schema/ (or a developer copying from /api/docs/) trusts the
examples; one that its own schema refuses documents a contract the API does not have.
"""

import copy

import jsonschema_rs
import pytest
from django.test import override_settings
from rest_framework.test import APIClient

METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


@pytest.fixture(scope="module")
def document():
    with override_settings(SECURE_SSL_REDIRECT=False):
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def json_schema(node, *, direction: str):
    """OpenAPI 3.0's schema dialect as JSON Schema (draft 4, which it extends).

    `nullable: true` becomes "or null"; properties that are `readOnly` (in a request) or
    `writeOnly` (in a response) may be left out, as OpenAPI 3.0 says.
    """
    if isinstance(node, list):
        return [json_schema(item, direction=direction) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value, direction=direction) for key, value in node.items()}
    if isinstance(node.get("properties"), dict) and "required" in node:
        skip = "readOnly" if direction == "request" else "writeOnly"
        node["required"] = [
            name for name in node["required"] if not node["properties"].get(name, {}).get(skip)
        ]
        if not node["required"]:
            del node["required"]
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def examples_of(holder):
    if "example" in holder:
        yield "example", holder["example"]
    for name, example in holder.get("examples", {}).items():
        if "value" in example:
            yield name, example["value"]


def documented_examples(document):
    """(where, direction, schema, value) for every example the document holds."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                for name, value in examples_of(parameter):
                    yield (
                        f"{where} {parameter['name']} {name}",
                        "request",
                        parameter["schema"],
                        value,
                    )
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                for name, value in examples_of(media):
                    yield f"{where} body {media_type} {name}", "request", media["schema"], value
            for code, response in operation["responses"].items():
                for header, spec in response.get("headers", {}).items():
                    for name, value in examples_of(spec):
                        yield f"{where} {code} {header} {name}", "response", spec["schema"], value
                for media_type, media in response.get("content", {}).items():
                    for name, value in examples_of(media):
                        where_ = f"{where} {code} {media_type} {name}"
                        yield where_, "response", media.get("schema", {}), value
    for name, component in document.get("components", {}).get("schemas", {}).items():
        for field, spec in component.get("properties", {}).items():
            if "example" in spec:
                yield f"components {name}.{field}", "response", spec, spec["example"]


def problems(document, schema, value, *, direction: str) -> list[str]:
    components = json_schema(copy.deepcopy(document["components"]), direction=direction)
    root = {**json_schema(schema, direction=direction), "components": components}
    validator = jsonschema_rs.Draft4Validator(root, validate_formats=True)
    return [
        f"{list(error.instance_path)}: {error.message}" for error in validator.iter_errors(value)
    ]


def test_the_document_has_examples(document):
    assert len(list(documented_examples(document))) >= 100


def test_every_example_validates_against_its_schema(document):
    failures = {}
    for where, direction, schema, value in documented_examples(document):
        found = problems(document, schema, value, direction=direction)
        if found:
            failures[where] = found[:3]
    assert failures == {}


def test_the_checker_refuses_a_wrong_example(document):
    # The walker must not pass everything: a story card without its headline is refused.
    card = document["paths"]["/api/v1/brief/"]["get"]["responses"]["200"]["content"]
    schema = card["application/json"]["schema"]
    assert problems(document, schema, {"results": [{"id": "one"}]}, direction="response")
    assert not problems(document, {"type": "string", "nullable": True}, None, direction="response")
