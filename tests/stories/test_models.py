import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.dates import format_partial_date
from people.models import StoryPerson
from stories.models import HistoricalContext, Story
from stories.selectors import story_list
from tests.factories import make_category, make_person, make_source, make_story
from timelines.models import TimelineEvent

pytestmark = pytest.mark.django_db


def test_latest_update_comes_from_newest_event_with_same_day_order():
    story = make_story(events=0)
    TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 2, 5), title="Prisoners", description="x"
    )
    TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 2, 5), sequence=1, title="Channel restored", description="x"
    )
    TimelineEvent.objects.create(
        story=story, date=dt.date(2026, 2, 4), title="Talks", description="x"
    )
    assert story.latest_update.title == "Channel restored"
    annotated = story_list().get(pk=story.pk)
    assert annotated.latest_update.title == "Channel restored"
    assert annotated.latest_update.date == dt.date(2026, 2, 5)


def test_latest_update_is_none_without_events():
    story = make_story(events=0)
    assert story.latest_update is None
    assert story_list().get(pk=story.pk).latest_update is None


def test_latest_update_follows_a_new_event_without_retyping():
    story = make_story(events=2)
    TimelineEvent.objects.create(
        story=story, date=dt.date(2027, 1, 1), title="Newest", description="x"
    )
    assert story_list().get(pk=story.pk).latest_update.title == "Newest"


def test_timeline_orders_newest_first():
    story = make_story(events=0)
    for day in (3, 1, 2):
        TimelineEvent.objects.create(
            story=story, date=dt.date(2020, 1, day), title=f"d{day}", description="x"
        )
    assert [e.title for e in story.events.all()] == ["d3", "d2", "d1"]


@pytest.mark.parametrize(
    ("date", "precision", "expected"),
    [
        (dt.date(2026, 2, 5), "day", "5 Feb 2026"),
        (dt.date(1962, 10, 1), "month", "Oct 1962"),
        (dt.date(1963, 1, 1), "year", "1963"),
    ],
)
def test_dates_display_at_their_precision(date, precision, expected):
    assert format_partial_date(date, precision) == expected


@pytest.mark.parametrize(
    "precision, expected", [("day", "2022-03-05"), ("month", "2022-03"), ("year", "2022")]
)
def test_dates_show_as_the_admin_takes_them(precision, expected):
    assert format_partial_date(dt.date(2022, 3, 5), precision, iso=True) == expected


def test_label_overrides_display_but_date_still_orders():
    story = make_story(events=0)
    TimelineEvent.objects.create(
        story=story,
        date=dt.date(2021, 10, 1),
        precision="month",
        date_label="Autumn 2021",
        title="Suspended",
        description="x",
    )
    TimelineEvent.objects.create(
        story=story, date=dt.date(2022, 2, 24), title="Invasion", description="x"
    )
    events = list(story.events.all())
    assert [e.title for e in events] == ["Invasion", "Suspended"]
    assert events[1].date_display == "Autumn 2021"


def test_month_precision_rejects_a_full_day_in_clean_and_database():
    story = make_story(events=0)
    event = TimelineEvent(
        story=story, date=dt.date(2021, 10, 15), precision="month", title="x", description="x"
    )
    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()
    assert "date" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_year_precision_requires_first_of_january():
    story = make_story(events=0)
    event = TimelineEvent(
        story=story, date=dt.date(2019, 6, 1), precision="year", title="x", description="x"
    )
    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()
    assert "date" in excinfo.value.message_dict


def test_historical_period_display_and_order_check():
    story = make_story(events=0)
    ctx = HistoricalContext(
        story=story,
        title="Syria",
        what_happened="x",
        period_start=dt.date(2015, 10, 1),
        period_start_precision="month",
        period_end=dt.date(2019, 1, 1),
        period_end_precision="year",
    )
    ctx.full_clean()
    assert ctx.period_display == "October 2015 – 2019"
    ctx.period_end = dt.date(2014, 1, 1)
    with pytest.raises(ValidationError) as excinfo:
        ctx.full_clean()
    assert "period_end" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ctx.save()


def test_duplicate_slug_is_refused():
    story = make_story()
    duplicate = Story(
        headline="Other", slug=story.slug, category=story.category, dek="d", overview="o"
    )
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "slug" in excinfo.value.message_dict


def test_person_attached_twice_is_refused():
    story = make_story()
    person = make_person()
    StoryPerson.objects.create(story=story, person=person)
    with pytest.raises(ValidationError):
        StoryPerson(story=story, person=person).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        StoryPerson.objects.create(story=story, person=person)


def test_source_url_must_be_http_or_https():
    source = make_source()
    for bad in ("javascript:alert(1)", "ftp://example.com/x", "file:///etc/passwd"):
        source.url = bad
        with pytest.raises(ValidationError) as excinfo:
            source.full_clean()
        assert "url" in excinfo.value.message_dict
    source.url = "https://example.com/ok"
    source.full_clean()


def test_published_story_gets_a_publication_time_and_drafts_stay_hidden():
    category = make_category()
    story = Story.objects.create(
        headline="H", slug="h", category=category, dek="d", overview="o", status="published"
    )
    assert story.published_at is not None
    draft = make_story(status=Story.Status.DRAFT)
    future = make_story(published_at=timezone.now() + dt.timedelta(days=1))
    public = set(Story.objects.published())
    assert story in public and draft not in public and future not in public


def test_published_without_date_is_refused_by_the_database():
    story = make_story()
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.filter(pk=story.pk).update(published_at=None)


def test_markdown_fields_are_rendered_and_sanitised_on_save():
    story = make_story(overview="Hi <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in story.overview_html
    assert "javascript:" not in story.overview_html
    story.overview = "**changed**"
    story.save(update_fields=["overview"])
    story.refresh_from_db()
    assert "<strong>changed</strong>" in story.overview_html
