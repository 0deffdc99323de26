"""Two writers at once with the same version: one wins, the other is refused, nothing is lost.

A real threaded server (Django's LiveServerThread, on this suite's ports) on PostgreSQL, where each request has its
own connection and transaction. In every round two threads wait on one barrier, then send
their write at the same moment, each changing a different field from the same version:

- API: PATCH /api/v1/stories/{id}/ with the same If-Match: exactly one 200, one 412;
- admin: the story change form posted by two signed-in editors with the same seen version:
  exactly one 302 (saved), one 200 with the refusal message;
- and one round without If-Match: both 428, nothing written.

After each round the stored story holds the winner's edit (no saved edit lost) and not the
loser's. SQLite runs one writer at a time by itself, so the race needs PostgreSQL.
"""

import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client, override_settings
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from rest_framework.authtoken.models import Token

from stories.models import Story
from tests.admin_forms import change_form_data, change_url
from tests.factories import make_story

ROUNDS = 50
TIMEOUT = 20  # seconds for one request; a round that hangs fails instead of stalling the suite

pytestmark = [
    pytest.mark.fault,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks race only on PostgreSQL"
    ),
]


PORTS = range(7100, 7120)  # this suite's own


@pytest.fixture(scope="module")
def live_url():
    """A threaded server of its own (each request on its own connection, as under gunicorn),
    over plain HTTP: its middleware reads these settings once, when it starts."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        ALLOWED_HOSTS=["127.0.0.1", "testserver"],
    ):
        for port in PORTS:
            server = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=port)
            server.daemon = True
            server.start()
            server.is_ready.wait(timeout=TIMEOUT)
            if server.error is None:
                break
            server.join(timeout=TIMEOUT)
        else:
            pytest.fail(f"no free port in {PORTS}")
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            server.terminate()
            server.join(timeout=TIMEOUT)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we want to see


def send(opener, method, url, *, body=None, headers=None):
    """(status, text) of one request; an HTTP error status is a result, not a raise."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def at_once(*calls):
    """Run the calls in threads released together by one barrier; return their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=TIMEOUT)
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    assert all(result is not None for result in results), "a writer did not finish"
    return results


def editor(name):
    """Staff with every content permission, publishing included, as the Editor group has.
    (Granted directly: a transactional test empties the tables, groups included.)"""
    user = User.objects.create_user(name, f"{name}@example.com", "pw-12345-long", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["stories", "people", "timelines"])
    )
    return user


@pytest.fixture
def figures():
    """What the rounds measured, printed for the record (run with -s to see it)."""
    found = {}
    yield found
    print(f"\nconcurrent writes: {json.dumps(found)}")


def test_two_api_writers_with_one_etag_one_wins_nothing_is_lost(
    live_url, transactional_db, figures
):
    story = make_story(status=Story.Status.DRAFT, events=2)
    url = f"{live_url}/api/v1/stories/{story.pk}/"
    opener = urllib.request.build_opener()
    tokens = [Token.objects.create(user=editor(f"api-editor-{n}")).key for n in (1, 2)]

    def patch(token, body, etag):
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        if etag is not None:
            headers["If-Match"] = etag
        return lambda: send(opener, "PATCH", url, body=json.dumps(body).encode(), headers=headers)

    started, lost, outcomes = time.monotonic(), 0, []
    for n in range(ROUNDS):
        etag = send_etag(opener, url, tokens[0])
        edits = [{"dek": f"Summary from round {n}"}, {"byline": f"Byline {n}"}]
        results = at_once(*(patch(t, e, etag) for t, e in zip(tokens, edits, strict=True)))
        statuses = sorted(status for status, _ in results)
        outcomes.append(statuses)
        stored = Story.objects.get(pk=story.pk)
        for (status, _), edit in zip(results, edits, strict=True):
            ((field, value),) = edit.items()
            kept = getattr(stored, field) == value
            if status == 200 and not kept:
                lost += 1
            assert status != 412 or not kept, ("a refused edit was written", n, field)
        assert statuses == [200, 412], (n, results)
    assert lost == 0

    before = Story.objects.get(pk=story.pk)
    no_if_match = at_once(
        patch(tokens[0], {"dek": "Blind one"}, None), patch(tokens[1], {"dek": "Blind two"}, None)
    )
    assert [status for status, _ in no_if_match] == [428, 428]
    assert all(json.loads(text)["code"] == "precondition_required" for _, text in no_if_match)
    after = Story.objects.get(pk=story.pk)
    assert (after.dek, after.version) == (before.dek, before.version)
    figures["api"] = {
        "rounds": ROUNDS,
        "one_200_one_412": sum(o == [200, 412] for o in outcomes),
        "lost_edits": lost,
        "without_if_match": [s for s, _ in no_if_match],
        "seconds": round(time.monotonic() - started, 1),
    }


def send_etag(opener, url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with opener.open(request, timeout=TIMEOUT) as response:
        return response.headers["ETag"]


def test_two_editors_saving_one_version_one_is_refused_nothing_is_lost(
    live_url, transactional_db, figures
):
    story = make_story(status=Story.Status.DRAFT, events=2)
    url = f"{live_url}{change_url(story)}"
    sessions = []
    for n in (1, 2):
        client = Client()
        client.force_login(editor(f"admin-editor-{n}"))
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        host = urllib.parse.urlsplit(live_url).hostname
        jar.set_cookie(cookie(host, "sessionid", client.cookies["sessionid"].value))
        status, page = send(opener, "GET", url)  # sets the CSRF cookie
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        sessions.append((client, opener, token))

    def post(opener, token, data):
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": url}
        return lambda: send(opener, "POST", url, body=body.encode(), headers=headers)

    started, lost, outcomes = time.monotonic(), 0, []
    base = change_form_data(sessions[0][0], story)
    for n in range(ROUNDS):
        seen = Story.objects.get(pk=story.pk).version
        edits = [{"dek": f"Summary from round {n}"}, {"byline": f"Byline {n}"}]
        forms = [{**base, "seen_version": seen, **edit} for edit in edits]
        results = at_once(*(post(o, t, f) for (_, o, t), f in zip(sessions, forms, strict=True)))
        statuses = sorted(status for status, _ in results)
        outcomes.append(statuses)
        stored = Story.objects.get(pk=story.pk)
        for (status, page), edit in zip(results, edits, strict=True):
            ((field, value),) = edit.items()
            kept = getattr(stored, field) == value
            if status == 302 and not kept:
                lost += 1
            if status == 200:
                assert "while you were editing it" in page, (n, "no refusal message")
                assert not kept, ("a refused edit was written", n, field)
        assert statuses == [200, 302], (n, statuses)
        base.update(dek=stored.dek, byline=stored.byline)  # the next round starts from here
    assert lost == 0
    figures["admin"] = {
        "rounds": ROUNDS,
        "one_302_one_refusal": sum(o == [200, 302] for o in outcomes),
        "lost_edits": lost,
        "seconds": round(time.monotonic() - started, 1),
    }


def cookie(host, name, value):
    return http.cookiejar.Cookie(
        0,
        name,
        value,
        None,
        False,
        host,
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )
