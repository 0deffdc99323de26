"""The content version kept in memory (core.db.listen, stories.versions): no query per cached
page, and never stale — a commit's NOTIFY, a scheduled publication and a lost listener each
make the next request read it again. PostgreSQL only (SQLite reads it every time)."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.utils import timezone

from core.db.listen import Notified
from stories import versions
from stories.models import Story
from tests.factories import make_story

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"
)


@pytest.fixture
def listening(settings, transactional_db):
    settings.DB_LISTEN = True
    versions.content_version()  # starts this process's listener
    _wait_for(versions._kept.live, "the listener to connect")
    yield versions._kept
    versions._kept.stop()  # its connection would keep the test database from being dropped


def _wait_for(condition, what: str, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.02)


def _fresh() -> str:
    return versions._read_version()[0]


def _settled():
    """The NOTIFY of what the test just committed has arrived (it takes milliseconds)."""
    time.sleep(0.3)


def test_a_kept_version_costs_no_query(listening, django_assert_num_queries):
    make_story()
    _settled()
    first = versions.content_version()
    with django_assert_num_queries(0):
        again = versions.content_version()
    assert again == first == _fresh()


def test_a_committed_change_moves_it_at_once(listening):
    story = make_story()
    _wait_for(lambda: versions.content_version() == _fresh(), "the story's own change")
    before = versions.content_version()
    Story.objects.filter(pk=story.pk).get().save()  # commits: the change log and its NOTIFY
    _wait_for(lambda: versions.content_version() != before, "the NOTIFY", seconds=1.0)
    assert versions.content_version() == _fresh()


def test_a_scheduled_story_coming_out_moves_it_without_a_notify(listening):
    soon = timezone.now() + dt.timedelta(seconds=1.5)
    make_story(published_at=soon)
    _wait_for(lambda: versions.content_version() == _fresh(), "the story's own change")
    before = versions.content_version()
    time.sleep(max((soon - timezone.now()).total_seconds(), 0) + 0.05)
    assert versions.content_version() != before
    assert versions.content_version() == _fresh()


def test_a_lost_listener_reads_per_request_until_it_is_back(listening, django_assert_num_queries):
    make_story()
    _settled()
    versions.content_version()
    assert versions._kept._kept is not None
    with connection.cursor() as cursor:  # the server drops the listening connection
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name LIKE 'newsroom listen %%' AND datname = current_database()"
        )
    _wait_for(lambda: versions._kept._kept is None, "the listener to notice", seconds=3.0)
    # Until it listens again, nothing is kept: each read is a query.
    if not listening.live():
        with django_assert_num_queries(1):
            versions.content_version()
    _wait_for(listening.live, "the listener to reconnect", seconds=5.0)
    _settled()
    versions.content_version()
    with django_assert_num_queries(0):
        versions.content_version()


def test_a_value_read_while_a_notify_arrives_is_not_kept(settings, db):
    """The race: the value is read before a commit, its NOTIFY lands during the read."""
    settings.DB_LISTEN = True
    reads = []

    def read():
        reads.append(1)
        if len(reads) == 1:
            notified.moved()  # a commit's notification arrives mid-read
        return f"v{len(reads)}", None

    notified = Notified("newsroom_test_channel", read)
    notified._ensure_thread = lambda: None  # no thread: this test plays the listener
    notified._alive_at = time.monotonic()
    assert notified.get() == "v1"
    assert notified.get() == "v2"  # v1 was not kept
    assert notified.get() == "v2"  # v2 was
    assert len(reads) == 2


def test_an_unheard_listener_is_not_trusted(settings, db):
    settings.DB_LISTEN = True
    reads = []
    notified = Notified("newsroom_test_channel", lambda: (reads.append(1) or len(reads), None))
    notified._ensure_thread = lambda: None
    notified._alive_at = time.monotonic() - 10  # its last check is long past (a frozen server)
    assert [notified.get(), notified.get()] == [1, 2]
