"""Django's PostgreSQL backend, with a deadline the client keeps even when the server cannot.

`statement_timeout` (set per connection in the settings) ends a slow query on a live server.
A server that is frozen (stopped, swapped out, behind a dropped network path) enforces
nothing: its kernel keeps the TCP connection open and libpq waits forever, so every worker
thread ends up stuck until gunicorn kills it. Here each round trip — queries, the health
check Django runs before reusing a connection, commits and rollbacks — is watched, and a
round trip still waiting `DB_CLIENT_TIMEOUT` seconds after it began has its socket shut
down: libpq returns at once with an OperationalError, the request answers 503
(core.faults), and the broken connection is dropped at the end of the request. New
connections are bounded by libpq's own `connect_timeout`.
"""

import contextlib

from django.conf import settings
from django.db.backends.postgresql import base

from core.db.watchdog import watchdog


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute_wrappers.append(self._watched_execute)

    def _deadline(self):
        limit = getattr(settings, "DB_CLIENT_TIMEOUT", 0)
        if not limit or self.connection is None:
            return contextlib.nullcontext()
        return watchdog.watch(self.connection, limit)

    def _watched_execute(self, execute, sql, params, many, context):
        with self._deadline():
            return execute(sql, params, many, context)

    def is_usable(self):
        with self._deadline():
            return super().is_usable()

    def _commit(self):
        with self._deadline():
            return super()._commit()

    def _rollback(self):
        with self._deadline():
            return super()._rollback()
