"""Every kind of page runs under the strict Content-Security-Policy with nothing blocked.

Chromium reports each blocked script, style or other resource as a `securitypolicyviolation`
event; an init script collects them from before the first byte of each page. Console errors
count too (a policy the browser cannot parse, a feature it does not know, a script failing).
"""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from people.models import Organization, Person
from stories.models import Category, Story
from stories.services import demo_load

pytestmark = pytest.mark.browser

DEMO = "/stories/us-russia-restore-military-communication-channel/"
PASSWORD = "csp-Passphrase-42"
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
COLLECT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
));
"""


@pytest.fixture
def site(live_server, transactional_db):
    demo_load()
    User.objects.create_superuser("csp-editor", "csp@example.com", PASSWORD)
    cache.clear()
    return live_server.url


def _open(browser):
    context = browser.new_context()
    context.add_init_script(COLLECT)
    page = context.new_page()
    # The one outside file a page may load (ReDoc's logo, newsroom/api.py): served here, as
    # tests have no internet.
    page.route(
        "https://cdn.redoc.ly/redoc/logo-mini.svg",
        lambda route: route.fulfill(content_type="image/svg+xml", body=LOGO),
    )
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"script error: {e}"))
    return context, page, errors


def _visit(page, errors, url, *, ready=None, status=200):
    errors.clear()
    response = page.goto(url, wait_until="networkidle")
    assert response.status == status, url
    if ready:
        page.wait_for_selector(ready, timeout=30_000)
    page.wait_for_timeout(300)
    found = page.evaluate("window.__violations")
    if status == 404:  # the page itself "failed to load": that is the point of it
        errors[:] = [e for e in errors if "status of 404" not in e]
    return found + [f"console: {e}" for e in errors]


def test_reader_pages_have_no_policy_violations(browser, site):
    person, organization = Person.objects.first(), Organization.objects.first()
    pages = [
        "/",
        DEMO,
        person.get_absolute_url(),
        organization.get_absolute_url(),
        Category.objects.first().get_absolute_url(),
        "/search/?q=russia",
        "/accounts/signup/",
        "/accounts/login/",
    ]
    context, page, errors = _open(browser)
    problems = {path: _visit(page, errors, site + path) for path in pages}
    problems["404"] = _visit(page, errors, site + "/no-such-page/", status=404)
    context.close()
    assert {path: found for path, found in problems.items() if found} == {}


def test_signed_in_pages_admin_and_api_docs_have_no_policy_violations(browser, site):
    context, page, errors = _open(browser)
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "csp-editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site + "/admin/")
    story_id = Story.objects.get().pk
    pages = {
        "following": ("/following/", None),
        "account": ("/accounts/", None),
        "admin index": ("/admin/", None),
        "admin changelist": ("/admin/stories/story/", None),
        "admin change form": (f"/admin/stories/story/{story_id}/change/", None),
        "admin history": (f"/admin/stories/story/{story_id}/history/", None),
        "browsable API root": ("/api/v1/", None),
        "browsable API list with filters": ("/api/v1/stories/", None),
        "Swagger UI": ("/api/docs/", ".swagger-ui .info .title"),
        "Redoc": ("/api/redoc/", "#redoc-container h1"),
    }
    problems = {
        name: _visit(page, errors, site + path, ready=ready)
        for name, (path, ready) in pages.items()
    }
    # Swagger UI draws an operation's details when it is opened: they must pass too.
    _visit(page, errors, site + "/api/docs/", ready=".opblock-summary")
    page.click(".opblock-summary >> nth=0")
    page.wait_for_selector(".opblock-body", timeout=10_000)
    page.wait_for_timeout(300)
    problems["Swagger UI operation"] = page.evaluate("window.__violations") + errors
    context.close()
    assert {name: found for name, found in problems.items() if found} == {}
