"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Browser tests run last: once Playwright has started, its event loop stays "running" in this
    # thread for the rest of the session, and Django's ORM then needs DJANGO_ALLOW_ASYNC_UNSAFE,
    # which must not leak into earlier tests (the deploy check rightly refuses it).
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"No Chromium at {CHROMIUM}: run `make chromium` as root (Debian) or set "
        "CHROMIUM_PATH. CI installs it, so these tests always run there."
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Let the tests and pytest-django use the ORM while Playwright's sync API runs its event loop
    in this thread. Set here, when the first browser test starts, not at import."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _live_server_settings():
    """Settings the live server must start with: autouse and session-scoped, so this runs before
    pytest-django starts the (session-scoped) server and its middleware reads them once."""
    from django.conf import settings
    from django.test import override_settings

    with override_settings(
        # Plain HTTP to localhost: no redirect to HTTPS, no HSTS.
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost", "127.0.0.1"],
        # The live server's static handler serves source files, not collectstatic's hashed
        # copies, so pages link plain /static/ paths here; hashing is whitenoise's job.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield
