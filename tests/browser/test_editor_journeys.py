"""Editors at work in the admin, in Chromium at 1280 px against the live server.

- An editor builds the wire-report story (the military hotline used once in the Ukraine war)
  from a blank form, publishes it from the form and reads it on the site.
- A writer submits a story; the editor finds it on the desk and publishes it.
- Two editors open the same story: the second is told before typing.
"""

import datetime as dt
import re
from importlib import import_module

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from playwright.sync_api import expect

from stories.models import Story
from tests import factories

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "a-long-Passphrase-9"
ROLES = import_module("stories.migrations.0005_editorial_groups")
# axe-core rules the newsroom's admin templates answer for (the section inlines, the contents
# line, the error summary, the presence notice).
OUR_RULES = {
    "nested-interactive",
    "empty-table-header",
    "color-contrast",
    "link-name",
    "listitem",
    "aria-allowed-role",
    "landmark-unique",
    "heading-order",
}


def _role(name: str, wanted) -> Group:
    """The Writer or Editor group as its migration makes it (a transactional test flushes it)."""
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in wanted
    )
    return group


@pytest.fixture
def site(live_server, transactional_db, django_user_model):
    cache.clear()
    writer_role, editor_role = _role("Writer", ROLES.WRITER), _role("Editor", ROLES.EDITOR)
    for username, full_name, role in (
        ("wendy", "Wendy Writer", writer_role),
        ("eddie", "Eddie Editor", editor_role),
        ("erin", "Erin Editor", editor_role),
    ):
        first, last = full_name.split()
        user = django_user_model.objects.create_user(
            username, password=PASSWORD, is_staff=True, first_name=first, last_name=last
        )
        user.groups.add(role)
    return live_server.url


