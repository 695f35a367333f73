"""Configuration defaults. Deployments override them in ``instance/config.py`` or ``WELFARE_*`` variables."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

DEFAULTS = {
    # None means: sqlite file welfare.db in the instance folder
    "DATABASE_URL": None,
    # None means: generated once and kept in instance/secret_key
    "SECRET_KEY": None,
    "LANGUAGES": ["it", "en"],
    "BABEL_DEFAULT_LOCALE": "it",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Rome",
    # plugin loading (see welfare_plans.plugins)
    "PLUGINS_DIR": None,  # None means: instance/plugins
    "TAX_RULES_DIR": None,  # None means: the rules shipped in welfare_plans/builtin/tax_rules
    # background jobs: a Redis URL runs them on Celery workers; None runs them in a thread of the app
    "CELERY_BROKER_URL": None,
    "JOB_SOFT_TIME_LIMIT": 600,
    "JOB_TIME_LIMIT": 660,
    "JOB_MAX_TASKS_PER_CHILD": 100,  # documents a worker process renders before it is replaced (memory)
    "CELERY_VISIBILITY_TIMEOUT": 3600,  # seconds before a dead worker's task is delivered again
    "PAGE_CACHE_SIZE": 256,  # rendered plan overviews kept per process; 0 turns the cache off
    "PAGE_CACHE_BYTES": 32 * 1024 * 1024,  # and the memory they may take per process, in bytes
    "DOCUMENTS_DIR": None,  # None means: instance/documents (rendered plan documents, a cache)
    "PLUGINS_ALLOWED": None,
    "PLUGINS_BLOCKED": [],
    "PLUGINS_STRICT": False,
    "CATALOG_SYNC_ON_STARTUP": True,
    "CATALOG_PAGE_SIZE": 20,
    "CATALOG_PLACES_TTL": 300,  # seconds the catalog page keeps its list of suggested places
    # sign-in throttling: this many failures for one e-mail within the window lock it for the window
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    # cookies: HttpOnly and SameSite always; Secure where served over HTTPS (set it in production)
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
}


def finish(app: Flask) -> None:
    """Fill in the settings whose default depends on the instance folder."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'welfare.db'}"
    if app.config["DOCUMENTS_DIR"] is None:
        app.config["DOCUMENTS_DIR"] = str(instance / "documents")
    if app.config["PLUGINS_DIR"] is None:
        app.config["PLUGINS_DIR"] = str(instance / "plugins")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")


def _instance_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key
