"""The database: SQLAlchemy engine and sessions, kept on the Flask app.

One :class:`Database` per app in ``app.extensions["welfare_plans.db"]``; a session per app context,
closed when the context ends. SQLite in ``instance/`` is the default, PostgreSQL (psycopg 3) the
production database.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

EXTENSION_KEY = "welfare_plans.db"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every mapped class; constraint names are predictable so migrations can alter them."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def normalise_url(url: str):
    """Use psycopg 3 for ``postgresql://`` URLs: it is the driver the app installs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str, **options: Any) -> Engine:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        # an unreachable server must fail fast (2 s is libpq's minimum), not hang a request or a probe
        options.setdefault("connect_args", {"connect_timeout": 2})
    # a server can restart under a pooled connection: test each one before use (a file cannot go away)
    engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite", **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """The Flask extension: ``Database().init_app(app)``."""

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        app.extensions[EXTENSION_KEY] = self
        app.teardown_appcontext(self._close_session)

    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self.session_factory()
        return g.db_session

    @staticmethod
    def _close_session(_exception: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions[EXTENSION_KEY]


def db_session() -> Session:
    """The session of the current app context."""
    return get_db().session()
