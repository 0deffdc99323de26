import pytest
from django.core.management import call_command
from django.db.models import Count

from people.models import StoryOrganization, StoryPerson
from stories import generator
from stories.models import Source, Story, StorySource
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db


def fingerprint():
    stories = Story.objects.filter(slug__startswith="gen-").order_by("slug")
    return [
        (s.slug, s.headline, s.status, s.num_events, s.num_sources)
        for s in stories.annotate(
            num_events=Count("events", distinct=True),
            num_sources=Count("story_sources", distinct=True),
        )
    ]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(generator, "CHUNK", 7)
    monkeypatch.setattr(generator, "PERSON_POOL", 40)
    monkeypatch.setattr(generator, "ORGANIZATION_POOL", 15)


def test_generated_stories_have_realistic_sizes(small_chunks):
    totals = generator.content_generate(stories=20, seed=3)
    assert totals["stories"] == 20
    stories = Story.objects.filter(slug__startswith="gen-").annotate(
        e=Count("events", distinct=True),
        s=Count("story_sources", distinct=True),
        p=Count("story_people", distinct=True),
        o=Count("story_organizations", distinct=True),
    )
    assert stories.count() == 20
    for story in stories:
        assert 5 <= story.e <= 40
        assert 3 <= story.s <= 15
        assert 2 <= story.p + story.o <= 8
        assert story.overview_html.startswith("<p>")
    assert TimelineEvent.objects.count() == totals["events"]
    assert Source.objects.count() == totals["sources"] == StorySource.objects.count()
    # People and organizations come from a shared pool, so some appear in several stories.
    assert StoryPerson.objects.values(
        "person"
    ).distinct().count() < StoryPerson.objects.count() or (
        StoryOrganization.objects.values("organization").distinct().count()
        < StoryOrganization.objects.count()
    )


def test_same_seed_gives_the_same_content_and_reruns_top_up(small_chunks):
    generator.content_generate(stories=10, seed=5)
    generator.content_generate(stories=20, seed=5)
    first = fingerprint()
    assert len(first) == 20
    Story.objects.filter(slug__startswith="gen-").delete()
    generator.content_generate(stories=20, seed=5)
    assert fingerprint() == first
    generator.content_generate(stories=20, seed=5)
    assert len(fingerprint()) == 20


def test_command_reports_and_dry_run_rolls_back(small_chunks, capsys):
    call_command("generate_content", "--stories", "8", "--dry-run")
    assert "Would create 8 stories" in capsys.readouterr().out
    assert not Story.objects.exists()
    call_command("generate_content", "--stories", "8", "--workers", "1")
    assert "Created 8 stories" in capsys.readouterr().out
    assert Story.objects.filter(slug__startswith="gen-").count() == 8
