"""Fixtures for the API tests: clients for each kind of account, and a generous throttle."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

STORY_PART_MODELS = [
    ("stories", "story"),
    ("stories", "keyindicator"),
    ("stories", "scenario"),
    ("stories", "historicalcontext"),
    ("stories", "storysource"),
    ("stories", "source"),
    ("people", "person"),
    ("people", "organization"),
    ("people", "storyperson"),
    ("people", "storyorganization"),
    ("timelines", "timelineevent"),
]


@pytest.fixture(autouse=True)
def _api_settings(settings):
    # Tests make many anonymous requests from one address; the throttle test lowers this.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"},
    }
    cache.clear()
    yield
    cache.clear()


def grant(user, *codenames_by_model):
    """Give `user` the permissions named as "app.codename"."""
    for name in codenames_by_model:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def _user(django_user_model, username, *perms, superuser=False):
    if superuser:
        return django_user_model.objects.create_superuser(username, f"{username}@example.com", "pw")
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw")
    grant(user, *perms)
    return user


def writer_perms():
    """Create and change stories and their parts; neither publish nor delete."""
    return [
        f"{app}.{action}_{model}"
        for app, model in STORY_PART_MODELS
        for action in ("view", "add", "change")
    ]


def editor_perms():
    return [
        *writer_perms(),
        *(f"{app}.delete_{model}" for app, model in STORY_PART_MODELS),
        "stories.publish_story",
    ]


@pytest.fixture
def users(db, django_user_model):
    """One account per role in the permission matrix (the roles' groups come later)."""
    return {
        "reader": _user(django_user_model, "reader"),
        "writer": _user(django_user_model, "writer", *writer_perms()),
        "editor": _user(django_user_model, "editor", *editor_perms()),
        "admin": _user(django_user_model, "admin", superuser=True),
    }


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def admin_api(users):
    return token_client(users["admin"])
