"""Reading people and organizations runs no per-instance hook; a rename still refreshes the
search documents of the stories they appear in (and nothing else does)."""

from io import BytesIO
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import post_init
from PIL import Image

from people.models import Organization, Person, StoryOrganization, StoryPerson
from tests.factories import make_organization, make_person, make_story

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model, make", [(Person, make_person), (Organization, make_organization)])
def test_loading_300_runs_no_post_init_hook(model, make):
    for _ in range(300):
        make()
    # Nothing listens to every load, so Model.__init__ sends post_init to nobody.
    assert not post_init.has_listeners(model)
    loaded = list(model.objects.all())
    assert len(loaded) == 300
    assert not any(name.startswith("_search_") for instance in loaded for name in vars(instance))


@pytest.fixture
def refresh():
    with mock.patch("stories.derived.search_document_refresh_involving") as refresh:
        yield refresh


def test_a_rename_refreshes_the_stories_of_a_person(refresh):
    story = make_story(people=1)
    person = Person.objects.get(pk=StoryPerson.objects.get(story=story).person_id)
    person.title = "Another title"
    person.save()
    refresh.assert_not_called()
    person.name = "Valery Newname"
    person.save()
    refresh.assert_called_once_with(person_ids=[person.pk])
    refresh.reset_mock()
    person.save()  # saved again, name unchanged since
    refresh.assert_not_called()
    person.name = "Only the title saved"
    person.save(update_fields=["title"])
    refresh.assert_not_called()


def test_a_rename_refreshes_the_stories_of_an_organization(refresh):
    story = make_story(organizations=1)
    organization = Organization.objects.get(
        pk=StoryOrganization.objects.get(story=story).organization_id
    )
    Organization.objects.create(name="New body", slug="new-body")
    refresh.assert_not_called()  # a new organization is in no story yet
    organization.kind = "Council"
    organization.save()
    refresh.assert_not_called()
    organization.name = "Council of Calm"
    organization.save()
    refresh.assert_called_once_with(organization_ids=[organization.pk])


def test_a_rename_of_a_deferred_load_still_refreshes(refresh):
    person = make_person()
    loaded = Person.objects.only("pk", "slug").get(pk=person.pk)
    loaded.name = "Renamed"
    loaded.save()
    refresh.assert_called_once_with(person_ids=[person.pk])


def test_a_saved_photo_is_still_measured():
    def png(width, height, name):
        buffer = BytesIO()
        Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")

    upload = png(40, 30, "face.png")
    person = Person.objects.create(name="Pictured", slug="pictured", photo=upload)
    assert (person.photo_width, person.photo_height) == (40, 30)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.photo_width, stored.photo_height) == (40, 30)
    stored.photo = png(20, 10, "other.png")
    stored.save()
    assert Person.objects.values_list("photo_width", "photo_height").get(pk=person.pk) == (20, 10)
