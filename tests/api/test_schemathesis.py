"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis).

Every operation in /api/schema/ is called in-process with generated requests, valid and
invalid; every response must be documented (status, content type, headers, body schema) and
none may be a server error. Three runs share the work so the whole stays near a minute:

- anonymous reads, with schemathesis' coverage phase (boundary values for every parameter);
- an admin token on every write, with the coverage phase, except the whole-story writes,
  whose many nested fields would make it thousands of requests: those get fuzzing only;
- an admin token on every read (drafts visible), fuzzing only;
- sequences of anonymous reads, each feeding ids from one response into the next request
  (schemathesis' stateful phase, which `schemathesis run` also runs).

Every check runs on reads, positive data acceptance included (`--checks all`).

SCHEMATHESIS_MAX_EXAMPLES (default 10) bounds the fuzzing examples per operation and mode.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from stories.models import Story
from tests import factories
from tests.api.conftest import token_client

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
STORY_WRITES = {"path_regex": r"^/api/v1/stories/(\{id\}/)?$", "method": ["POST", "PUT", "PATCH"]}


# Values only the server can make: a page cursor, an ETag to match. Their schema gives their
# form, not whether the server made them, so a generated one is "valid" yet refused (400, 412),
# as it must be; the unit tests cover those refusals. Valid-mode cases leave them out;
# invalid-mode cases keep them. (A sync token of the right form is always accepted: one the
# server cannot use starts a full sync.)
SERVER_ISSUED = {
    ParameterLocation.QUERY: ("cursor",),
    ParameterLocation.HEADER: ("If-Match",),
}


def _identity(app):
    """The in-process WSGI transport does not undo a content coding, as HTTP clients do: ask
    for identity bodies (tests/api/test_compression.py covers the gzipped ones)."""

    def wrapped(environ, start_response):
        environ["HTTP_ACCEPT_ENCODING"] = "identity"
        return app(environ, start_response)

    return wrapped


def map_case(context, case):
    for location, names in SERVER_ISSUED.items():
        container = case.query if location is ParameterLocation.QUERY else case.headers
        negative = case.meta is not None and case.meta.is_negative_at(location)
        if container and not negative:
            for name in names:
                container.pop(name, None)
    return case


def filter_case(context, case):
    # Werkzeug's in-process multipart encoder drops the line break after an empty field, so
    # Django never sees that field: `slug=""` would arrive as "no slug". Real clients encode it
    # properly (tests/api/test_writes.py covers a blank multipart slug); skip those cases here.
    if case.media_type == "multipart/form-data" and isinstance(case.body, dict):
        return all(value != "" for value in case.body.values())
    return True


def _load_schema(*, coverage: bool):
    # Loaded while the tests are collected, from the app's own /api/schema/. The handler is
    # built here because middleware reads its settings once: plain HTTP, as in the other tests.
    with override_settings(ALLOWED_HOSTS=["localhost"], SECURE_SSL_REDIRECT=False):
        loaded = schemathesis.openapi.from_wsgi("/api/schema/", _identity(WSGIHandler()))
    loaded.config.phases.coverage.enabled = coverage
    # A write to an existing object without its required If-Match is refused with 428
    # Precondition Required (RFC 6585), the status for exactly that.
    missing_header = loaded.config.checks.missing_required_header
    missing_header.expected_statuses = [*missing_header.expected_statuses, "428"]
    loaded.hook(map_case)
    loaded.hook(filter_case)
    return loaded


@pytest.fixture
def api_data(db, settings, demo_story):
    """The demo story and a little more, and a connection Django leaves open between requests."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    factories.make_story(status=Story.Status.DRAFT, people=1, sources=1)
    factories.make_story(events=5, people=2, organizations=1, sources=3, indicators=2)
    # In-process requests share the test's connection: Django must not close it between them
    # (on PostgreSQL that would end the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


# A WSGI server always says who is calling; per-address throttles need it.
ENVIRON = {"REMOTE_ADDR": "127.0.0.1"}


def excluded_checks(case):
    # "Valid data is accepted" holds for reads. For writes, valid-shaped data can still be
    # refused for what a schema cannot say (a slug already taken, a cited source number the
    # story does not have): those 400s are documented, and checked by every other check.
    return [] if case.method in ("GET", "HEAD") else [positive_data_acceptance]


schema = _load_schema(coverage=True)
fuzzing_only = _load_schema(coverage=False)


def admin_token(users) -> str:
    return token_client(users["admin"])._credentials["HTTP_AUTHORIZATION"]


# Anonymous writes answer 401 before a body is read (the permission tests pin that).
@schema.include(method="GET").parametrize()
@FUZZ_SETTINGS
def test_anonymous_reads_conform_to_the_schema(case, api_data):
    case.call_and_validate(excluded_checks=excluded_checks(case), environ_base=ENVIRON)


@schema.exclude(method="GET").exclude(**STORY_WRITES).parametrize()
@FUZZ_SETTINGS
def test_admin_writes_conform_to_the_schema(case, api_data, users):
    case.call_and_validate(
        headers={"Authorization": admin_token(users)},
        excluded_checks=excluded_checks(case),
        environ_base=ENVIRON,
    )


@fuzzing_only.include(**STORY_WRITES).parametrize()
@FUZZ_SETTINGS
def test_admin_story_writes_conform_to_the_schema(case, api_data, users):
    case.call_and_validate(
        headers={"Authorization": admin_token(users)},
        excluded_checks=excluded_checks(case),
        environ_base=ENVIRON,
    )


@fuzzing_only.include(method="GET").parametrize()
@FUZZ_SETTINGS
def test_admin_reads_conform_to_the_schema(case, api_data, users):
    case.call_and_validate(
        headers={"Authorization": admin_token(users)},
        excluded_checks=excluded_checks(case),
        environ_base=ENVIRON,
    )


# Schemathesis' stateful phase (`schemathesis run` runs it too): sequences of reads that feed
# one response's ids into the next request, anonymously, with every check.
ReadSequences = fuzzing_only.include(method="GET").as_state_machine()


class ReadSequenceCalls(ReadSequences):
    def validate_response(self, response, case, **kwargs):
        super().validate_response(response, case, excluded_checks=excluded_checks(case), **kwargs)

    def call(self, case, **kwargs):
        return super().call(case, environ_base=ENVIRON, **kwargs)


@pytest.mark.usefixtures("api_data")
def test_read_sequences_conform_to_the_schema():
    ReadSequenceCalls.run(
        settings=settings(
            FUZZ_SETTINGS, max_examples=MAX_EXAMPLES, stateful_step_count=6, deadline=None
        )
    )
