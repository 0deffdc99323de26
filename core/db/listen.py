"""A value read from PostgreSQL once and kept in this process until a NOTIFY says it moved.

`Notified(channel, read)` answers `get()` from memory while its listener thread holds a live
`LISTEN channel` connection that has heard nothing since the value was read; otherwise it
reads again (and on SQLite, or with settings.DB_LISTEN off, it always reads). Writers
`NOTIFY` in the transaction that changes what the value depends on, so the notification
arrives when, and only if, that transaction commits.

What keeps it never stale:

- A generation counter, moved by every notification and every (re)connection of the
  listener: a value read while the counter moved is returned but not kept.
- Liveness: the thread checks its connection every `tick` seconds; a listener not heard from
  for `LIVE_SECONDS` (a frozen server, a dropped network path) is not trusted, and every
  request reads again, as without a listener, until it is back.
- An expiry `read` may give with its value (the content version moves by itself when a
  scheduled story comes out).

One thread and one connection per process, started lazily (after a fork, each gunicorn
worker starts its own), as core.db.watchdog does.
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger("newsroom.db")

# A listener whose last check is older than this is not trusted.
LIVE_SECONDS = 2.5


class Notified:
    tick = 1.0  # seconds between liveness checks of the listening connection

    def __init__(self, channel: str, read: Callable[[], tuple[object, datetime | None]]):
        self.channel = channel
        self._read = read
        self._generation = 0
        self._alive_at = 0.0  # monotonic time of the listener's last successful check
        self._kept: tuple[int, object, datetime | None] | None = None
        self._pid = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def enabled(self) -> bool:
        return connection.vendor == "postgresql" and getattr(settings, "DB_LISTEN", False)

    def get(self):
        if not self.enabled():
            return self._read()[0]
        self._ensure_thread()
        generation, live = self._generation, self.live()
        kept = self._kept
        if live and kept is not None and kept[0] == generation:
            expires = kept[2]
            if expires is None or timezone.now() < expires:
                return kept[1]
        value, expires = self._read()
        if live and self._generation == generation:
            self._kept = (generation, value, expires)
        return value

    def live(self) -> bool:
        return time.monotonic() - self._alive_at < LIVE_SECONDS

    def moved(self) -> None:
        """Forget the kept value (a notification, or a listener that may have missed one)."""
        self._generation += 1  # written by the listener thread only
        self._kept = None

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._alive_at, self._kept = 0.0, None  # a forked child listens for itself
            self._stopping.clear()
            self._thread = threading.Thread(
                target=self._run, name=f"db-listen-{self.channel}", daemon=True
            )
            self._thread.start()
            self._pid = os.getpid()

    def stop(self, timeout: float = 5.0) -> None:
        """End this process's listener and its connection (a test database must be dropped)."""
        thread = self._thread
        if thread is None or self._pid != os.getpid():
            return
        self._stopping.set()
        thread.join(timeout)
        self._pid = self._thread = None
        self._stopping.clear()

    def _run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                self._listen()
            except Exception as exc:  # the server went away: read per request until it is back
                logger.warning("Listening for %s stopped (%s); retrying.", self.channel, exc)
            self._alive_at = 0.0
            self.moved()
            if self._stopping.wait(backoff):
                break
            backoff = min(backoff * 2, 10.0)

    def _listen(self) -> None:
        import psycopg
        from psycopg import sql

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        # A dropped network path ends the connection in about 10 s instead of never.
        params.update(keepalives=1, keepalives_idle=4, keepalives_interval=2, keepalives_count=3)
        params["application_name"] = f"newsroom listen {self.channel}"  # as pg_stat_activity shows
        with psycopg.connect(**params, autocommit=True) as listening:
            listening.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self.moved()  # anything before LISTEN was not heard
            while not self._stopping.is_set():
                self._alive_at = time.monotonic()
                # Notifications that came during the SELECT below wait in psycopg's backlog.
                for _ in listening.notifies(timeout=self.tick):
                    self.moved()
                listening.execute("SELECT 1")  # a dead connection raises here
