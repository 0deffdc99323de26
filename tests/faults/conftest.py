"""Fault-suite fixtures: a production-like stack on private servers (see servers.py)."""

import secrets

import pytest

from tests.faults import servers


@pytest.fixture(scope="session")
def secret_key():
    return secrets.token_urlsafe(50)


@pytest.fixture(scope="module")
def private_postgres():
    """A private PostgreSQL with the project migrated and the demo story loaded."""
    pg = servers.PostgresServer().start()
    try:
        url = pg.create_database()
        env = servers.app_env(DATABASE_URL=url, SECRET_KEY=secrets.token_urlsafe(50))
        servers.manage("migrate", "--noinput", env=env)
        servers.manage("load_demo", env=env)
        yield pg
    finally:
        pg.destroy()
