"""One thread per process that cuts database round trips which outlive their deadline."""

import logging
import os
import socket
import threading
import time

logger = logging.getLogger("newsroom.db")


class Watchdog:
    """Watches (psycopg connection, deadline) pairs; shuts down the socket of one past due.

    `watch()` costs a dict insert and delete; the thread wakes every `tick` seconds. It is
    started lazily in each process (after a fork, gunicorn's workers start their own).
    """

    tick = 0.2

    def __init__(self):
        self._watched: dict[int, tuple[float, object, float]] = {}
        self._lock = threading.Lock()
        self._pid = None

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._watched.clear()  # a forked child inherits no running round trips
            threading.Thread(target=self._run, name="db-watchdog", daemon=True).start()
            self._pid = os.getpid()

    def watch(self, connection, limit: float):
        return _Watch(self, connection, limit)

    def _run(self) -> None:
        while True:
            time.sleep(self.tick)
            now = time.monotonic()
            # A snapshot: request threads insert and remove entries meanwhile (each a single,
            # atomic dict operation).
            due = [(key, entry) for key, entry in list(self._watched.items()) if entry[0] <= now]
            for key, (_, connection, limit) in due:
                if self._watched.pop(key, None) is not None:
                    self._cut(connection, limit)

    @staticmethod
    def _cut(connection, limit: float) -> None:
        try:
            fd = connection.pgconn.socket
        except Exception:  # already closed
            return
        logger.error(
            "The database did not answer within %.1f s: cutting the connection so the "
            "request can fail fast (503) instead of hanging.",
            limit,
        )
        try:
            # A duplicate of the descriptor: shutting it down ends the shared socket's I/O,
            # and the blocked libpq call in the request thread returns with an error.
            sock = socket.socket(fileno=os.dup(fd))
            try:
                sock.shutdown(socket.SHUT_RDWR)
            finally:
                sock.close()
        except OSError:
            pass


class _Watch:
    __slots__ = ("_dog", "_connection", "_limit", "_key")

    def __init__(self, dog: Watchdog, connection, limit: float):
        self._dog, self._connection, self._limit = dog, connection, limit

    def __enter__(self):
        dog = self._dog
        dog._ensure_thread()
        self._key = object()
        dog._watched[id(self._key)] = (
            time.monotonic() + self._limit,
            self._connection,
            self._limit,
        )
        return self

    def __exit__(self, *exc):
        self._dog._watched.pop(id(self._key), None)
        return False


watchdog = Watchdog()
