"""Adding a person, organization or source that likely exists already warns with a link to
it, and saves only when the editor confirms; pickers label records so they can be told apart."""

import datetime as dt

import pytest
from django.urls import reverse

from editorial.duplicates import likely_duplicates, normalised
from people.models import Organization, Person
from stories.models import Source
from tests.factories import make_organization, make_person, make_source

pytestmark = pytest.mark.django_db


def _person_form(**overrides):
    return {"name": "Valery Gerasimov", "slug": "valery-gerasimov-2", "title": "", **overrides}


def test_a_second_person_of_the_same_name_is_warned_of_with_a_link(staff_client):
    first = make_person(name="Valery Gerasimov", slug="valery-gerasimov", title="Chief of Staff")
    url = reverse("admin:people_person_add")

    response = staff_client.post(url, _person_form())

    assert response.status_code == 200
    page = response.content.decode()
    assert "may already exist" in page
    assert reverse("admin:people_person_change", args=[first.pk]) in page
    assert Person.objects.count() == 1
    assert 'name="save_anyway"' in page and 'type="checkbox"' in page

    response = staff_client.post(url, _person_form(save_anyway="on"))
    assert response.status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    "name", ["Valery Gerasimov", "valery  gerasimov", "Valeriy Gerasimov", "Valéry Gerasimov"]
)
def test_same_or_near_names_are_likely_duplicates(name):
    first = make_person(name="Valery Gerasimov")
    assert likely_duplicates(Person(name=name)) == [first]


@pytest.mark.parametrize("name", ["Sergei Lavrov", "Valery Ivanov", "Gerasimova Anna"])
def test_different_names_are_not(name):
    make_person(name="Valery Gerasimov")
    make_person(name="Sergei Shoigu")
    assert likely_duplicates(Person(name=name)) == []


def test_a_record_is_never_its_own_duplicate_and_an_unchanged_save_is_not_warned(staff_client):
    person = make_person(name="Valery Gerasimov", slug="valery-gerasimov")
    assert likely_duplicates(person) == []
    organization = make_organization(name="NATO", kind="Alliance")
    make_organization(name="Nato", kind="Alliance")
    url = reverse("admin:people_organization_change", args=[organization.pk])
    data = {
        "name": "NATO",
        "slug": organization.slug,
        "kind": "Alliance",
        "description": "",
        "seen_updated_at": organization.updated_at.isoformat(),
    }
    assert staff_client.post(url, {**data, "description": "An alliance."}).status_code == 302


def test_a_source_with_the_same_address_or_the_same_publisher_date_and_title_is_warned_of():
    report = make_source(
        title="US and Russia restore military hotline",
        publisher="Reuters",
        url="https://www.reuters.com/world/us-russia-hotline/",
        published_on=dt.date(2026, 2, 5),
    )
    same_address = Source(
        title="Other title", publisher="Reuters", url="http://reuters.com/world/us-russia-hotline"
    )
    same_report = Source(
        title="US and Russia restore military hotline.",
        publisher="reuters",
        url="https://example.com/copy",
        published_on=dt.date(2026, 2, 5),
    )
    other_day = Source(
        title="US and Russia restore military hotline",
        publisher="Reuters",
        url="https://example.com/other",
        published_on=dt.date(2026, 2, 6),
    )
    assert likely_duplicates(same_address) == [report]
    assert likely_duplicates(same_report) == [report]
    assert likely_duplicates(other_day) == []


def test_the_source_add_form_warns_too(staff_client):
    report = make_source(title="Hotline restored", publisher="Reuters", url="https://r.example/a")
    data = {
        "title": "Hotline restored",
        "publisher": "Reuters",
        "url": "https://r.example/a/",
        "authors": "",
        "published_on": "",
        "excerpt": "",
    }
    response = staff_client.post(reverse("admin:stories_source_add"), data)
    assert response.status_code == 200
    assert reverse("admin:stories_source_change", args=[report.pk]) in response.content.decode()
    assert Source.objects.count() == 1


def test_picker_labels_tell_records_apart(staff_client):
    make_person(name="Alex Grynkewich", title="Supreme Allied Commander Europe")
    make_person(name="Alex Grynkewich", title="Novelist")
    make_source(title="Talks resume", publisher="Reuters", published_on=dt.date(2026, 2, 5))
    labels = {
        result["text"]
        for model, term in (("storyperson", "Grynkewich"), ("storysource", "Talks"))
        for result in staff_client.get(
            reverse("admin:autocomplete"),
            {
                "term": term,
                "app_label": "people" if model == "storyperson" else "stories",
                "model_name": model,
                "field_name": "person" if model == "storyperson" else "source",
            },
        ).json()["results"]
    }
    assert labels == {
        "Alex Grynkewich — Supreme Allied Commander Europe",
        "Alex Grynkewich — Novelist",
        "Reuters: Talks resume (5 Feb 2026)",
    }
    assert str(Organization(name="NATO", kind="Alliance")) == "NATO (Alliance)"


def test_names_are_normalised_for_comparison():
    assert normalised("Gérasimov,  V.") == "gerasimov v"
