"""Writes: a whole story with its sections in one atomic request, and the records around it."""

import copy
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from people.models import Organization, Person
from stories import demo_content as demo
from stories import writes
from stories.api_examples import seed_story_payload
from stories.models import AuditEntry, Category, Source, Story
from tests.api.conftest import token_client
from tests.api.if_match import if_match
from timelines.models import TimelineEvent

API = "/api/v1"


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Story, Category, Source, Person, Organization, TimelineEvent)
    }


def test_a_story_like_the_seed_is_published_in_one_request(users):
    editor = token_client(users["editor"])

    response = editor.post(f"{API}/stories/", seed_story_payload(), format="json")

    assert response.status_code == 201, response.content
    story = response.json()
    assert response["Location"] == story["api_url"]
    assert response["ETag"] == editor.get(story["api_url"])["ETag"]
    assert story["status"] == "published"
    assert story["published_at"] == "2026-02-05T21:00:00Z"
    assert story["category"]["slug"] == "rule-changes"
    assert [i["value"] for i in story["indicators"]] == [i["value"] for i in demo.INDICATORS]
    assert [p["person"]["slug"] for p in story["people"]] == [p["slug"] for p in demo.PEOPLE]
    assert [p["role"] for p in story["people"]] == [p["role"] for p in demo.PEOPLE]
    assert [o["status"] for o in story["organizations"]] == [
        o["status"] for o in demo.ORGANIZATIONS
    ]
    assert len(story["events"]) == len(demo.EVENTS)
    assert [s["title"] for s in story["scenarios"]] == [s["title"] for s in demo.SCENARIOS]
    assert [c["title"] for c in story["historical_contexts"]] == [c["title"] for c in demo.CONTEXTS]
    # Each event cites the same sources as in the demo content.
    titles = {s["number"]: s["title"] for s in story["sources"]}
    for event in demo.EVENTS:
        shown = next(e for e in story["events"] if e["title"] == event["title"])
        assert [titles[n] for n in shown["cites"]] == [
            demo.SOURCES[k]["title"] for k in event["sources"]
        ]
    autumn = next(e for e in story["events"] if e["date_label"] == "Autumn 2021")
    assert (autumn["precision"], autumn["date_display"]) == ("month", "Autumn 2021")
    # It is public at once, exactly as readers will see it.
    assert token_client(None).get(story["api_url"]).json()["headline"] == story["headline"]
    assert AuditEntry.objects.filter(action="published", story_id=story["id"]).exists()


def test_the_second_story_refers_to_existing_people_by_slug(users):
    editor = token_client(users["editor"])
    editor.post(f"{API}/stories/", seed_story_payload(), format="json")
    again = seed_story_payload(category_exists=True, people_exist=True)
    again["slug"] = "a-follow-up"
    again["sources"] = [{"source": Source.objects.first().pk}]
    for section in ("indicators", "events"):
        for row in again[section]:
            row["cites"] = [1] if row["cites"] else []

    response = editor.post(f"{API}/stories/", again, format="json")

    assert response.status_code == 201, response.content
    assert Person.objects.count() == len(demo.PEOPLE)
    assert Category.objects.count() == 1
    person = Person.objects.get(slug="valery-gerasimov")
    assert token_client(None).get(f"{API}/people/{person.pk}/").json()["story_count"] == 2


