"""Test-only settings tweaks and shared fixtures."""

import pytest
from django.core.cache import cache

from core.caching import hot_copies
from tests import factories


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Tests talk plain HTTP to the test client and the live server.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Whole-response caching has its own tests (tests/test_caching.py); elsewhere every request
    # must reach the view, because on_commit invalidation does not run inside test transactions.
    settings.PAGE_CACHE = False
    # A test's transaction never commits, so no NOTIFY would tell a kept content version that
    # it moved: read it per request (tests/test_content_listen.py turns it on).
    settings.DB_LISTEN = False
    cache.clear()
    hot_copies().clear()  # test databases reuse ids, and so content versions


@pytest.fixture
def demo_story(db):
    """The seed story, loaded as `make run` loads it."""
    from stories.services import demo_load

    demo_load()
    from stories.models import Story

    return Story.objects.get(slug="us-russia-restore-military-communication-channel")


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_superuser("staff", "staff@example.com", "pw-staff-123")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def make_story(db):
    return factories.make_story
