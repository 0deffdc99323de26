"""Data survives the apps' move (issue 12): a PostgreSQL database built by the main before it
migrates forward with every row intact, and the current code reads what the old code wrote.

The old tree (BASE, exported with `git archive`) migrates a throwaway database on the shared
server, loads the demo and generated stories, and writes what an installation holds: staff in
the editorial groups, a group given a permission, a reader with follows and an API token,
revisions of a story (an edit, an unpublish and a publish) and audit entries (those two, a
trash and a restore). A fingerprint of the database is taken; the current tree then migrates
the same database, takes the fingerprint again, reads the old revisions (and reverts one, rolled
back) and renders the admin history, the audit log, the story page and the reader's Following
page. Both trees run with this venv's Python in subprocesses.

Needs git, the BASE commit and PostgreSQL on 127.0.0.1:5432 (user postgres, trust); skips
without them. Run it alone with `pytest tests/test_migrate_forward.py` (it is in `-m fault`).
"""

import difflib
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.fault

ROOT = Path(__file__).resolve().parents[1]
BASE = "bc8dc27"  # main before the apps' move
SERVER = "postgres://postgres@127.0.0.1:5432"
DEMO = "us-russia-restore-military-communication-channel"
EDIT_COMMENT = "Edited before the move"
# Models that changed app in the move, ("old_app", "model") -> ("new_app", "model"): their
# content types (and so their permissions and revisions) must be renamed, ids kept. None so far.
MOVED: dict[tuple[str, str], tuple[str, str]] = {}

# Runs in either tree (python -c, so the tree is first on sys.path). A JSON fingerprint of the
# database: every table's row count and a digest of its rows, and in words what the move must
# keep: content types, permissions per group and user, revisions, follows, audit entries.
FINGERPRINT = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from reversion.models import Revision, Version

from readers.models import Follow
from stories.models import AuditEntry, Story

def perm(p):
    return f"{p.content_type.app_label}.{p.codename}"

# With a second argument (the old fingerprint), each table's rows are digested over the old
# tree's columns only: a column the current tree adds is reported, not a change of old data.
earlier = json.load(open(sys.argv[2]))["tables"] if len(sys.argv) > 2 else {}
tables = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names(cursor)):
        name = connection.ops.quote_name(table)
        columns = sorted(
            c.name for c in connection.introspection.get_table_description(cursor, table)
        )
        kept = [c for c in earlier.get(table, {}).get("columns", columns) if c in columns]
        row = "ROW(" + ", ".join(connection.ops.quote_name(c) for c in kept) + ")::text"
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(r, '|' ORDER BY r), ''))"
            f" FROM (SELECT {row} AS r FROM {name}) t"
        )
        count, digest = cursor.fetchone()
        tables[table] = {"rows": count, "md5": digest, "columns": kept}
        if set(columns) - set(kept):
            tables[table]["added_columns"] = sorted(set(columns) - set(kept))
content_types = {
    str(ct.pk): [ct.app_label, ct.model, ct.model_class() is not None]
    for ct in ContentType.objects.order_by("pk")
}
users = {
    u.username: {
        "staff": u.is_staff,
        "superuser": u.is_superuser,
        "groups": sorted(g.name for g in u.groups.all()),
        "permissions": sorted(perm(p) for p in u.user_permissions.select_related("content_type")),
    }
    for u in get_user_model().objects.order_by("pk")
}
json.dump(
    {
        "tables": tables,
        "content_types": content_types,
        "permissions": sorted(
            [p.pk, perm(p)] for p in Permission.objects.select_related("content_type")
        ),
        "groups": {
            g.name: sorted(perm(p) for p in g.permissions.select_related("content_type"))
            for g in Group.objects.order_by("name")
        },
        "users": users,
        "revisions": Revision.objects.count(),
        "versions": sorted(
            [v.pk, v.revision_id, v.content_type.app_label, v.content_type.model, v.object_id]
            for v in Version.objects.select_related("content_type")
        ),
        "follows": sorted([f.reader.username, f.story.slug] for f in Follow.objects.all()),
        "audit": [
            [a.actor_name, a.action, a.story.slug if a.story else None, a.story_headline]
            for a in AuditEntry.objects.select_related("story").order_by("pk")
        ],
        "stories": sorted(
            [s.slug, s.headline, s.status, s.version, s.deleted_at is not None]
            for s in Story.all_objects.all()
        ),
    },
    open(sys.argv[1], "w"),
    indent=1,
    sort_keys=True,
)
"""

# Runs in the old tree, after migrate, load_demo, generate_content and create_demo_staff.
SEED = f"""
import django
django.setup()
import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from rest_framework.authtoken.models import Token

