"""The attack surface: client addresses, secrets, request bodies and uploads, response headers."""

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory, override_settings
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from core.clients import client_ip
from core.images import validate_image
from core.secret_key import new_secret_key, secret_key_problem
from stories.models import Story
from stories.preview import preview_token
from tests.factories import make_category
from tests.stories.test_admin import story_form

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


# Request bodies and uploads --------------------------------------------------------------------


@pytest.fixture(scope="session")
def huge_png():
    """A 12,000 × 12,000 (144-megapixel) PNG: one bit a pixel, about 20 KB on disk."""
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(data: bytes, name="huge.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


def _png(width, height, mode="1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_144_megapixel_png_is_small_on_disk(huge_png):
    assert len(huge_png) < 100_000


def test_the_144_megapixel_check_reads_only_the_header(huge_png):
    started = time.monotonic()
    with pytest.raises(ValidationError, match="megapixels"):
        validate_image(_upload(huge_png))
    assert time.monotonic() - started < 0.5  # decoding it would take seconds and 144 MB


@pytest.mark.django_db
def test_admin_refuses_a_144_megapixel_hero_image_on_the_field(staff_client, huge_png):
    data = story_form(make_category(), hero_image=_upload(huge_png), hero_image_alt="A bomb")
    response = staff_client.post(reverse("admin:stories_story_add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "megapixels" in errors["hero_image"][0]
    assert not Story.objects.exists()


@pytest.mark.django_db
def test_api_refuses_a_144_megapixel_photo_with_a_400_naming_the_field(staff_user, huge_png):
    api = APIClient()
    api.force_authenticate(staff_user)
    started = time.monotonic()
    response = api.post(
        f"{API}/people/",
        {"name": "Ada Example", "slug": "ada-example", "photo": _upload(huge_png)},
        format="multipart",
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 400, response.content
    assert "megapixels" in response.json()["errors"]["photo"][0]
    assert elapsed < 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_png(9000, 5000), "45 megapixels"),  # over the limit, under Pillow's bomb guard
        (_png(12001, 100), "12,000 pixels a side"),
        (_png(4000, 100), "too narrow"),
        (b"GIF89a not really", "not one, or it is damaged"),
    ],
)
def test_image_rule_names_what_is_wrong(data, message):
    with pytest.raises(ValidationError) as refused:
        validate_image(_upload(data))
    assert message in refused.value.messages[0]


def test_image_rule_decides_the_type_from_the_content_and_caps_bytes(settings):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    with pytest.raises(ValidationError, match="BMP image"):
        validate_image(_upload(buffer.getvalue(), "looks.png"))
    settings.IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="at most 0 MB|at most"):
        validate_image(_upload(_png(400, 400, "RGB")))
    settings.IMAGE_MAX_BYTES = 10 * 1024 * 1024
    validate_image(_upload(_png(1200, 630, "RGB")))  # an ordinary picture passes


@pytest.mark.django_db
def test_a_50_mb_json_body_answers_413_problem_json_naming_the_limit(staff_user):
    api = APIClient()
    api.force_authenticate(staff_user)
    body = b'{"headline": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    response = api.generic("POST", f"{API}/stories/", body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "request_too_large"
    assert "the limit is 2.5 MB (2621440 bytes)" in problem["detail"]


@pytest.mark.django_db
def test_an_oversized_form_post_answers_the_413_page(client):
    body = "username=" + "x" * (3 * 1024 * 1024)
    response = client.generic(
        "POST", reverse("readers:login"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "too much to send" in response.content.decode()


def _wsgi_call(path, body: bytes, content_type="application/json"):
    """Call the app as gunicorn does with a chunked body: no CONTENT_LENGTH at all."""
    environ = RequestFactory().generic("POST", path, b"", content_type=content_type).environ
    environ = {
        **environ,
        "CONTENT_TYPE": content_type,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
    }
    environ.pop("CONTENT_LENGTH", None)
    status = []
    chunks = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    return int(status[0].split()[0]), b"".join(chunks)


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_over_the_limit_answers_413_and_one_under_it_is_read():
    status, body = _wsgi_call(f"{API}/auth/token/", b"{" + b" " * (3 * 1024 * 1024) + b"}")
    assert status == 413
    assert json.loads(body)["code"] == "request_too_large"

    # Under the limit the body reaches the view (Django alone would read it as empty).
    status, body = _wsgi_call(f"{API}/auth/token/", b'{"username": "nobody", "password": "x"}')
    assert status == 401, body


# Content-Security-Policy and Permissions-Policy -------------------------------------------------

READER_PAGES = [
    "/",
    "/stories/us-russia-restore-military-communication-channel/",
    "/people/alexus-g-grynkewich/",
    "/organizations/russian-general-staff/",
    "/categories/rule-changes/",
    "/search/?q=russia",
    "/accounts/signup/",
    "/accounts/login/",
    "/no-such-page/",
]
STAFF_PAGES = [
    "/following/",
    "/accounts/",
    "/admin/",
    "/admin/stories/story/",
    "/api/v1/",
    "/api/v1/stories/?format=api",
    "/api/v1/stories/",
    "/api/docs/",
    "/api/docs/?script",
    "/api/redoc/",
    "/api/schema/",
]


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def _assert_policies(response, path):
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"], path
    assert directives["object-src"] == ["'none'"], path
    assert directives["frame-ancestors"] == ["'none'"], path
    assert directives["base-uri"] == ["'self'"], path
    assert directives["form-action"] == ["'self'"], path
    assert not any("unsafe" in value for values in directives.values() for value in values), path
    features = dict(part.strip().split("=") for part in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()", path


@pytest.mark.django_db
def test_every_reader_page_has_both_policies_and_no_nonce(client, demo_story):
    for path in READER_PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        _assert_policies(response, path)
        # Reader pages are cached whole: a nonce stored with one would be replayed to everyone.
        assert "nonce" not in response["Content-Security-Policy"], path
        assert b"nonce=" not in response.content, path


@pytest.mark.django_db
def test_every_staff_page_admin_api_and_docs_has_both_policies(staff_client, demo_story):
    pages = [*STAFF_PAGES, f"/admin/stories/story/{demo_story.pk}/change/"]
    for path in pages:
        response = staff_client.get(path, HTTP_ACCEPT="text/html,*/*;q=0.8")
        assert response.status_code == 200, path
        _assert_policies(response, path)
    api_error = staff_client.post(f"{API}/stories/", "{", content_type="application/json")
    _assert_policies(api_error, "an API error")


# Secrets and configuration ----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# The key .env.example shipped, and docker-compose.yml used, until it was replaced.
OLD_EXAMPLE_KEY = "change-me-to-a-long-random-string"


def _start(secret_key: str, debug: str = "0"):
    """Start Django (settings and apps) in a fresh process with this key."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(DEBUG=debug, SECRET_KEY=secret_key, DJANGO_SETTINGS_MODULE="newsroom.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _example_key() -> str:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return next(line.split("=", 1)[1] for line in lines if line.startswith("SECRET_KEY="))


@pytest.mark.parametrize(
    ("key", "why"),
    [
        (OLD_EXAMPLE_KEY, "published in this repository"),
        ("", "must be set"),
        ("insecure-test-only-key", "published in this repository"),
        ("x" * 60, "too weak"),
        ("short-Key-9", "too weak"),
        ("django-insecure-" + "a1b2c3d4e5" * 5, "placeholder"),
        ("please-CHANGE-ME-" + "q8w7e6r5t4" * 5, "placeholder"),
        ("dev-only-" + "q8w7e6r5t4" * 5, "placeholder"),
    ],
)
def test_production_refuses_to_start_with_a_known_placeholder_or_weak_key(key, why):
    result = _start(key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert why in result.stderr
    assert "deploy/make-env" in result.stderr  # and says how to get a good one


def test_the_example_env_holds_no_usable_key():
    assert _example_key() == "" or secret_key_problem(_example_key())
    assert _start(_example_key()).returncode != 0


def test_a_random_key_starts_and_development_may_use_anything():
    assert _start(new_secret_key()).returncode == 0
    assert secret_key_problem(new_secret_key()) is None
    assert _start("dev", debug="1").returncode == 0


@pytest.mark.django_db
def test_a_preview_forged_with_the_example_key_is_refused(client, make_story, settings):
    from django.core import signing

    draft = make_story(status="draft")
    # What an attacker holding the public key would send.
    with override_settings(SECRET_KEY=OLD_EXAMPLE_KEY):
        forged = signing.TimestampSigner(salt="stories.preview").sign_object({"story": draft.pk})
        assert client.get(reverse("story-preview", kwargs={"token": forged})).status_code == 200
    # The app cannot run with that key (above), and with its own it refuses the forgery.
    assert settings.SECRET_KEY != OLD_EXAMPLE_KEY
    assert client.get(reverse("story-preview", kwargs={"token": forged})).status_code == 404
    genuine = reverse("story-preview", kwargs={"token": preview_token(draft)})
    assert client.get(genuine).status_code == 200


def test_make_env_writes_a_key_once_and_keeps_it(tmp_path):
    env_file = tmp_path / ".env"
    shutil.copy(ROOT / ".env.example", env_file)
    run = [sys.executable, str(ROOT / "deploy" / "make-env"), str(env_file)]

    assert subprocess.run(run, capture_output=True, timeout=30).returncode == 0
    first = env_file.read_text()
    keys = [line for line in first.splitlines() if line.startswith("SECRET_KEY=")]
    assert len(keys) == 1 and secret_key_problem(keys[0].split("=", 1)[1]) is None
    assert "DEBUG=0" in first  # the rest of the example is kept
    assert subprocess.run(run, capture_output=True, timeout=30).returncode == 0
    assert env_file.read_text() == first
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"

    env_file.write_text(f"SECRET_KEY={OLD_EXAMPLE_KEY}\n")
    refused = subprocess.run(run, capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1 and "published" in refused.stderr


def test_compose_reads_the_operators_env_and_nothing_builds_with_a_known_key():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name in ("migrate", "web"):
        assert compose["services"][name]["env_file"] == ".env", name
    assert compose["services"]["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert ".env" in (ROOT / ".dockerignore").read_text().split()
    for path in ("Dockerfile", "Makefile", "docker-compose.yml", "README.md"):
        text = (ROOT / path).read_text()
        assert "SECRET_KEY=dev " not in text and "insecure-test-only-key" not in text, path
        assert "build-only" not in text and OLD_EXAMPLE_KEY not in text, path


# The same on the production server (gunicorn, DEBUG off) ---------------------------------------


@pytest.mark.fault
def test_gunicorn_refuses_the_example_key_and_with_its_own_refuses_forgeries_and_spoofing(
    tmp_path,
):
    from django.core import signing

    from tests.faults import servers

    env = servers.app_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY=new_secret_key(),
        API_ANON_THROTTLE_RATE="5/minute",
    )
    servers.manage("migrate", "--noinput", "--verbosity", "0", env=env)
    make_draft = (
        "from stories.models import Story; from stories.preview import preview_token;"
        "s = Story.objects.get(); s.status = 'draft'; s.save(); print(s.pk, preview_token(s))"
    )
    servers.manage("load_demo", env=env)
    draft_id, genuine = servers.manage("shell", "-c", make_draft, env=env).stdout.split()[-2:]
    with override_settings(SECRET_KEY=OLD_EXAMPLE_KEY):
        forged = signing.TimestampSigner(salt="stories.preview").sign_object(
            {"story": int(draft_id)}
        )

    with pytest.raises(RuntimeError, match="SECRET_KEY is a key published"):
        servers.Gunicorn({**env, "SECRET_KEY": OLD_EXAMPLE_KEY}, workers=1).start()

    app = servers.Gunicorn(env, workers=1).start()
    try:
        assert servers.get(f"{app.base}/preview/{forged}/")[0] == 404
        assert servers.get(f"{app.base}/preview/{genuine}/")[0] == 200
        answers = [
            servers.get(
                f"{app.base}/api/v1/categories/", headers={"X-Forwarded-For": f"203.0.113.{n}"}
            )[0]
            for n in range(7)
        ]
        assert answers == [200] * 5 + [429] * 2
    finally:
        app.stop()
