"""The Story change page builds a whole story; bad input is refused on the field."""

import pytest
from django.urls import reverse

from people.models import StoryPerson
from stories.models import Story
from tests.factories import make_category, make_organization, make_person, make_source, make_story

pytestmark = pytest.mark.django_db

INLINES = [
    "update_notes",
    "indicators",
    "story_people",
    "story_organizations",
    "events",
    "scenarios",
    "historical_contexts",
    "voices",
    "story_sources",
]


def story_form(category, **overrides):
    """POST data for the Story add page, with empty management forms for every inline."""
    data = {
        "headline": "Talks resume",
        "slug": "talks-resume",
        "category": category.pk,
        "byline": "Newsroom Staff",
        "dek": "Both sides return to the table",
        "overview": "The **overview**.",
        "why_it_matters": "Because.",
        "status": "published",
        "published_at_0": "2026-02-05",
        "published_at_1": "12:00:00",
        "hero_image_alt": "",
    }
    for prefix in INLINES:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def with_rows(data, prefix, rows):
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def full_story_form():
    category = make_category()
    people = [make_person(), make_person()]
    organization = make_organization()
    sources = [make_source(), make_source()]
    data = story_form(category)
    with_rows(
        data,
        "indicators",
        [
            {
                "value": "1,550",
                "label": "Warheads",
                "explanation": "Cap",
                "position": "1",
                "sources": [sources[0].pk],
            },
            {"value": "4+", "label": "Years", "explanation": "Freeze", "position": "2"},
        ],
    )
    with_rows(
        data,
        "story_people",
        [
            {"person": people[0].pk, "role": "Commander", "status": "Active", "position": "1"},
            {"person": people[1].pk, "role": "Chief", "status": "Active", "position": "2"},
        ],
    )
    with_rows(
        data,
        "story_organizations",
        [
            {"organization": organization.pk, "role": "", "status": "Restored", "position": "1"},
        ],
    )
    with_rows(
        data,
        "events",
        [
            {
                "date": "2026-02-05",
                "precision": "day",
                "date_label": "",
                "sequence": "1",
                "title": "Channel restored",
                "kind": "diplomatic",
                "description": "Agreed.",
                "sources": [sources[1].pk],
            },
            {
                "date": "2021-10-01",
                "precision": "month",
                "date_label": "Autumn 2021",
                "sequence": "0",
                "title": "Talks suspended",
                "kind": "diplomatic",
                "description": "Stopped.",
            },
        ],
    )
    with_rows(
        data,
        "scenarios",
        [
            {
                "position": "1",
                "title": "Channel holds",
                "status": "discussed",
                "discussed_by": "Experts",
                "description": "It holds.",
            },
        ],
    )
    with_rows(
        data,
        "historical_contexts",
        [
            {
                "position": "1",
                "title": "Hotline",
                "period_start": "1962-10-01",
                "period_start_precision": "month",
                "period_end": "1963-06-01",
                "period_end_precision": "month",
                "what_happened": "Crisis.",
                "short_term_outcome": "Resolved.",
                "long_term_outcome": "Hotline.",
                "relevance_today": "Same logic.",
            },
        ],
    )
    with_rows(data, "story_sources", [{"source": sources[0].pk, "position": "1"}])
    return data, sources


def test_staff_builds_a_whole_story_on_one_page(staff_client):
    data, sources = full_story_form()
    response = staff_client.post(reverse("admin:stories_story_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    story = Story.objects.get(slug="talks-resume")
    assert story.indicators.count() == 2
    assert list(story.indicators.values_list("value", flat=True)) == ["1,550", "4+"]
    assert story.story_people.count() == 2
    assert story.story_organizations.get().status == "Restored"
    assert [e.title for e in story.events.all()] == ["Channel restored", "Talks suspended"]
    assert story.events.last().date_display == "Autumn 2021"
    assert story.scenarios.get().title == "Channel holds"
    assert story.historical_contexts.get().period_display == "October 1962 – June 1963"
    assert story.latest_update.title == "Channel restored"
    assert "<strong>overview</strong>" in story.overview_html
    # The source cited by an event but not listed was appended after the listed one.
    assert list(story.story_sources.values_list("source_id", flat=True)) == [
        sources[0].pk,
        sources[1].pk,
    ]


def test_change_page_round_trips_the_demo_story(staff_client, demo_story):
    url = reverse("admin:stories_story_change", args=[demo_story.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "Military Communication Restored",
        "Valery Gerasimov",
        "Cuban Missile Crisis",
        "Nuclear Arms Race Accelerates",
        "1,550",
        "View on site",
    ):
        assert text in content


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"headline": ""}, "headline"),
        ({"slug": "taken"}, "slug"),
        ({"slug": "not a slug!"}, "slug"),
    ],
)
def test_story_form_errors_are_on_the_field(staff_client, overrides, field):
    make_story(slug="taken")
    data = story_form(make_category(), **overrides)
    response = staff_client.post(reverse("admin:stories_story_add"), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_month_precision_event_with_a_full_day_is_refused_on_the_row(staff_client):
    data = story_form(make_category())
    with_rows(
        data,
        "events",
        [
            {
                "date": "2021-10-15",
                "precision": "month",
                "sequence": "0",
                "title": "Suspended",
                "kind": "diplomatic",
                "description": "x",
            },
        ],
    )
    response = staff_client.post(reverse("admin:stories_story_add"), data)
    assert response.status_code == 200
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "events"
    )
    assert "date" in formset.formset.forms[0].errors
    assert not Story.objects.filter(slug="talks-resume").exists()