from readers.services import follow_story
from stories import services
from stories.models import Story

User = get_user_model()
editor = User.objects.get(username="editor")
writer = User.objects.create_user("writer", "writer@example.com", "pw-writer-123", is_staff=True)
writer.groups.add(Group.objects.get(name="Writer"))
writer.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
checkers = Group.objects.create(name="Fact checkers")
checkers.permissions.add(
    Permission.objects.get(content_type__app_label="people", codename="change_person"),
    Permission.objects.get(content_type__app_label="stories", codename="view_story"),
)
Group.objects.get(name="Editor").permissions.add(
    Permission.objects.get(content_type__app_label="readers", codename="view_follow")
)
reader = User.objects.create_user("reader", "reader@example.com", "pw-reader-123")
Token.objects.create(user=reader)

story = Story.objects.get(slug="{DEMO}")
generated = list(Story.objects.exclude(pk=story.pk).order_by("pk"))
follow_story(reader=reader, story=story)
follow_story(reader=reader, story=generated[0])
with reversion.create_revision():
    story.headline = story.headline + " (edited)"
    story.save()
    reversion.set_user(editor)
    reversion.set_comment("{EDIT_COMMENT}")
story = services.story_set_status(story=story, user=editor, status=Story.Status.UNPUBLISHED)
story = services.story_set_status(story=story, user=editor, status=Story.Status.PUBLISHED)
services.story_trash(story=generated[1], user=editor)
services.story_restore(story=generated[1], user=editor)
services.story_trash(story=generated[2], user=writer)
"""

# Runs in the current tree after its migrate: the old revisions and follows through today's code.
READ = f"""
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()  # the test client's host
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from stories.models import Story

story = Story.objects.get(slug="{DEMO}")
versions = Version.objects.get_for_object(story).select_related("revision")
assert versions.count() >= 3, versions.count()
for version in versions:
    version.field_dict  # every old version deserializes with today's models
edit = versions.get(revision__comment="{EDIT_COMMENT}")
before = story.headline
with transaction.atomic():
    edit.revision.revert(delete=True)
    story.refresh_from_db()
    assert story.headline == edit.field_dict["headline"], story.headline
    transaction.set_rollback(True)
story.refresh_from_db()
assert story.headline == before

