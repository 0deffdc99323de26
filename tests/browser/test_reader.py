"""The reader site in headless Chromium: layout at phone and desktop widths, navigation,
search, keyboard focus, print, no-JavaScript reading, and axe-core accessibility checks."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from people.models import Person, StoryPerson
from stories.services import demo_load
from tests import factories

pytestmark = pytest.mark.browser

DEMO = "/stories/us-russia-restore-military-communication-channel/"
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
SECTIONS = [
    "overview",
    "why-it-matters",
    "voices",
    "key-indicators",
    "people",
    "organizations",
    "timeline",
    "scenarios",
    "historical-context",
    "sources",
    "related",
]


@pytest.fixture
def site(live_server, transactional_db):
    """The demo story, plus a published story sharing one of its people (for Related stories)."""
    demo_load()
    related = factories.make_story(headline="Arctic Patrols Test the New Hotline", events=2)
    StoryPerson.objects.create(
        story=related, person=Person.objects.get(slug="valery-gerasimov"), role="Commander"
    )
    return live_server.url


@pytest.fixture
def open_page(browser, site):
    """Open a page at a named viewport; fails the test on script errors or failed requests."""
    contexts = []
    problems: list[str] = []

    def open_(path: str, viewport: str = "desktop", *, expect_status: int = 200, **options):
        context = browser.new_context(viewport=VIEWPORTS[viewport], **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and r.url != site + path
                and problems.append(f"{r.status} for {r.url}")
            ),
        )
        response = page.goto(site + path)
        assert response.status == expect_status, f"{path} answered {response.status}"
        return page

    yield open_
    for context in contexts:
        context.close()
    assert problems == []


def assert_no_horizontal_scroll(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px window"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_demo_story_shows_every_section_without_horizontal_scroll(open_page, viewport):
    page = open_page(DEMO, viewport)

    expect(page.locator("h1")).to_have_text(
        "U.S. and Russia Restore Military Communication Channel"
    )
    expect(page.locator(".story-head .latest-update")).to_be_visible()
    for section in SECTIONS:
        locator = page.locator(f"#{section}")
        locator.scroll_into_view_if_needed()
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[viewport]["width"], section
    expect(page.locator(".event")).to_have_count(13)
    expect(page.locator(".scenario")).to_have_count(4)
    expect(page.locator(".context")).to_have_count(3)
    expect(page.get_by_role("link", name="Back to top")).to_be_visible()
    assert_no_horizontal_scroll(page)
    toc = page.get_by_role("navigation", name="In this story")
    if viewport == "desktop":
        expect(toc).to_be_visible()
        # The table of contents stays in view beside the article as the reader scrolls.
        page.locator("#sources").scroll_into_view_if_needed()
        expect(toc).to_be_in_viewport()
    else:
        expect(toc).to_be_hidden()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_list_and_profile_pages_fit_the_screen(open_page, viewport):
    for path in [
        "/",
        "/people/valery-gerasimov/",
        "/categories/rule-changes/",
        "/search/?q=hotline",
    ]:
        page = open_page(path, viewport)
        expect(page.locator("h1")).to_have_count(1)
        assert_no_horizontal_scroll(page)


def test_citation_mark_jumps_to_its_source(open_page):
    page = open_page(DEMO, "phone")
    mark = page.locator("#key-indicators .cite").first
    number = mark.inner_text()
    mark.click()
    expect(page).to_have_url(re.compile(rf"#source-{number}$"))
    expect(page.locator(f"#source-{number}")).to_be_in_viewport()


def test_reader_follows_a_person_link_and_comes_back(open_page):
    page = open_page(DEMO, "phone")
    page.get_by_role("link", name="Valery Gerasimov").click()

    expect(page).to_have_url(re.compile(r"/people/valery-gerasimov/$"))
    expect(page.locator("h1")).to_have_text("Valery Gerasimov")
    expect(page.get_by_role("link", name="Arctic Patrols Test the New Hotline")).to_be_visible()
    page.get_by_role("link", name="U.S. and Russia Restore Military Communication Channel").click()
    expect(page).to_have_url(re.compile(re.escape(DEMO) + "$"))


def test_search_from_the_header_on_desktop(open_page):
    page = open_page("/", "desktop")
    page.get_by_role("searchbox", name="Search stories").fill("Gerasimov")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=Gerasimov$"))
    expect(page.locator(".result-count")).to_contain_text("2 stories match")
    expect(page.get_by_role("link", name="Valery Gerasimov")).to_be_visible()
    page.get_by_role("link", name="Valery Gerasimov").click()
    expect(page.locator("h1")).to_have_text("Valery Gerasimov")


def test_search_on_a_phone_and_a_polite_no_result(open_page):
    page = open_page("/", "phone")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    box = page.get_by_role("searchbox")
    expect(box).to_be_focused()
    box.fill("New START")
    page.get_by_role("button", name="Search").click()
    expect(
        page.get_by_role("link", name=re.compile("Restore Military Communication"))
    ).to_be_visible()
    box = page.get_by_role("searchbox")
    box.fill("'; <zebra> --")
    box.press("Enter")
    expect(page.locator(".search-results")).to_contain_text("No stories match")


def test_keyboard_focus_is_visible_and_skip_link_works(open_page):
    page = open_page(DEMO, "desktop")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const el = document.activeElement; const s = getComputedStyle(el);"
        " return {inHeader: !!el.closest('.site-header'), outline: s.outlineStyle,"
        " width: parseFloat(s.outlineWidth)}; }"
    )
    assert focused["inHeader"] is False  # the skip link moved focus past the header
    assert focused["outline"] != "none" and focused["width"] >= 2


def test_story_reads_without_javascript(open_page):
    page = open_page(DEMO, "phone", java_script_enabled=False)
    for section in SECTIONS:
        expect(page.locator(f"#{section}")).to_be_attached()
    expect(page.locator(".event").first).to_be_visible()


def test_print_stylesheet_drops_site_chrome(open_page):
    page = open_page(DEMO, "desktop")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="In this story")).to_be_hidden()
    expect(page.locator(".header-search")).to_be_hidden()
    expect(page.locator("#related")).to_be_hidden()
    expect(page.locator("#timeline")).to_be_visible()


def test_dark_theme_follows_the_system_setting(open_page):
    light = open_page(DEMO, "phone", color_scheme="light")
    dark = open_page(DEMO, "phone", color_scheme="dark")
    background = "() => getComputedStyle(document.body).backgroundColor"
    assert light.evaluate(background) == "rgb(255, 255, 255)"
    assert dark.evaluate(background) != light.evaluate(background)


def test_signed_in_reader_follows_the_story_and_reads_the_voices(
    open_page, browser, site, django_user_model
):
    from django.conf import settings
    from django.test import Client

    reader = django_user_model.objects.create_user("phone-reader", password="pw-12345678")
    client = Client()
    client.force_login(reader)
    page = open_page("/", "phone")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    page.goto(site + DEMO)
    page.get_by_role("button", name="Follow this story").click()

    expect(page.get_by_role("status")).to_contain_text("You follow")
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    voices = page.locator("#voices")
    expect(voices).to_contain_text("Fictional content for perspective")
    expect(voices.locator(".voice")).to_have_count(2)
    assert_no_horizontal_scroll(page)
    assert serious_violations(page) == []


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize(
    "path, viewport, scheme, status",
    [
        (DEMO, "phone", "light", 200),
        (DEMO, "desktop", "dark", 200),
        ("/", "phone", "light", 200),
        ("/", "desktop", "dark", 200),
        ("/people/valery-gerasimov/", "phone", "light", 200),
        ("/organizations/united-states-european-command/", "desktop", "light", 200),
        ("/categories/rule-changes/", "desktop", "light", 200),
        ("/search/?q=hotline", "phone", "dark", 200),
        ("/search/?q=zebra", "desktop", "light", 200),
        ("/no-such-page/", "phone", "light", 404),
    ],
    ids=[
        "story-phone",
        "story-desktop-dark",
        "brief-phone",
        "brief-desktop-dark",
        "person",
        "organization",
        "category",
        "search-dark",
        "search-empty",
        "not-found",
    ],
)
def test_axe_finds_no_serious_violations(open_page, path, viewport, scheme, status):
    page = open_page(path, viewport, expect_status=status, color_scheme=scheme)
    assert serious_violations(page) == []