class Editor:
    """A staff member's browser window; every action an editor takes is counted as a step."""

    def __init__(self, browser, site: str, username: str):
        self.context = browser.new_context(viewport=DESKTOP)
        self.page = self.context.new_page()
        self.site = site
        self.steps = 0
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on(
            "response",
            lambda r: r.status >= 500 and self.problems.append(f"{r.status} for {r.url}"),
        )
        self.page.goto(site + "/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        expect(self.page.locator("#user-tools")).to_contain_text("Welcome")

    def go(self, path: str):
        self.steps += 1
        self.page.goto(self.site + path)

    def fill(self, selector: str, text: str):
        self.steps += 1
        self.page.fill(selector, text)

    def type(self, selector: str, text: str):
        """Type key by key, as scripts listening to keys (the slug from the headline) need."""
        self.steps += 1
        self.page.locator(selector).press_sequentially(text)

    def select(self, selector: str, value: str):
        self.steps += 1
        self.page.select_option(selector, value)

    def click(self, locator):
        self.steps += 1
        (self.page.locator(locator) if isinstance(locator, str) else locator).first.click()

    def pick(self, select_id: str, typed: str, choice: str):
        """Choose in an autocomplete picker: open it, type, click the match (3 steps)."""
        self.click(f"#{select_id} + .select2, #{select_id} ~ .select2")
        self.fill(".select2-container--open .select2-search__field", typed)
        self.click(self.page.locator(".select2-results__option", has_text=choice))
        expect(self.page.locator(f"#{select_id}")).not_to_have_value("")

    def add_row(self, prefix: str) -> int:
        """Add a row to a section; returns its index."""
        self.click(f"#{prefix}-group .add-row a")
        return int(self.page.input_value(f"#id_{prefix}-TOTAL_FORMS")) - 1

    def fits(self):
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= DESKTOP["width"], f"{self.page.url} is {width}px wide"

    def violations(self, rules: set[str]) -> list[str]:
        """axe-core's findings of `rules` on the page. Django's own admin widgets still have
        findings of their own (select2's search boxes have no label), so the checks here name
        the rules the newsroom's templates are responsible for."""
        results = Axe().run(self.page)
        return [
            f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["id"] in rules
        ]

    def close(self):
        self.context.close()
        assert self.problems == []


def test_an_editor_builds_the_wire_story_from_a_blank_form_and_publishes_it(browser, site):
    category = factories.make_category(name="Security", slug="security")
    factories.make_person(name="Valery Gerasimov", title="Chief of the Russian General Staff")
    factories.make_person(name="Mark Milley", title="Chairman of the U.S. Joint Chiefs")
    factories.make_organization(name="U.S. European Command")
    factories.make_source(
        publisher="Reuters",
        title="U.S., Russia have used their military hotline once during Ukraine war",
        url="https://www.reuters.com/world/hotline-used-once/",
        published_on=dt.date(2022, 11, 29),
    )
    editor = Editor(browser, site, "eddie")
    page = editor.page

    editor.go("/admin/stories/story/add/")
    editor.fits()
    editor.type("#id_headline", "The U.S.-Russia military hotline has carried one call")
    # The slug follows the headline as it is typed (Django's prepopulated field).
    expect(page.locator("#id_slug")).to_have_value(
        "the-us-russia-military-hotline-has-carried-one-call"
    )
    editor.pick("id_category", "Secu", category.name)
    editor.fill("#id_dek", "A deconfliction line opened as the war began; Washington used it once.")
    editor.fill(
        "#id_overview",
        "A line between U.S. European Command and Russia's defence command centre has been "
        "used **once** since the invasion, a U.S. official says: Washington called about "
        "Russian operations near critical infrastructure in Ukraine.",
    )
    editor.fill(
        "#id_why_it_matters",
        "With relations at a post-Cold War low, a working line lowers the risk that a "
        "misreading between nuclear powers turns into a clash.",
    )

    for typed, title, kind in (
        ("2022-02-24", "Russia invades Ukraine; the deconfliction line is set up", "military"),
        ("March 2022", "The line is tested regularly but not used", "military"),
        ("2022-11-15", "A stray missile lands in Poland; the line is not used", "incident"),
        ("2022-11", "The U.S. places its one call over the line", "diplomatic"),
    ):
        row = editor.add_row("events")
        editor.fill(f"#id_events-{row}-date", typed)
        editor.fill(f"#id_events-{row}-title", title)
        editor.select(f"#id_events-{row}-kind", kind)
        editor.fill(f"#id_events-{row}-description", f"{title}.")

    row = editor.add_row("story_people")
    editor.pick(f"id_story_people-{row}-person", "Gerasim", "Valery Gerasimov")
    editor.fill(f"#id_story_people-{row}-role", "Russia's most senior general")
    row = editor.add_row("story_people")
    editor.pick(f"id_story_people-{row}-person", "Milley", "Mark Milley")
    editor.fill(f"#id_story_people-{row}-role", "Spoke to Gerasimov twice since the invasion")
    row = editor.add_row("story_organizations")
    editor.pick(f"id_story_organizations-{row}-organization", "European", "U.S. European Command")
    editor.fill(f"#id_story_organizations-{row}-role", "The U.S. end of the line")
    row = editor.add_row("story_sources")
    editor.pick(f"id_story_sources-{row}-source", "hotline", "Reuters")

    row = editor.add_row("indicators")
    editor.fill(f"#id_indicators-{row}-value", "1")
    editor.fill(f"#id_indicators-{row}-label", "Calls over the line since the invasion")
    row = editor.add_row("scenarios")
    editor.fill(f"#id_scenarios-{row}-title", "The line is used again in a crisis")
    editor.fill(f"#id_scenarios-{row}-description", "An incident near a nuclear plant.")
    editor.fits()

    # Published, with no time: it is published now, as the help text says.
    editor.select("#id_status", "published")
    editor.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    steps = editor.steps
    print(f"\nblank form to published: {steps} steps")
    assert steps <= 75

    story = Story.objects.get(slug="the-us-russia-military-hotline-has-carried-one-call")
    assert story.status == Story.Status.PUBLISHED and story.published_at is not None
    march = story.events.get(title__startswith="The line is tested")
    assert (march.date, march.precision) == (dt.date(2022, 3, 1), "month")
    assert [s.source.publisher for s in story.story_sources.all()] == ["Reuters"]
    assert sorted(p.person.name for p in story.story_people.all()) == [
        "Mark Milley",
        "Valery Gerasimov",
    ]

    # The reader's page shows it, with the month as it was typed.
    editor.go(story.get_absolute_url())
    expect(page.locator("h1")).to_have_text(story.headline)
    expect(page.locator("body")).to_contain_text("Mar 2022")
    expect(page.locator("body")).to_contain_text("Valery Gerasimov")
    expect(page.locator("body")).to_contain_text("Calls over the line since the invasion")
    editor.close()


def test_a_refused_save_leads_the_editor_to_the_failing_row(browser, site):
    story = factories.make_story(events=6, status=Story.Status.DRAFT)
    editor = Editor(browser, site, "eddie")
    editor.go(f"/admin/stories/story/{story.pk}/change/")
    editor.fits()
    # Folded rows, section headings and the contents line: nothing nested, nothing unnamed.
    assert editor.violations(OUR_RULES) == []
    # The sixth event is folded: open it, break its date, save.
    folded = editor.page.locator("#events-5 details.row-fold")
    expect(folded).not_to_have_attribute("open", "")
    editor.click(folded.locator("summary"))
    editor.fill("#id_events-5-date", "sometime soon")
    editor.click("input[name=_save]")
    summary = editor.page.locator("#error-summary")
    expect(summary).to_contain_text("Timeline events › row 6")
    editor.click(summary.get_by_role("link", name=re.compile("Timeline events › row 6")))
    expect(editor.page).to_have_url(re.compile("#events-5$"))
    expect(editor.page.locator("#id_events-5-date")).to_be_in_viewport()
    editor.fits()
    assert editor.violations(OUR_RULES) == []
    editor.close()


def test_a_writer_submits_and_the_editor_publishes_from_the_desk(browser, site):
    category = factories.make_category(name="Security", slug="security")
    writer = Editor(browser, site, "wendy")
    writer.go("/admin/stories/story/add/")
    writer.type("#id_headline", "Hotline used once")
    writer.pick("id_category", "Secu", category.name)
    writer.fill("#id_dek", "The deconfliction line has carried a single call.")
    writer.fill("#id_overview", "Washington called once, about operations near infrastructure.")
    writer.fill("#id_why_it_matters", "A working line lowers the risk of a clash.")
    # A writer cannot publish: the choice is not offered.
    options = writer.page.locator("#id_status option").all_inner_texts()
    assert "Published" not in options
    writer.select("#id_status", "review")
    writer.click("input[name=_save]")
    expect(writer.page.locator(".messagelist")).to_contain_text("was added successfully")
    writer.close()

    editor = Editor(browser, site, "eddie")
    editor.go("/admin/")
    expect(editor.page.locator(".desk-count")).to_have_text("Waiting for review (1)")
    waiting = editor.page.get_by_role("link", name="Hotline used once")
    expect(waiting).to_be_visible()
    editor.click(waiting)
    editor.select("#id_status", "published")
    editor.click("input[name=_save]")
    expect(editor.page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(editor.page.locator(".desk-count")).to_have_text("Waiting for review (0)")
    editor.go("/stories/hotline-used-once/")
    expect(editor.page.locator("h1")).to_have_text("Hotline used once")
    editor.close()


def test_the_second_editor_is_told_before_typing_and_can_take_over(browser, site, monkeypatch):
    from editorial.admin import presence

    monkeypatch.setattr(presence, "PING_SECONDS", 2)  # the live server runs in this process
    story = factories.make_story(events=2, status=Story.Status.DRAFT)
    path = f"/admin/stories/story/{story.pk}/change/"
    eddie = Editor(browser, site, "eddie")
    eddie.go(path)
    expect(eddie.page.locator("[data-presence-others] .presence-note")).to_have_count(0)

    erin = Editor(browser, site, "erin")
    erin.go(path)
    # On the page as it arrives: nothing typed, no script waited for.
    note = erin.page.locator("[data-presence-others]")
    expect(note).to_contain_text(
        re.compile(r"Eddie Editor has had this story open since \d\d:\d\d")
    )
    assert erin.page.input_value("#id_headline") == story.headline
    erin.fits()
    assert erin.violations(OUR_RULES) == []

    # Eddie's page learns of Erin on its next ping.
    expect(eddie.page.locator("[data-presence-others]")).to_contain_text(
        "Erin Editor has had this story open since", timeout=10_000
    )

    # Erin takes over; Eddie is told on his next ping.
    erin.click(note.get_by_role("link", name="Take over editing"))
    erin.click("input[type=submit][value='Take over editing']")
    expect(erin.page).to_have_url(re.compile(rf"{path}$"))
    expect(eddie.page.locator("#presence")).to_contain_text(
        "Erin Editor took over editing at", timeout=10_000
    )

    # The soft lock is not a lock: saves stay guarded by the edit-conflict check.
    erin.fill("#id_dek", "Erin's summary line")
    erin.click("input[name=_save]")
    expect(erin.page.locator(".messagelist")).to_contain_text("was changed successfully")
    eddie.fill("#id_dek", "Eddie's summary line")
    eddie.click("input[name=_save]")
    expect(eddie.page.locator(".errornote")).to_be_visible()
    expect(eddie.page.locator("body")).to_contain_text("erin saved this story")
    story.refresh_from_db()
    assert story.dek == "Erin's summary line"
    eddie.close()
    erin.close()