def test_one_invalid_row_rejects_the_whole_write_with_errors_by_field_and_row(users):
    editor = token_client(users["editor"])
    payload = seed_story_payload()
    payload["events"][3]["date"] = "2026-13-01"
    payload["events"][7]["precision"] = "century"
    payload["people"][1]["new_person"]["name"] = ""
    payload["historical_contexts"][2]["period_end"] = "1960-01-01"
    before = counts()

    response = editor.post(f"{API}/stories/", payload, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert set(errors) == {"events", "people", "historical_contexts"}
    assert set(errors["events"]) == {"3", "7"}
    assert "date" in errors["events"]["3"]
    assert "precision" in errors["events"]["7"]
    assert errors["people"] == {"1": {"new_person": {"name": ["This field may not be blank."]}}}
    assert errors["historical_contexts"]["2"]["period_end"] == [
        "The period cannot end before it starts."
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "section", "row", "field", "message"),
    [
        (
            lambda p: p["events"][2].update(cites=[99]),
            "events",
            "2",
            "cites",
            "no source number 99",
        ),
        (lambda p: p["events"][0].update(cites=[1, 1]), "events", "0", "cites", "cited twice"),
        (
            lambda p: p["events"][4].update(date="2026-01-15", precision="month"),
            "events",
            "4",
            "date",
            "first day of that month",
        ),
        (
            lambda p: p["people"].append(copy.deepcopy(p["people"][0])),
            "people",
            "3",
            "person",
            "already listed",
        ),
        (
            lambda p: p["people"][0].update(person="nobody-by-this-name"),
            "people",
            "0",
            "person",
            "does not exist",
        ),
        (
            lambda p: p["sources"][0].pop("new_source"),
            "sources",
            "0",
            "source",
            "Give either",
        ),
        (lambda p: p["scenarios"][1].update(id=123456), "scenarios", "1", "id", "no such row"),
    ],
    ids=[
        "cite-out-of-range",
        "cite-twice",
        "month-date",
        "person-twice",
        "person-unknown",
        "source-missing",
        "row-id-unknown",
    ],
)
def test_row_errors_name_the_section_row_and_field(users, change, section, row, field, message):
    editor = token_client(users["editor"])
    payload = seed_story_payload()
    change(payload)
    before = counts()

    response = editor.post(f"{API}/stories/", payload, format="json")

    assert response.status_code == 400, response.content
    errors = response.json()["errors"][section][row][field]
    assert any(message in error for error in errors), errors
    assert counts() == before


def test_a_failure_midway_leaves_nothing_half_written(users, monkeypatch):
    editor = token_client(users["editor"])

    def explode(*args, **kwargs):
        raise RuntimeError("the disk is full")

    # People and organizations are written by one function (after the story and its sources).
    monkeypatch.setattr(writes, "_replace_links", explode)
    before = counts()

    response = editor.post(f"{API}/stories/", seed_story_payload(), format="json")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert counts() == before  # no story, no people, no sources, no category


def test_category_is_required_once(users, make_story):
    editor = token_client(users["editor"])
    payload = seed_story_payload(category_exists=True)
    payload["new_category"] = {"name": "Other", "slug": "other"}
    make_story(category=Category.objects.create(name="Rule Changes", slug="rule-changes"))

    both = editor.post(f"{API}/stories/", payload, format="json")
    del payload["new_category"], payload["category"]
    neither = editor.post(f"{API}/stories/", payload, format="json")

    assert both.status_code == neither.status_code == 400
    assert "category" in both.json()["errors"]
    assert "category" in neither.json()["errors"]


def test_put_replaces_every_section_and_keeps_rows_by_id(users, make_story):
    editor = token_client(users["editor"])
    story = make_story(events=3, indicators=2, people=2, sources=2, scenarios=1, contexts=1)
    url = f"{API}/stories/{story.pk}/"
    current = editor.get(url).json()
    kept, dropped = current["events"][0], current["events"][1:]

    body = {
        "headline": "Rewritten",
        "slug": story.slug,
        "category": story.category.slug,
        "dek": current["dek"],
        "overview": "New *overview*.",
        "sources": [{"source": current["sources"][1]["id"]}],
        "events": [
            {
                **{k: kept[k] for k in ("id", "date", "precision", "title", "description", "kind")},
                "title": "Renamed",
                "cites": [1],
            },
            {"date": "2025-12-01", "precision": "month", "title": "Brand new", "description": "."},
        ],
    }
    response = editor.put(url, body, format="json", HTTP_IF_MATCH=editor.get(url)["ETag"])

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["headline"] == "Rewritten"
    assert data["overview_html"] == "<p>New <em>overview</em>.</p>"
    assert [e["id"] for e in data["events"]][0] == kept["id"]  # kept its id
    assert [e["title"] for e in data["events"]] == ["Renamed", "Brand new"]
    assert data["events"][0]["cites"] == [1]
    assert not TimelineEvent.objects.filter(pk__in=[e["id"] for e in dropped]).exists()
    # Sections left out of a PUT are emptied.
    assert (data["indicators"], data["people"], data["scenarios"], data["historical_contexts"]) == (
        [],
        [],
        [],
        [],
    )
    assert [s["id"] for s in data["sources"]] == [current["sources"][1]["id"]]


