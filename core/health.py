"""Health probes for load balancers and orchestrators.

`/healthz` (liveness): the process answers; it touches nothing else, so a database outage
never makes an orchestrator restart healthy workers. `/readyz` (readiness): the database
answers a query and the cache a round trip. Only the database decides readiness (503 with
Retry-After when it fails): without the cache the site still serves, uncached, so a Redis
outage reports `"degraded"` with 200 instead of taking every replica out of rotation.

Compared with django-health-check 4.8: its view is async (an event loop per probe under
WSGI), opens a new database connection for every probe instead of using the worker's, answers
500 rather than 503, and fails the probe when any check fails — the cache included.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe


@require_safe
def healthz(request):
    response = HttpResponse("ok", content_type="text/plain")
    add_never_cache_headers(response)
    return response


def _timed(check):
    started = time.monotonic()
    try:
        ok, detail = check()
    except Exception as exc:  # a probe reports; it never raises
        ok, detail = False, type(exc).__name__
    return {"ok": ok, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}


def _database():
    # The migration record: there whatever the product holds, and a migrated database has it.
    return MigrationRecorder(connection).migration_qs.exists(), connection.vendor


def _cache():
    key = f"newsroom:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    found = cache.get(key) == "1"
    cache.delete(key)
    return found, type(cache).__name__


@require_safe
def readyz(request):
    checks = {"database": _timed(_database), "cache": _timed(_cache)}
    if not checks["database"]["ok"]:
        try:
            connection.close()  # a broken connection is not reused by the next probe
        except DatabaseError:
            pass
        response = JsonResponse({"status": "unavailable", "checks": checks}, status=503)
        response["Retry-After"] = str(settings.DB_UNAVAILABLE_RETRY_AFTER)
    else:
        status = "ok" if checks["cache"]["ok"] else "degraded"
        response = JsonResponse({"status": status, "checks": checks})
    add_never_cache_headers(response)
    return response
