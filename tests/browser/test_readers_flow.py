"""A reader on a phone: sign up, follow the demo story, come back after news, see exactly it.

Headless Chromium at 375 px against the live server; axe-core checks the account pages.
"""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import expect

from stories.models import Story
from stories.services import demo_load
from timelines.models import TimelineEvent

pytestmark = pytest.mark.browser

DEMO = "/stories/us-russia-restore-military-communication-channel/"
PHONE = {"width": 375, "height": 812}
PASSWORD = "a-long-Passphrase-9"


@pytest.fixture
def site(live_server, transactional_db):
    demo_load()
    cache.clear()  # rate-limit counters from earlier tests
    return live_server.url


@pytest.fixture
def phone(browser, site):
    """A page at phone width; the test fails on script errors and failed requests."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"{r.status} for {r.url}"),
    )
    yield page
    context.close()
    assert problems == []


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def assert_fits(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]}px wide in a {widths[1]}px window"


def assert_descriptions_exist(page):
    """Every id an input names in aria-describedby (help text, errors) is on the page."""
    missing = page.evaluate(
        """() => [...document.querySelectorAll("[aria-describedby]")].flatMap(el =>
            el.getAttribute("aria-describedby").split(/\\s+/)
              .filter(id => id && !document.getElementById(id))
              .map(id => `${el.name}: ${id}`))"""
    )
    assert missing == []


def test_sign_up_errors_are_announced_with_their_fields(phone, site):
    phone.goto(site + "/accounts/signup/")
    phone.get_by_label("Username").fill("amara")
    phone.get_by_label("Email").fill("amara@example.com")
    phone.get_by_label("Password", exact=True).fill("12345678")
    phone.get_by_label("Password confirmation").fill("12345678")
    phone.get_by_role("button", name="Create account").click()

    expect(phone.locator(".field-errors")).to_contain_text("too common")
    password = phone.get_by_label("Password confirmation")
    expect(password).to_have_attribute("aria-invalid", "true")
    described = password.get_attribute("aria-describedby").split()
    texts = [phone.locator(f"#{id_}").inner_text() for id_ in described]
    assert any("too common" in text for text in texts)
    assert_descriptions_exist(phone)
    assert_fits(phone)
    assert serious_violations(phone) == []


def test_a_phone_reader_signs_up_follows_and_sees_exactly_what_is_new(phone, site):
    # Sign up.
    phone.goto(site + "/accounts/signup/")
    expect(phone.locator("h1")).to_have_text("Create an account")
    assert_fits(phone)
    assert_descriptions_exist(phone)
    assert serious_violations(phone) == []
    phone.get_by_label("Username").fill("amara")
    phone.get_by_label("Email").fill("amara@example.com")
    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    phone.get_by_label("Password confirmation").fill(PASSWORD)
    phone.get_by_role("button", name="Create account").click()
    expect(phone.get_by_role("status")).to_contain_text("Welcome")

    # Follow the demo story.
    phone.goto(site + DEMO)
    phone.get_by_role("button", name="Follow this story").click()
    expect(phone.get_by_role("status")).to_contain_text("You follow")
    expect(phone.get_by_role("button", name="Unfollow")).to_be_visible()
    expect(phone.locator(".news-mark")).to_have_count(0)

    # Sign out, and back in.
    phone.get_by_role("link", name="Account").click()
    expect(phone.locator("h1")).to_have_text("Your account")
    assert_fits(phone)
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="Sign out").click()
    phone.goto(site + "/accounts/login/")
    phone.get_by_label("Username").fill("amara")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone).to_have_url(re.compile(r"/following/$"))
    expect(phone.locator(".following-item")).to_have_count(1)
    expect(phone.locator(".following-item")).to_contain_text("Nothing new since your last visit")

    # While the reader is away, a new timeline event is published.
    story = Story.objects.get(slug="us-russia-restore-military-communication-channel")
    event = TimelineEvent.objects.create(
        story=story,
        date=dt.date(2026, 2, 6),
        title="Hotline used for the first time",
        description="The two militaries spoke over the restored channel.",
        kind=TimelineEvent.Kind.DIPLOMATIC,
    )

    # Coming back: the Following page counts exactly one new event...
    phone.goto(site + "/following/")
    item = phone.locator(".following-item.has-news")
    expect(item).to_have_count(1)
    expect(item.locator(".news-count")).to_have_text("1 new event")
    assert_fits(phone)
    assert serious_violations(phone) == []

    # ...and the story marks exactly that event.
    item.get_by_role("link", name=story.headline).click()
    marks = phone.locator(".news-mark")
    expect(marks).to_have_count(1)
    expect(marks).to_have_text("New since your last visit")
    expect(phone.locator(".event-new")).to_have_count(1)
    expect(phone.locator(f"#event-{event.pk}")).to_contain_text("Hotline used for the first time")
    expect(phone.locator(f"#event-{event.pk} .news-mark")).to_be_visible()
    assert_fits(phone)

    # Having seen it, the next visit has nothing new.
    phone.goto(site + "/following/")
    expect(phone.locator(".following-item.has-news")).to_have_count(0)
    phone.goto(site + DEMO)
    expect(phone.locator(".news-mark")).to_have_count(0)