User = get_user_model()
staff, reader = Client(), Client()
staff.force_login(User.objects.get(username="editor"))
reader.force_login(User.objects.get(username="reader"))
pages = [
    (staff, reverse("admin:stories_story_history", args=[story.pk]), "{EDIT_COMMENT}"),
    (staff, reverse("admin:stories_story_revision", args=[story.pk, edit.pk]), "(edited)"),
    (staff, reverse("admin:stories_auditentry_changelist"), "Unpublished"),
    (staff, reverse("admin:stories_story_change", args=[story.pk]), "(edited)"),
    (reader, story.get_absolute_url(), story.headline),
    (reader, reverse("stories:following"), story.headline),
]
for client, url, expected in pages:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert expected in response.content.decode(), (url, expected)
print("read", versions.count(), "versions of the demo story and", len(pages), "pages")
"""


def _have_postgres() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{SERVER}/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def old_tree(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    found = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{BASE}^{{commit}}"], capture_output=True
    )
    if found.returncode != 0:
        pytest.skip(f"commit {BASE} is not in this checkout")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", BASE],
        check=True,
        capture_output=True,
    ).stdout
    tree = tmp_path / "old"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    return tree


@pytest.fixture
def database_url():
    if not _have_postgres():
        pytest.skip(f"no PostgreSQL answers at {SERVER}")
    name = f"newsroom_migrate_forward_{secrets.token_hex(4)}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "REDIS_URL", "PYTHONPATH", "DATABASE_URL"}
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="1",
        PAGE_CACHE="0",
        LOG_LEVEL="WARNING",
    )
    return env


def _run(tree: Path, env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, (
        f"{tree.name}: {' '.join(args)[:80]} exited {done.returncode}\n"
        f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    )
    return done.stdout


def _fingerprint(tree: Path, env: dict, out: Path, earlier: Path | None = None) -> dict:
    _run(tree, env, "-c", FINGERPRINT, str(out), *([str(earlier)] if earlier else []))
    return json.loads(out.read_text())


def _renamed(app_model: list | tuple) -> tuple[str, str]:
    return MOVED.get(tuple(app_model), tuple(app_model))


def _renamed_perm(label: str) -> str:
    """`app.codename` with the app a moved model has now (codenames end in the model's name)."""
    app, codename = label.split(".", 1)
    for (old_app, model), (new_app, _) in MOVED.items():
        if app == old_app and codename.endswith(f"_{model}"):
            return f"{new_app}.{codename}"
    return label


def _migrated_names(plan: str) -> list[str]:
    return [line[4:].strip() for line in plan.splitlines() if line.startswith("[X]")]


def test_database_of_the_old_main_migrates_forward_intact(old_tree, database_url, tmp_path):
    started = time.monotonic()
    env = _env(database_url)
    manage = "manage.py"

    # The old main builds and fills the database.
    _run(old_tree, env, manage, "migrate", "--noinput")
    _run(old_tree, env, manage, "load_demo")
    _run(old_tree, env, manage, "generate_content", "--stories", "3", "--workers", "1")
    _run(old_tree, env, manage, "create_demo_staff")
    _run(old_tree, env, "-c", SEED)
    old_plan = _run(old_tree, env, manage, "showmigrations", "--plan")
    before = _fingerprint(old_tree, env, tmp_path / "before.json")
    seeded = time.monotonic()
    # The seed wrote what it should (else the comparison below proves little).
    assert before["revisions"] >= 3 and len(before["follows"]) == 2
    assert [a[1] for a in before["audit"]] == [
        "unpublished",
        "published",
        "trashed",
        "restored",
        "trashed",
    ]
    assert before["groups"]["Fact checkers"] == ["people.change_person", "stories.view_story"]
    assert "readers.view_follow" in before["groups"]["Editor"]

    # The current tree migrates it: cleanly, with no model left without its migration.
    migrated = _run(ROOT, env, manage, "migrate", "--noinput")
    assert "Your models in app(s)" not in migrated, migrated
    new_plan = _run(ROOT, env, manage, "showmigrations", "--plan")
    print(f"migrate at {BASE} -> HEAD:\n{migrated}")
    print(
        "showmigrations --plan, old -> current:\n"
        + (
            "".join(difflib.unified_diff(old_plan.splitlines(True), new_plan.splitlines(True)))
            or "(no difference)\n"
        )
    )
    assert "[ ]" not in new_plan, new_plan
    assert set(_migrated_names(old_plan)) <= set(_migrated_names(new_plan))
    after = _fingerprint(ROOT, env, tmp_path / "after.json", tmp_path / "before.json")
    added = {t: v["added_columns"] for t, v in after["tables"].items() if "added_columns" in v}
    print(f"columns the current tree adds: {added or 'none'}")

    # Every row the old main wrote is there, unchanged: each table's count and row digest. The
    # migration log may only grow; content types and permissions are compared by name below
    # (a model that changed app renames them, keeping their ids).
    renaming = {"django_migrations", "django_content_type", "auth_permission"}
    for table, old in before["tables"].items():
        if table in renaming:
            continue
        now = {k: v for k, v in after["tables"].get(table, {}).items() if k != "added_columns"}
        assert now == old, f"{table}: {old} -> {now}"
    assert (
        after["tables"]["django_migrations"]["rows"]
        >= before["tables"]["django_migrations"]["rows"]
    )

    # Content types keep their ids (revisions and the admin log point at them by id) under
    # their new names; none is left naming a model the code no longer has.
    for pk, (app, model, _) in before["content_types"].items():
        now = after["content_types"].get(pk, [None, None])[:2]
        assert tuple(now) == _renamed((app, model)), f"content type {pk} {app}.{model}: {now}"
    stale = [ct for ct in after["content_types"].values() if not ct[2]]
    assert not stale, f"content types of no model: {stale}"
    # Each permission keeps its id (groups and users hold it by id) under its new name.
    permissions = dict(after["permissions"])
    for pk, label in before["permissions"]:
        assert permissions.get(pk) == _renamed_perm(label), (pk, label)

    # What each group and user may do, the revisions, follows, audit log and stories.
    assert after["groups"] == {
        g: sorted(map(_renamed_perm, perms)) for g, perms in before["groups"].items()
    }
    for user in before["users"].values():
        user["permissions"] = sorted(map(_renamed_perm, user["permissions"]))
    assert after["users"] == before["users"]
    assert after["revisions"] == before["revisions"]
    assert after["versions"] == [
        [pk, rev, *_renamed((app, model)), obj] for pk, rev, app, model, obj in before["versions"]
    ]
    for key in ("follows", "audit", "stories"):
        assert after[key] == before[key], key

    # Today's code reads the old revisions and follows and renders the pages that show them.
    print(_run(ROOT, env, "-c", READ))
    print(
        f"{len(before['tables'])} tables, {before['revisions']} revisions, "
        f"{len(before['versions'])} versions, {len(before['content_types'])} content types, "
        f"{len(before['permissions'])} permissions; old main {seeded - started:.1f} s, "
        f"whole check {time.monotonic() - started:.1f} s"
    )
