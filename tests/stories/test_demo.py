import datetime as dt

import pytest
from django.core.management import call_command

from people.models import Organization, Person
from stories.models import Source, Story, StorySource
from stories.selectors import story_detail
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db

SLUG = "us-russia-restore-military-communication-channel"


def snapshot():
    """Every row of every model the demo touches, as plain values."""
    from django.apps import apps

    rows = {}
    for label in ("stories", "people", "timelines"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = sorted(map(repr, model.objects.values()))
    return rows


def test_load_demo_builds_every_section(demo_story):
    story = story_detail(slug=SLUG)
    assert story.headline == "U.S. and Russia Restore Military Communication Channel"
    assert story.category.name == "Rule Changes"
    assert story.is_public
    assert story.indicators.count() == 4
    assert [i.value for i in story.indicators.all()] == ["4+", "1,550", "314", "300+"]
    assert [p.person.name for p in story.story_people.all()] == [
        "Alexus G. Grynkewich",
        "Valery Gerasimov",
        "Steve Witkoff",
    ]
    assert [o.organization.name for o in story.story_organizations.all()] == [
        "United States European Command",
        "Russian General Staff",
    ]
    assert story.scenarios.count() == 4
    assert story.historical_contexts.count() == 3
    voices = list(story.voices.all())
    assert [v.figure for v in voices] == ["John F. Kennedy", "Nikita Khrushchev"]
    assert all(v.label == "Fictional content for perspective — not real quotes." for v in voices)
    events = list(story.events.all())
    assert len(events) == 13
    assert [e.date for e in events] == [
        dt.date(2026, 2, 5),
        dt.date(2026, 2, 5),
        dt.date(2026, 2, 4),
        dt.date(2026, 1, 23),
        dt.date(2026, 1, 22),
        dt.date(2025, 9, 19),
        dt.date(2023, 3, 14),
        dt.date(2023, 2, 21),
        dt.date(2022, 2, 24),
        dt.date(2021, 10, 1),
        dt.date(2021, 2, 3),
        dt.date(2010, 4, 8),
        dt.date(1963, 6, 20),
    ]
    autumn = events[9]
    assert (autumn.precision, autumn.date_display) == ("month", "Autumn 2021")
    assert story.latest_update.title == "Military Communication Restored; New START Expires"
    assert [c.period_display for c in story.historical_contexts.all()] == [
        "October 1962 – June 1963",
        "October 2015 – 2019",
        "November 1969 – February 2023",
    ]
    reuters = Source.objects.get(publisher="Reuters")
    assert reuters.authors == "Phil Stewart, Idrees Ali"
    assert reuters.published_on == dt.date(2022, 11, 28)
    assert StorySource.objects.filter(story=story, source=reuters).exists()
    # Every cited source is numbered in the story's list.
    assert all(number >= 1 for e in story.sections.events for number, _ in e.citations)
    assert any(e.citations for e in story.sections.events)


def test_load_demo_twice_changes_nothing(demo_story):
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before
    assert Story.objects.count() == 1
    assert TimelineEvent.objects.count() == 13
    assert Person.objects.count() == 3 and Organization.objects.count() == 2


def test_load_demo_repairs_an_edited_row_and_says_so(demo_story, capsys):
    TimelineEvent.objects.filter(title="Russia Invades Ukraine").update(kind="other")
    call_command("load_demo")
    assert "1 events" in capsys.readouterr().out
    assert TimelineEvent.objects.get(title="Russia Invades Ukraine").kind == "military"


def test_load_demo_dry_run_writes_nothing(capsys):
    call_command("load_demo", "--dry-run")
    assert "Would change" in capsys.readouterr().out
    assert not Story.objects.exists()


def test_demo_text_is_not_pasted_from_the_seed():
    """Longer demo texts restate the seed's facts in our own words: no long run is copied."""
    from pathlib import Path

    from stories import demo_content

    seed = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_cf60338050f80f57.txt"
    if not seed.exists():
        pytest.skip(f"seed page not found at {seed}")
    seed_words = seed.read_text().split()
    seed_runs = {" ".join(seed_words[i : i + 9]) for i in range(len(seed_words) - 8)}
    texts = [
        demo_content.STORY["overview"],
        demo_content.STORY["why_it_matters"],
        demo_content.STORY["dek"],
    ]
    for group in (
        demo_content.EVENTS,
        demo_content.SCENARIOS,
        demo_content.CONTEXTS,
        demo_content.INDICATORS,
        demo_content.PEOPLE,
        demo_content.ORGANIZATIONS,
    ):
        for item in group:
            # Titles and names are facts the demo keeps; prose must be our own.
            texts += [
                v for k, v in item.items() if k != "title" and isinstance(v, str) and len(v) > 60
            ]
    for text in texts:
        words = text.replace("**", "").split()
        for i in range(len(words) - 8):
            assert " ".join(words[i : i + 9]) not in seed_runs, text


def test_demo_staff_login_is_for_development_only(settings, capsys, tmp_path, monkeypatch):
    from django.contrib.auth import authenticate
    from django.core.management.base import CommandError

    from editorial.management.commands import create_demo_staff

    monkeypatch.setattr(create_demo_staff, "PASSWORD_FILE", tmp_path / ".demo-staff-password")
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_staff")
    settings.DEBUG = True
    call_command("create_demo_staff", "--admin-url", "http://127.0.0.1:8123/admin/")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/admin/" in out
    password = out.split("editor / ")[1].split()[0]
    user = authenticate(username="editor", password=password)
    assert user is not None and user.is_staff


def test_demo_staff_login_stays_the_same_across_runs(
    settings, capsys, tmp_path, monkeypatch, client
):
    """Each `make run` rotated the password and signed the editor out."""
    from editorial.management.commands import create_demo_staff

    monkeypatch.setattr(create_demo_staff, "PASSWORD_FILE", tmp_path / ".demo-staff-password")
    settings.DEBUG = True
    call_command("create_demo_staff")
    first = capsys.readouterr().out.split("editor / ")[1].split()[0]
    assert client.login(username="editor", password=first)
    assert client.get("/admin/").status_code == 200

    call_command("create_demo_staff")
    again = capsys.readouterr().out.split("editor / ")[1].split()[0]
    assert again == first
    assert client.get("/admin/").status_code == 200  # still signed in

    call_command("create_demo_staff", "--reset")
    reset = capsys.readouterr().out.split("editor / ")[1].split()[0]
    assert reset != first
    assert client.get("/admin/").status_code == 302  # a new password ends the old session


def test_the_demo_storys_history_starts_with_its_load(demo_story, staff_client):
    from django.urls import reverse
    from reversion.models import Version

    versions = Version.objects.get_for_object(demo_story)
    assert [v.revision.comment for v in versions] == [
        "Loaded the demo content (manage.py load_demo)."
    ]
    call_command("load_demo")  # nothing to change: nothing to remember
    assert Version.objects.get_for_object(demo_story).count() == 1
    history = staff_client.get(reverse("admin:stories_story_history", args=[demo_story.pk]))
    assert "Loaded the demo content" in history.content.decode()