def test_patch_replaces_only_the_sections_it_names(users, make_story):
    editor = token_client(users["editor"])
    story = make_story(events=3, indicators=2, people=1)
    url = f"{API}/stories/{story.pk}/"
    before = editor.get(url).json()
    event_stamps = dict(TimelineEvent.objects.values_list("pk", "updated_at"))

    response = editor.patch(
        url,
        {"indicators": [{"value": "9", "label": "Nine"}], "dek": "New line"},
        format="json",
        **if_match(editor, url),
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["dek"] == "New line"
    assert [(i["value"], i["label"], i["position"]) for i in data["indicators"]] == [
        ("9", "Nine", 1)
    ]
    assert data["events"] == before["events"]
    assert data["people"] == before["people"]
    assert dict(TimelineEvent.objects.values_list("pk", "updated_at")) == event_stamps


def test_unchanged_rows_keep_their_updated_at(users, make_story):
    editor = token_client(users["editor"])
    story = make_story(events=2)
    url = f"{API}/stories/{story.pk}/"
    events = editor.get(url).json()["events"]
    stamps = dict(TimelineEvent.objects.values_list("pk", "updated_at"))
    rows = [
        {k: e[k] for k in ("id", "date", "precision", "title", "description", "kind")}
        for e in events
    ]
    rows[0]["title"] = "Only this one changes"

    editor.patch(url, {"events": rows}, format="json", **if_match(editor, url))

    after = dict(TimelineEvent.objects.values_list("pk", "updated_at"))
    assert after[events[0]["id"]] > stamps[events[0]["id"]]
    assert after[events[1]["id"]] == stamps[events[1]["id"]]


def test_api_writes_are_kept_as_revisions(users, make_story):
    from reversion.models import Version

    editor = token_client(users["editor"])
    story = make_story(status=Story.Status.DRAFT)

    url = f"{API}/stories/{story.pk}/"
    editor.patch(url, {"headline": "Second thoughts"}, format="json", **if_match(editor, url))

    version = Version.objects.get_for_object(story).first()
    assert version is not None
    assert version.revision.user == users["editor"]
    assert version.field_dict["headline"] == "Second thoughts"


def test_deleting_a_story_moves_it_to_the_trash(users, make_story):
    editor = token_client(users["editor"])
    story = make_story()

    url = f"{API}/stories/{story.pk}/"
    response = editor.delete(url, **if_match(editor, url))

    assert response.status_code == 204
    assert editor.get(f"{API}/stories/{story.pk}/").status_code == 404
    trashed = Story.all_objects.get(pk=story.pk)
    assert trashed.deleted_at is not None
    assert trashed.deleted_by == users["editor"]
    assert AuditEntry.objects.filter(action="trashed", story_id=story.pk).exists()


# People, organizations, sources, events ----------------------------------------------------


def png_upload(name="portrait.png", size=(120, 90)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_create_a_person_with_a_photo_by_multipart(admin_api):
    response = admin_api.post(
        f"{API}/people/",
        {"name": "Ada Example", "slug": "ada-example", "title": "Envoy", "photo": png_upload()},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    photo = response.json()["photo"]
    assert photo["url"].startswith("http://testserver/media/people/portrait")
    assert (photo["width"], photo["height"]) == (120, 90)
    assert response["Location"] == response.json()["api_url"]


@pytest.mark.parametrize("data_format", ["json", "multipart"])
def test_a_blank_slug_is_refused_in_json_and_form_data(admin_api, data_format):
    person = Person.objects.create(name="Ada", slug="ada")

    url = f"{API}/people/{person.pk}/"
    response = admin_api.patch(
        url, {"name": "0", "slug": ""}, format=data_format, **if_match(admin_api, url)
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"slug": ["This field may not be blank."]}
    person.refresh_from_db()
    assert (person.name, person.slug) == ("Ada", "ada")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": 0}, "description"),
        ({"sequence": "3"}, "sequence"),
        ({"story": "1"}, "story"),
        ({"cites": ["1"]}, "cites"),
        ({"title": True}, "title"),
    ],
)
def test_json_values_of_the_wrong_type_are_refused(admin_api, make_story, body, field):
    story = make_story(status=Story.Status.DRAFT, sources=1)
    event = story.events.first()

    url = f"{API}/events/{event.pk}/"
    response = admin_api.patch(url, body, format="json", **if_match(admin_api, url))

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_patched_section_needs_complete_rows(admin_api, make_story):
    story = make_story(status=Story.Status.DRAFT, contexts=1)

    url = f"{API}/stories/{story.pk}/"
    response = admin_api.patch(
        url,
        {"historical_contexts": [{"title": "No dates, no story"}], "new_category": {"name": "X"}},
        format="json",
        **if_match(admin_api, url),
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors["historical_contexts"]["0"]) == {"period_start", "what_happened"}
    assert "slug" in errors["new_category"]
    assert story.historical_contexts.count() == 1


@pytest.mark.parametrize(
    ("change", "section", "field"),
    [
        (lambda p: p.update(category="rule\x00changes"), None, "category"),
        (lambda p: p["people"][0].update(person="a\x00b"), "people", "person"),
        (lambda p: p["people"][0]["new_person"].update(slug="x\x00y"), "people", "new_person"),
        (lambda p: p.update(headline="A lone \ud83d surrogate"), None, "headline"),
    ],
    ids=["category-nul", "person-nul", "new-person-slug-nul", "surrogate"],
)
def test_text_no_database_can_store_is_a_400(admin_api, change, section, field):
    payload = seed_story_payload(people_exist=False)
    payload.pop("new_category")
    payload["category"] = "rule-changes"
    Category.objects.create(name="Rule Changes", slug="rule-changes")
    change(payload)
    before = counts()

    # json.dumps escapes the lone surrogate (\ud83d) as clients do; it cannot be UTF-8 encoded.
    body = json.dumps(payload)
    response = admin_api.post(f"{API}/stories/", body, content_type="application/json")

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in (errors[section]["0"] if section else errors)
    assert counts() == before


def test_duplicate_slug_is_a_field_error(admin_api, make_story):
    story = make_story(people=1)
    taken = story.story_people.get().person.slug

    response = admin_api.post(f"{API}/people/", {"name": "Twin", "slug": taken}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"slug": ["person with this slug already exists."]}


@pytest.mark.parametrize("endpoint", ["people", "organizations", "sources"])
def test_records_used_by_a_story_cannot_be_deleted(admin_api, make_story, endpoint):
    story = make_story(people=1, organizations=1, sources=1)
    obj_id = {
        "people": story.story_people.get().person_id,
        "organizations": story.story_organizations.get().organization_id,
        "sources": story.story_sources.get().source_id,
    }[endpoint]

    url = f"{API}/{endpoint}/{obj_id}/"
    response = admin_api.delete(url, **if_match(admin_api, url))

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "conflict"
    assert admin_api.get(f"{API}/{endpoint}/{obj_id}/").status_code == 200


def test_unused_records_can_be_deleted(admin_api):
    person = Person.objects.create(name="Nobody", slug="nobody")

    url = f"{API}/people/{person.pk}/"
    assert admin_api.delete(url, **if_match(admin_api, url)).status_code == 204
    assert not Person.objects.filter(pk=person.pk).exists()


def test_add_an_event_to_a_story_citing_its_sources(admin_api, make_story):
    story = make_story(events=1, sources=2, status=Story.Status.DRAFT)
    before = Story.objects.get(pk=story.pk).updated_at

    response = admin_api.post(
        f"{API}/events/",
        {
            "story": story.pk,
            "date": "2024-01-01",
            "precision": "year",
            "title": "A year to remember",
            "description": "Much happened.",
            "kind": "political",
            "cites": [2],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    event = response.json()
    assert event["date_display"] == "2024"
    assert event["cites"] == [2]
    assert event["citations"][0]["source_id"] == story.story_sources.get(position=2).source_id
    assert Story.objects.get(pk=story.pk).updated_at > before

    def post(**changes):
        body = {"story": story.pk, "date": "2024-03-01", "title": "x", "description": "."}
        return admin_api.post(f"{API}/events/", {**body, **changes}, format="json")

    wrong_day = post(date="2024-03-02", precision="month")
    uncited = post(cites=[3])
    assert wrong_day.status_code == uncited.status_code == 400
    assert "first day of that month" in wrong_day.json()["errors"]["date"][0]
    assert "no source number 3" in uncited.json()["errors"]["cites"][0]
    assert story.events.count() == 2
