"""Settings, deployment checks and the compose file: the project as operators see it."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x9Q!7rT#2mZ&5vB@8nL$4pW^" * 2,
    "ALLOWED_HOSTS": "news.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.com",
}


def manage(*args, env=None):
    base = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_selects_postgresql_and_sqlite_is_the_default():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['CONN_HEALTH_CHECKS'], d['CONN_MAX_AGE'])"
    )
    pg = manage(
        "shell", "-c", code, env={**PRODUCTION_ENV, "DATABASE_URL": "postgres://u:p@db:5432/news"}
    )
    assert pg.stdout.split()[-4:] == ["core.db.postgresql", "news", "True", "60"], pg.stderr
    sqlite = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={k: v for k, v in {**os.environ, **PRODUCTION_ENV}.items() if k != "DATABASE_URL"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sqlite.stdout.split()[-4] == "django.db.backends.sqlite3", sqlite.stderr


def test_settings_store_utc_and_log_request_errors_to_stderr(settings):
    assert settings.TIME_ZONE == "UTC"
    assert settings.USE_TZ
    assert settings.DISPLAY_TIME_ZONE
    assert settings.LOGGING["loggers"]["django.request"]["handlers"] == ["stderr"]
    assert settings.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_compose_file_runs_postgres_and_the_app():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    db, web, migrate, lb = (services[name] for name in ("db", "web", "migrate", "lb"))
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert web["build"] == "." and migrate["build"] == "."
    # Migrations run once, before any replica starts; replicas never migrate themselves.
    assert "migrate" in migrate["command"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" not in " ".join(web["command"])
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    redis = services["redis"]
    assert redis["image"].startswith("redis:") and "ping" in redis["healthcheck"]["test"]
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert web["environment"]["REDIS_URL"].startswith("redis://redis:")
    # Two app containers with several workers each, behind one load balancer.
    assert web["deploy"]["replicas"] >= 2
    assert int(web["environment"]["WEB_CONCURRENCY"]) > 1
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
    assert web["command"][:3] == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
    assert int(web["environment"]["DB_STATEMENT_TIMEOUT_MS"]) > 0
    assert "ports" not in web  # reached through the load balancer only
    assert any(port.endswith(":80") and "8000" in port for port in lb["ports"])
    assert lb["depends_on"]["web"]["condition"] == "service_healthy"
    conf_host, conf_target = lb["volumes"][0].split(":")[:2]
    nginx = (ROOT / conf_host).read_text()
    assert "server web:8000" in nginx and "proxy_pass http://newsroom" in nginx
    assert "X-Forwarded-For" in nginx
    # The operator's own .env (from .env.example, tests/test_security.py); compose sets the rest.
    assert web["env_file"] == ".env"
    example = (ROOT / ".env.example").read_text().splitlines()
    keys = {line.split("=", 1)[0] for line in example if "=" in line and not line.startswith("#")}
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"} <= keys
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile and "migrate" in dockerfile and "collectstatic" in dockerfile
    assert "gunicorn -c deploy/gunicorn.conf.py" in dockerfile


def test_gunicorn_config_threads_timeouts_and_logged_worker_kills(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert conf["workers"] == 3 and conf["worker_class"] == "gthread" and conf["threads"] > 1
    assert conf["control_socket_disable"] is True
    # Requests give up on the database (a few seconds) long before gunicorn kills a worker.
    assert conf["timeout"] >= 30
    assert callable(conf["worker_abort"]) and callable(conf["child_exit"])


def test_no_missing_migrations():
    result = manage("makemigrations", "--check", "--dry-run", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ping_answers_without_touching_the_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/ping/")
    assert response.status_code == 200 and response.content == b"pong"
    assert "no-cache" in response["Cache-Control"]
