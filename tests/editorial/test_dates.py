"""The admin takes ISO dates and shows their format on every date field; times are shown and
taken in the newsroom's time zone (DISPLAY_TIME_ZONE), labelled; a refusal names the format."""

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse

from stories.models import Source, Story
from tests.factories import make_category, make_source
from tests.stories.test_admin import story_form

pytestmark = pytest.mark.django_db


def _source_form(**overrides):
    return {
        "title": "Hotline restored",
        "publisher": "Reuters",
        "url": "https://r.example/hotline",
        "authors": "",
        "published_on": "2022-01-03",
        "excerpt": "",
        **overrides,
    }


def test_an_iso_date_is_taken_and_a_day_first_one_refused_with_the_format(staff_client):
    url = reverse("admin:stories_source_add")
    refused = staff_client.post(url, _source_form(published_on="03/01/2022"))
    assert refused.status_code == 200
    assert "Enter a date as YYYY-MM-DD, for example 2022-03-01." in refused.content.decode()
    assert not Source.objects.exists()

    assert staff_client.post(url, _source_form()).status_code == 302
    assert Source.objects.get().published_on == dt.date(2022, 1, 3)


def test_every_date_field_shows_its_format(staff_client):
    source = make_source(published_on=dt.date(2022, 1, 3))
    page = staff_client.get(reverse("admin:stories_source_change", args=[source.pk]))
    html = page.content.decode()
    assert 'value="2022-01-03"' in html
    assert 'aria-describedby="id_published_on_format"' in html
    assert '<div class="help" id="id_published_on_format">YYYY-MM-DD</div>' in html


def test_a_time_typed_in_the_admin_is_the_newsroom_time_readers_see(staff_client):
    zone = zoneinfo.ZoneInfo(settings.DISPLAY_TIME_ZONE)
    data = story_form(make_category(), published_at_0="2026-02-05", published_at_1="06:00")
    response = staff_client.post(reverse("admin:stories_story_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    story = Story.objects.get(slug="talks-resume")
    assert story.published_at == dt.datetime(2026, 2, 5, 6, 0, tzinfo=zone)

    page = staff_client.get(reverse("admin:stories_story_change", args=[story.pk]))
    html = page.content.decode()
    assert 'value="06:00:00"' in html
    assert f"YYYY-MM-DD and HH:MM:SS, {settings.DISPLAY_TIME_ZONE} time" in html
    assert 'aria-describedby="id_published_at_format"' in html


@pytest.mark.parametrize(
    "typed, date, precision, shown",
    [
        ("2022-03", dt.date(2022, 3, 1), "month", "Mar 2022"),
        ("March 2022", dt.date(2022, 3, 1), "month", "Mar 2022"),
        ("2022", dt.date(2022, 1, 1), "year", "2022"),
        ("Autumn 2021", dt.date(2021, 9, 1), "month", "Autumn 2021"),
        ("2022-03-05", dt.date(2022, 3, 5), "day", "5 Mar 2022"),
    ],
)
def test_an_event_date_typed_as_editors_think_of_it(staff_client, typed, date, precision, shown):
    """'March 2022' had to be entered as the 1st plus Precision = Month."""
    from tests.stories.test_admin import with_rows

    data = with_rows(
        story_form(make_category()),
        "events",
        [
            {
                "date": typed,
                "sequence": "0",
                "precision": "day",
                "title": "Talks",
                "description": "Met.",
                "kind": "other",
            }
        ],
    )
    response = staff_client.post(reverse("admin:stories_story_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    event = Story.objects.get(slug="talks-resume").events.get()
    assert (event.date, event.precision, event.date_display) == (date, precision, shown)
    page = staff_client.get(event.story.get_absolute_url()).content.decode()
    assert shown in page


def test_an_event_date_that_is_no_date_is_refused_naming_the_forms(staff_client):
    from tests.stories.test_admin import with_rows

    data = with_rows(
        story_form(make_category()),
        "events",
        [
            {
                "date": "Sometime",
                "sequence": "0",
                "precision": "day",
                "title": "T",
                "description": "D",
                "kind": "other",
            }
        ],
    )
    response = staff_client.post(reverse("admin:stories_story_add"), data)
    assert response.status_code == 200
    assert "a month (2022-03, March 2022), a year (2022) or a season" in response.content.decode()
