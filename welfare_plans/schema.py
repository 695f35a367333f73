"""Alembic migrations, driven from the app: ``flask --app welfare_plans db upgrade``."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine

from .db import get_db

MIGRATIONS = Path(__file__).parent / "migrations"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """What Alembic compares with the models: not the search index, which is no model (see
    catalog/search_index.py), nor the expression index on services' English names, which Alembic cannot
    compare."""
    if type_ == "table" and name and name.startswith("service_search"):
        return False
    return not (type_ == "index" and name == "ix_service_type_active_name_en")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@functools.cache
def _heads() -> frozenset[str]:
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def head_revisions() -> set[str]:
    """The newest revisions of the migrations shipped with this code (read once per process: readiness
    asks on every probe)."""
    return set(_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def is_current(engine: Engine) -> bool:
    """True when the database schema is at the newest migration."""
    heads = head_revisions()
    return bool(heads) and current_revisions(engine) == heads


def upgrade(app: Flask, revision: str = "heads") -> None:
    command.upgrade(alembic_config(get_db(app).engine), revision)


def downgrade(app: Flask, revision: str) -> None:
    command.downgrade(alembic_config(get_db(app).engine), revision)
