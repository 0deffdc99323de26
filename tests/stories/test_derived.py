"""Story.latest_update_on: the stored day of the latest-update line, and the index it feeds."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.derived import latest_update_refresh
from stories.models import NO_UPDATE_DAY, Story, UpdateNote
from stories.selectors import story_cards
from stories.writes import story_write
from tests.factories import make_category, make_story
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db


def day_of(story) -> dt.date:
    return Story.all_objects.values_list("latest_update_on", flat=True).get(pk=story.pk)


def test_follows_events_and_notes_as_they_are_added_changed_and_deleted():
    story = make_story(events=0)
    assert day_of(story) == NO_UPDATE_DAY

    old = TimelineEvent.objects.create(
        story=story, date="2025-03-01", title="Old", kind="diplomatic"
    )
    assert day_of(story) == dt.date(2025, 3, 1)
    new = TimelineEvent.objects.create(
        story=story, date="2026-02-05", title="New", kind="diplomatic"
    )
    assert day_of(story) == dt.date(2026, 2, 5)

    new.date = dt.date(2026, 2, 7)
    new.save()
    assert day_of(story) == dt.date(2026, 2, 7)

    # 02:30 UTC on 9 Feb is still 8 Feb in New York (DISPLAY_TIME_ZONE): the day readers see.
    note = UpdateNote.objects.create(
        story=story, text="Talks resume", created_at=dt.datetime(2026, 2, 9, 2, 30, tzinfo=dt.UTC)
    )
    assert day_of(story) == dt.date(2026, 2, 8)

    note.delete()
    assert day_of(story) == dt.date(2026, 2, 7)
    new.delete()
    assert day_of(story) == dt.date(2025, 3, 1)
    old.delete()
    assert day_of(story) == NO_UPDATE_DAY


def test_a_derived_update_moves_neither_the_version_nor_updated_at():
    story = make_story(events=0)
    before = Story.objects.values_list("version", "updated_at").get(pk=story.pk)
    TimelineEvent.objects.create(story=story, date="2026-01-01", title="E", kind="diplomatic")
    assert Story.objects.values_list("version", "updated_at").get(pk=story.pk) == before


def test_whole_story_api_write_keeps_it_although_rows_are_bulk_inserted(admin_user):
    story = story_write(
        story=None,
        data={
            "headline": "Bulk written",
            "slug": "bulk-written",
            "dek": "d",
            "overview": "o",
            "category": make_category(),
            "events": [
                {"date": dt.date(2024, 5, 1), "title": "A", "kind": "diplomatic"},
                {"date": dt.date(2024, 6, 2), "title": "B", "kind": "diplomatic"},
            ],
        },
        replace_all_sections=True,
        user=admin_user,
    )
    assert day_of(story) == dt.date(2024, 6, 2)
    story_write(story=story, data={"events": []}, replace_all_sections=False, user=admin_user)
    assert day_of(story) == NO_UPDATE_DAY


def test_refresh_repairs_a_stale_value_and_writes_only_what_moved(django_assert_num_queries):
    story = make_story(events=2)
    Story.objects.filter(pk=story.pk).update(latest_update_on=dt.date(1999, 1, 1))
    latest_update_refresh([story.pk])
    assert day_of(story) == dt.date(2026, 2, 5)
    with django_assert_num_queries(3):  # events, notes, stored values; nothing to write
        latest_update_refresh([story.pk])


def test_the_brief_orders_by_the_stored_day(client):
    older_news = make_story(events=0, headline="Published last, news is older")
    TimelineEvent.objects.create(story=older_news, date="2025-01-01", title="x", kind="diplomatic")
    newer_news = make_story(events=0, headline="Published first, news is newer")
    TimelineEvent.objects.create(story=newer_news, date="2026-01-01", title="x", kind="diplomatic")
    Story.objects.filter(pk=newer_news.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    no_news = make_story(events=0, headline="No event yet")

    headlines = [s.headline for s in story_cards()]
    assert headlines == [newer_news.headline, older_news.headline, no_news.headline]
    page = client.get(reverse("stories:home")).content.decode()
    assert page.index(newer_news.headline) < page.index(older_news.headline)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN format of PostgreSQL")
def test_the_brief_page_is_read_from_the_index_not_sorted():
    for _ in range(3):
        make_story(events=1)
    sql, params = story_cards()[:12].query.sql_with_params()
    with connection.cursor() as cursor:
        # A few rows: make the planner show whether the index can serve the order at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    scan = next(i for i, line in enumerate(plan) if "story_newest_update_idx" in line)
    # Rows come off the index in the page's order: no sort above the scan.
    assert not any("Sort" in line for line in plan[:scan]), "\n".join(plan)


def test_an_event_moved_to_another_story_updates_both():
    source_story = make_story(events=0)
    target_story = make_story(events=0)
    event = TimelineEvent.objects.create(
        story=source_story, date="2026-01-09", title="Moved", kind="diplomatic"
    )
    event.story = target_story
    event.save()
    assert day_of(source_story) == NO_UPDATE_DAY
    assert day_of(target_story) == dt.date(2026, 1, 9)


def _events(n):
    return [
        {"date": dt.date(2025, 1, 1) + dt.timedelta(days=i), "title": f"E{i}", "kind": "diplomatic"}
        for i in range(n)
    ]


@pytest.mark.parametrize("existing", [3, 60])
def test_replacing_a_timeline_refreshes_the_derived_columns_once(admin_user, existing):
    """Deleting N old events notes the story N times, but its derived columns are recomputed
    once, at the end of the write (the rest of the write's queries are reversion's)."""
    story = story_write(
        story=None,
        data={
            "headline": "Replaced",
            "slug": f"replaced-{existing}",
            "dek": "d",
            "overview": "o",
            "category": make_category(),
            "events": _events(existing),
        },
        replace_all_sections=True,
        user=admin_user,
    )
    story.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        story_write(
            story=story, data={"events": _events(2)}, replace_all_sections=False, user=admin_user
        )
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum('MAX("timelines_timelineevent"."date")' in q for q in sql) == 1
    assert sum(q.startswith("UPDATE") and "search_document" in q for q in sql) == (
        1 if connection.vendor == "postgresql" else 0
    )
    assert day_of(story) == dt.date(2025, 1, 2)


def test_saving_a_copy_loaded_before_an_event_keeps_the_newer_day():
    story = make_story(events=0)
    stale_copy = Story.objects.get(pk=story.pk)
    TimelineEvent.objects.create(story=story, date="2026-03-03", title="New", kind="diplomatic")
    stale_copy.dek = "Edited in a form opened before the event"
    stale_copy.save()
    assert day_of(story) == dt.date(2026, 3, 3)
    assert Story.objects.get(pk=story.pk).dek == stale_copy.dek
