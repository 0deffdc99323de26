"""The story's change form fits its content: sections fold, long ones show their first rows,
and a refused save says what failed where, with a link to each place."""

import re

import pytest
from django.urls import reverse

from tests.admin_forms import change_form_data, change_url

pytestmark = pytest.mark.django_db

CHANGE_PAGE_QUERIES = 22


def _rows_folded(page: str, prefix: str) -> list[str]:
    """The ids of `prefix`'s rows that render folded (their fields inside a closed details)."""
    return re.findall(
        rf'id="({prefix}-\d+)">\s*(?:<span class="delete fold-delete">.*?</span>)?'
        r'<details class="row-fold">',
        page,
    )


def test_each_section_is_open_and_foldable_with_its_count(staff_client, make_story):
    story = make_story(events=5, scenarios=2)
    page = staff_client.get(change_url(story)).content.decode()
    for prefix, count in (("events", 5), ("scenarios", 2), ("story_people", 0)):
        group = page.split(f'id="{prefix}-group"', 1)[1]
        assert re.match(r'[^<]*>\s*<(div class="tabular|fieldset)', group), prefix
        assert "<details open><summary>" in group[:2500]
        assert f'<span class="section-count">({count})</span>' in group[:3000]
    assert 'aria-label="Sections of this story"' in page
    assert '<li><a href="#id_status">Publishing</a></li>' in page
    assert '<li><a href="#events-group">Timeline events (5)</a></li>' in page


def test_a_long_section_shows_its_first_rows_and_folds_the_rest(staff_client, make_story):
    story = make_story(events=5, scenarios=2)
    page = staff_client.get(change_url(story)).content.decode()
    assert _rows_folded(page, "events") == ["events-3", "events-4"]
    assert _rows_folded(page, "scenarios") == []
    assert "The first 3 are open; 2 more are folded to their title" in page
    # A folded row still carries its fields: posting the page back unchanged changes nothing.
    assert 'name="events-4-title"' in page
    version = story.version
    response = staff_client.post(change_url(story), change_form_data(staff_client, story))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.version == version


def test_a_refused_save_names_each_failing_field_section_and_row(staff_client, make_story):
    story = make_story(events=6)
    data = change_form_data(staff_client, story)
    data["headline"] = ""
    data["events-5-date"] = "Sometime"
    response = staff_client.post(change_url(story), data)
    assert response.status_code == 200
    page = response.content.decode()
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Nothing was saved: 2 things to fix" in summary
    assert '<a href="#id_headline">Story › Headline: This field is required.</a>' in summary
    event = story.events.order_by("-date", "-sequence")[5]
    assert f'<a href="#events-5">Timeline events › row 6 ({event}) › Date: ' in page
    # The failing row is open, so the link lands on its fields.
    assert "events-5" not in _rows_folded(page, "events")
    assert _rows_folded(page, "events") == ["events-3", "events-4"]


def test_a_section_wide_error_links_to_the_section(staff_client, make_story):
    story = make_story(events=1, sources=2)
    data = change_form_data(staff_client, story)
    data["story_sources-1-source"] = data["story_sources-0-source"]
    response = staff_client.post(change_url(story), data)
    assert response.status_code == 200
    summary = response.content.decode().split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert (
        '<a href="#story_sources-group">Sources: Please correct the duplicate data for source.'
        in summary
    )
    assert '<a href="#story_sources-1">Sources › row 2 (' in summary


def test_an_unbound_form_has_no_error_summary(staff_client):
    page = staff_client.get(reverse("admin:stories_story_add")).content.decode()
    assert 'id="error-summary"' not in page


@pytest.mark.parametrize("rows", [2, 12])
def test_the_change_page_costs_the_same_queries_at_any_size(
    staff_client, make_story, rows, django_assert_num_queries
):
    """Every section full, every picker with its choices: the page's SQL does not grow with
    rows (Django's autocomplete would query each row's chosen records: editorial.admin.pickers)."""
    story = make_story(
        events=rows,
        sources=rows,
        people=rows,
        organizations=rows,
        indicators=rows,
        scenarios=rows,
        contexts=rows,
    )
    staff_client.get(change_url(story))  # the session's first read
    with django_assert_num_queries(CHANGE_PAGE_QUERIES):
        page = staff_client.get(change_url(story)).content.decode()
    assert page.count('class="inline-related') >= rows
    # The pickers still show each row's choices, named.
    event = story.events.order_by("-date", "-sequence").first()
    cited = event.sources.get()
    assert f'<option value="{cited.pk}" selected>{cited}</option>' in page