def test_person_attached_twice_is_refused(staff_client):
    person = make_person()
    data = story_form(make_category())
    with_rows(
        data,
        "story_people",
        [
            {"person": person.pk, "role": "A", "position": "1"},
            {"person": person.pk, "role": "B", "position": "2"},
        ],
    )
    response = staff_client.post(reverse("admin:stories_story_add"), data)
    assert response.status_code == 200
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "story_people"
    )
    assert formset.formset.errors or formset.formset.non_form_errors()
    assert "Please correct the duplicate data" in response.content.decode()
    assert not StoryPerson.objects.exists()


def test_source_with_javascript_url_is_refused(staff_client):
    response = staff_client.post(
        reverse("admin:stories_source_add"),
        {
            "title": "T",
            "publisher": "P",
            "url": "javascript:alert(1)",
            "authors": "",
            "excerpt": "",
        },
    )
    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors


def test_list_pages_search_and_filter(staff_client, demo_story):
    make_story(headline="Unrelated budget story", status=Story.Status.DRAFT)
    url = reverse("admin:stories_story_changelist")
    response = staff_client.get(url, {"q": "Military Communication"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [demo_story]
    response = staff_client.get(url, {"status__exact": "draft"})
    assert [s.headline for s in response.context["cl"].result_list] == ["Unrelated budget story"]
    for name in (
        "people_person",
        "people_organization",
        "stories_source",
        "timelines_timelineevent",
    ):
        response = staff_client.get(reverse(f"admin:{name}_changelist"), {"q": "Ge"})
        assert response.status_code == 200, name
    response = staff_client.get(
        reverse("admin:timelines_timelineevent_changelist"), {"kind__exact": "treaty"}
    )
    assert {e.kind for e in response.context["cl"].result_list} == {"treaty"}


def test_person_autocomplete_serves_the_inline(staff_client, demo_story):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Gera",
            "app_label": "people",
            "model_name": "storyperson",
            "field_name": "person",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        "Valery Gerasimov — Chief of the General Staff, Russian Armed Forces"
    ]


def test_non_staff_user_is_kept_out_of_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-reader-123")
    client.force_login(user)
    response = client.get(reverse("admin:stories_story_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    client.logout()
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize(
    "changelist",
    [
        "stories_story",
        "stories_source",
        "stories_category",
        "people_person",
        "people_organization",
        "timelines_timelineevent",
    ],
)
def test_the_published_story_rule_adds_no_query_per_changelist_row(
    client, django_user_model, changelist
):
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    writer = django_user_model.objects.create_user("wendy", password="pw", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writer"))
    client.force_login(writer)
    url = reverse(f"admin:{changelist}_changelist")

    def queries_with(stories):
        for n in range(stories):
            make_story(
                status=Story.Status.PUBLISHED if n % 2 else Story.Status.DRAFT,
                people=1,
                organizations=1,
                sources=1,
                events=1,
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(6)


def test_a_source_page_saved_unchanged_keeps_its_time_and_a_stale_one_is_refused(staff_client):
    from tests.admin_forms import change_form_data, change_url

    source = make_source()
    url = change_url(source)
    stale = change_form_data(staff_client, source)
    before = type(source).objects.get(pk=source.pk).updated_at

    assert staff_client.post(url, change_form_data(staff_client, source)).status_code == 302
    assert type(source).objects.get(pk=source.pk).updated_at == before
    edited = {**change_form_data(staff_client, source), "title": "Corrected title"}
    assert staff_client.post(url, edited).status_code == 302
    response = staff_client.post(url, {**stale, "excerpt": "Written on an old copy"})

    assert response.status_code == 200
    assert "while you were editing it" in response.context["adminform"].form.non_field_errors()[0]
    source.refresh_from_db()
    assert (source.title, source.excerpt) == ("Corrected title", "")
