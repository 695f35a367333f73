"""Fixtures: ``app``, ``client`` and ``runner`` as in Flask's tutorial, on real databases.

Every test that uses the app runs twice: on a SQLite file and on PostgreSQL. PostgreSQL tests run when
``WELFARE_TEST_POSTGRESQL_URL`` is set (``.ci/run`` sets it) and are skipped with that reason otherwise.
Schemas are made by the real Alembic migrations, once per session; each test then gets a clean copy.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from helpers import base_config
from sqlalchemy import create_engine, text

from welfare_plans import create_app
from welfare_plans.db import Base, normalise_url

TESTS = Path(__file__).parent
POSTGRESQL_URL = os.environ.get("WELFARE_TEST_POSTGRESQL_URL")


def _upgrade(database_url: str, instance: Path) -> None:
    from welfare_plans import schema

    app = create_app(base_config(database_url, PLUGINS_STRICT=False))
    app.instance_path = str(instance)
    schema.upgrade(app)
    app.extensions["welfare_plans.db"].engine.dispose()


class SQLiteDatabase:
    def __init__(self, tmp_path_factory):
        self.template = tmp_path_factory.mktemp("sqlite-template") / "welfare.db"
        _upgrade(f"sqlite:///{self.template}", self.template.parent)

    def fresh(self, tmp_path: Path) -> str:
        target = tmp_path / "welfare.db"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def close(self) -> None:
        pass


class PostgreSQLDatabase:
    """A schema of our own in the shared server's database, so the suite leaves other data alone."""

    def __init__(self, tmp_path_factory):
        self.schema = f"welfare_test_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(normalise_url(POSTGRESQL_URL), isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        separator = "&" if "?" in POSTGRESQL_URL else "?"
        self.url = f"{POSTGRESQL_URL}{separator}options=-csearch_path%3D{self.schema}"
        _upgrade(self.url, tmp_path_factory.mktemp("pg-instance"))
        self.tables = [table.name for table in Base.metadata.sorted_tables]

    def fresh(self, tmp_path: Path) -> str:
        with self.admin.connect() as connection:
            tables = ", ".join(f'"{self.schema}"."{name}"' for name in self.tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return self.url

    def close(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    if request.param == "postgresql":
        if not POSTGRESQL_URL:
            pytest.skip(
                "PostgreSQL tests need WELFARE_TEST_POSTGRESQL_URL, e.g. postgresql://postgres@127.0.0.1:5432/test"
            )
        backend = PostgreSQLDatabase(tmp_path_factory)
    else:
        backend = SQLiteDatabase(tmp_path_factory)
    yield backend
    backend.close()


@pytest.fixture
def database_url(database, tmp_path) -> str:
    return database.fresh(tmp_path)


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on this test's clean database; keyword arguments override the configuration."""
    apps = []

    def factory(**overrides):
        overrides.setdefault("DOCUMENTS_DIR", str(tmp_path / "documents"))
        app = create_app(base_config(database_url, **overrides))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        executor = app.extensions.get("welfare_plans.jobs")
        if executor is not None:  # a job thread must not outlive its app and its connections
            executor.shutdown(wait=True)
        app.extensions["welfare_plans.db"].engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        from welfare_plans.catalog import get_contributions, sync_catalog

        sync_catalog(app.extensions["welfare_plans.db"].session(), get_contributions(app))
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def admin(app):
    from welfare_plans.accounts import create_user

    with app.app_context():
        from welfare_plans.db import db_session

        create_user(
            db_session(), email="admin@example.org", name="Ada Admin", password="a-long-password", admin=True
        )
    return {"email": "admin@example.org", "password": "a-long-password"}


@pytest.fixture
def hr_user(app):
    from welfare_plans.accounts import create_user

    with app.app_context():
        from welfare_plans.db import db_session

        create_user(db_session(), email="hr@example.org", name="Franca Rossi", password="another-long-pw")
    return {"email": "hr@example.org", "password": "another-long-pw"}


class Clock:
    """Moves the time the rate limiter reads (``time.time``) forward, as if minutes had passed."""

    def __init__(self, monkeypatch):
        import time

        self.offset = 0.0
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + self.offset)

    def advance(self, delta) -> None:
        self.offset += delta.total_seconds()


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)
