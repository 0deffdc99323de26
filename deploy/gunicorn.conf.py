"""gunicorn settings for production (Dockerfile, docker-compose.yml): `gunicorn -c deploy/gunicorn.conf.py newsroom.wsgi`.

Threaded workers, so one request waiting on a slow dependency does not stop the worker from
answering `/healthz` and other requests. Every request ends long before `timeout`: the
database gives up after DB_CONNECT_TIMEOUT / DB_STATEMENT_TIMEOUT_MS (newsroom.settings) and
answers 503. Should a worker still be killed, the hooks below log why: where each of its
threads was stuck, and which worker exited.
"""

import os
import sys
import traceback

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def worker_abort(worker):
    """Called in the worker when the arbiter kills it for outliving `timeout` (SIGABRT)."""
    stacks = []
    for thread_id, frame in sys._current_frames().items():
        stacks.append(f"thread {thread_id}:\n" + "".join(traceback.format_stack(frame)))
    worker.log.error(
        "Worker %s timed out after %s s and is being restarted; its threads were at:\n%s",
        worker.pid,
        timeout,
        "\n".join(stacks),
    )


def child_exit(server, worker):
    server.log.warning("Worker %s exited.", worker.pid)


def worker_int(worker):
    worker.log.info("Worker %s interrupted (SIGINT/SIGQUIT).", worker.pid)
