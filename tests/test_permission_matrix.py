"""Who may change what, on every write endpoint of the API and every admin change and delete
page: anonymous, a Writer and an Editor (the editorial groups), each on an object a published
story shows and on one only a draft shows.

The rule under test (stories.permissions): any change that alters what a published or
scheduled story shows needs `stories.publish_story`, through the API and the admin alike.
The rows come from the router (newsroom.api) and the admin site's registry: an endpoint or an
admin page added without a row here fails `test_every_write_endpoint_and_admin_page_has_a_row`.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token, TokenProxy

from newsroom.api import router
from readers.models import Follow
from stories import services
from stories.models import AuditEntry, Story, TrashedStory
from tests.admin_forms import change_form_data, change_url
from tests.api.conftest import token_client
from tests.factories import make_story

ROLES = ("anonymous", "writer", "editor")
TIES = ("published", "draft")
LOGIN = "login"  # the admin sends anonymous visitors to its sign-in page
WRITE_ACTIONS = {"create", "update", "partial_update", "destroy"}


def _row(published, draft):
    """Expected answers per tie, each as (anonymous, writer, editor)."""
    return {"published": published, "draft": draft}


# API: (router prefix, action) -> expected status per tie and role.
API = {
    ("stories", "create"): _row((401, 403, 201), (401, 201, 201)),
    ("stories", "update"): _row((401, 403, 200), (401, 200, 200)),
    ("stories", "partial_update"): _row((401, 403, 200), (401, 200, 200)),
    ("stories", "destroy"): _row((401, 403, 204), (401, 403, 204)),
    ("events", "create"): _row((401, 403, 201), (401, 201, 201)),
    ("events", "update"): _row((401, 403, 200), (401, 200, 200)),
    ("events", "partial_update"): _row((401, 403, 200), (401, 200, 200)),
    ("events", "destroy"): _row((401, 403, 204), (401, 403, 204)),
    # A new record shows nowhere yet; deleting one a story lists is a 409 for whoever may.
    **{
        (prefix, action): row
        for prefix in ("sources", "people", "organizations")
        for action, row in {
            "create": _row((401, 201, 201), (401, 201, 201)),
            "update": _row((401, 403, 200), (401, 200, 200)),
            "partial_update": _row((401, 403, 200), (401, 200, 200)),
            "destroy": _row((401, 403, 409), (401, 403, 409)),
        }.items()
    },
    # A reader's own follows (staff accounts are readers too): published stories only.
    ("me/following", "update"): _row((401, 201, 201), (401, 404, 404)),
    ("me/following", "destroy"): _row((401, 204, 204), (401, 204, 204)),
    ("me/following", "read"): _row((401, 200, 200), (401, 404, 404)),
}

# Admin: (model label, page) -> expected status of the POST per tie and role.
CONTENT_ADMIN = {
    # change page: a Writer may change what only drafts show; delete needs delete rights.
    "stories.story": {"change": ((403, 302), (302, 302)), "delete": ((403, 302), (403, 302))},
    "timelines.timelineevent": {
        "change": ((403, 302), (302, 302)),
        "delete": ((403, 302), (403, 302)),
    },
    # Still used by a story: the delete page names it and deletes nothing (200).
    **{
        label: {"change": ((403, 302), (302, 302)), "delete": ((403, 200), (403, 200))}
        for label in ("stories.category", "stories.source", "people.person", "people.organization")
    },
    # The trash: editors restore (its change page saves nothing); purging is an action.
    "stories.trashedstory": {"change": ((403, 302), (403, 302)), "delete": ((403, 403),) * 2},
}
# The picture library is not yet granted to the editorial groups (issue 14 wires it to
# stories, people and organizations and grants it with them): superusers only until then.
NO_CHANGE_FOR_STAFF = (
    "stories.auditentry",
    "readers.follow",
    "auth.user",
    "auth.group",
    "images.image",
)
SIGN_IN_RECORDS = ("axes.accessattempt", "axes.accesslog", "axes.accessfailurelog")
ADMIN = {
    **{
        (label, page): _row((LOGIN, *published), (LOGIN, *draft))
        for label, pages in CONTENT_ADMIN.items()
        for page, (published, draft) in pages.items()
    },
    **{
        (label, page): _row((LOGIN, 403, 403), (LOGIN, 403, 403))
        for label in (*NO_CHANGE_FOR_STAFF, *SIGN_IN_RECORDS, "authtoken.tokenproxy")
        for page in ("change", "delete")
    },
}


def api_write_endpoints() -> set:
    found = set()
    for prefix, viewset, _ in router.registry:
        found |= {(prefix, name) for name in WRITE_ACTIONS if hasattr(viewset, name)}
        found |= {
            (prefix, extra.__name__)
            for extra in viewset.get_extra_actions()
            if set(extra.mapping) - {"get", "head", "options"}
        }
    return found


def admin_pages() -> set:
    return {
        (model._meta.label_lower, page)
        for model in admin.site._registry
        for page in ("change", "delete")
    }


def test_every_write_endpoint_and_admin_page_has_a_row():
    assert api_write_endpoints() == set(API)
    assert admin_pages() == set(ADMIN)


def cells(table):
    return [
        pytest.param(
            key, tie, role, expected[ROLES.index(role)], id=f"{'-'.join(key)}-{tie}-{role}"
        )
        for key, by_tie in table.items()
        for tie, expected in by_tie.items()
        for role in ROLES
    ]


@pytest.fixture
def people(db):
    def member(name, group):
        user = User.objects.create_user(name, password="pw-12345-long", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "anonymous": None,
        "writer": member("wendy", "Writer"),
        "editor": member("eddie", "Editor"),
        "admin": User.objects.create_superuser("root", password="pw-12345-long"),
    }


def status_of(tie) -> str:
    return Story.Status.PUBLISHED if tie == "published" else Story.Status.DRAFT


# API -------------------------------------------------------------------------------------


def api_request(prefix, action, tie, user):
    """(method, path, body) of the write, on fresh objects tied to a `tie` story."""
    story = make_story(status=status_of(tie), events=1, sources=1, people=1, organizations=1)
    record = {
        "stories": story,
        "events": story.events.first(),
        "sources": story.story_sources.get().source,
        "people": story.story_people.get().person,
        "organizations": story.story_organizations.get().organization,
    }.get(prefix)
    new = {
        "stories": {
            "headline": "New",
            "slug": "new-one",
            "category": story.category.slug,
            "dek": "What it is about",
            "overview": "The story.",
            "status": status_of(tie),
        },
        "events": {"story": story.pk, "date": "2026-01-01", "title": "New", "description": "."},
        "sources": {"title": "A report", "publisher": "Wire", "url": "https://example.com/r"},
        "people": {"name": "Ada Example", "slug": "ada-example"},
        "organizations": {"name": "Example Agency", "slug": "example-agency"},
    }
    if prefix == "me/following":
        if user is not None and action != "update":
            Follow.objects.create(reader=user, story=story)
        suffix = "read/" if action == "read" else ""
        method = {"update": "put", "destroy": "delete", "read": "post"}[action]
        return method, f"/api/v1/me/following/{story.pk}/{suffix}", None
    if action == "create":
        return "post", f"/api/v1/{prefix}/", new[prefix]
    path = f"/api/v1/{prefix}/{record.pk}/"
    if action == "destroy":
        return "delete", path, None
    body = dict(new[prefix])
    if prefix == "stories":
        body.update(slug=story.slug, status=story.status)
    if action == "partial_update":
        body = {"title": "Changed"} if prefix in ("events", "sources") else {"name": "Changed"}
        if prefix == "stories":
            body = {"dek": "Changed"}
    return ("put" if action == "update" else "patch"), path, body


@pytest.mark.parametrize(("key", "tie", "role", "expected"), cells(API))
def test_api_write(people, key, tie, role, expected):
    prefix, action = key
    user = people[role]
    method, path, body = api_request(prefix, action, tie, user)
    client = token_client(user)
    headers = {}
    if method in ("put", "patch", "delete") and prefix != "me/following":
        # The ETag the client read (an admin's when it may not read it): If-Match is required,
        # and only the permission may decide the answer here.
        seen = client.get(path)
        if seen.status_code != 200:
            seen = token_client(people["admin"]).get(path)
        headers["HTTP_IF_MATCH"] = seen["ETag"]

    response = getattr(client, method)(path, body, format="json", **headers)

    assert response.status_code == expected, (key, tie, role, response.content[:300])
    if expected == 403:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "permission_denied"


# Admin -----------------------------------------------------------------------------------


def admin_object(label, tie):
    """An object of `label` that a `tie` story shows (or the account kind, for auth rows)."""
    status = status_of(tie)
    if label == "stories.story":
        return make_story(status=status)
    if label in ("stories.trashedstory", "stories.auditentry"):
        story = make_story(status=status)
        editor = User.objects.get(username="eddie")
        if label == "stories.auditentry":
            return services.audit_record(actor=editor, action="published", story=story)
        services.story_trash(story=story, user=editor)
        return TrashedStory.all_objects.get(pk=story.pk)
    if label == "stories.category":
        return make_story(status=status).category
    if label == "stories.source":
        return make_story(status=status, sources=1).story_sources.get().source
    if label == "people.person":
        return make_story(status=status, people=1).story_people.get().person
    if label == "people.organization":
        return make_story(status=status, organizations=1).story_organizations.get().organization
    if label == "timelines.timelineevent":
        return make_story(status=status, events=1).events.get()
    if label == "readers.follow":
        reader = User.objects.create_user(f"reader-{tie}", password="pw-12345-long")
        return Follow.objects.create(reader=reader, story=make_story(status=status))
    if label == "auth.user":
        return User.objects.create_user(f"someone-{tie}", password="pw-12345-long")
    if label == "auth.group":
        return Group.objects.create(name=f"Group {tie}")
    if label == "images.image":
        from images.models import Image
        from tests.images.pictures import picture

        return Image.objects.create(file=picture(), alt=f"A map {tie}", credit="Newsroom")
    if label == "authtoken.tokenproxy":
        token = Token.objects.create(user=User.objects.create_user(f"app-{tie}"))
        return TokenProxy.objects.get(pk=token.pk)
    if label in SIGN_IN_RECORDS:
        model = apps.get_model(label)
        extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
        fields = {f.name for f in model._meta.fields}
        return model.objects.create(
            username=f"someone-{tie}",
            ip_address="192.0.2.1",
            user_agent="test",
            http_accept="*/*",
            path_info="/admin/login/",
            **{name: value for name, value in extra.items() if name in fields},
        )
    raise AssertionError(f"no object for {label}")


def delete_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])


@pytest.mark.parametrize(("key", "tie", "role", "expected"), cells(ADMIN))
def test_admin_page(people, key, tie, role, expected):
    label, page = key
    obj = admin_object(label, tie)
    superuser = Client()
    superuser.force_login(people["admin"])
    if page == "change":
        url = change_url(obj)
        data = change_form_data(superuser, obj)  # the page as it was loaded, posted back
    else:
        url, data = delete_url(obj), {"post": "yes"}
    client = Client()
    if people[role] is not None:
        client.force_login(people[role])
    before = AuditEntry.objects.count(), Story.all_objects.count()

    response = client.post(url, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        return
    errors = response.context and response.context.get("errors")
    assert response.status_code == expected, (key, tie, role, errors)
    if expected == 403:
        assert (AuditEntry.objects.count(), Story.all_objects.count()) == before
