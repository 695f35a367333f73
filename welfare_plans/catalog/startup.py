"""The start-up sync: bring the catalog up to date when the app starts serving, not when it is built.

``create_app`` runs for every ``flask`` command too; a sync there would make ``flask catalog sync``, run
right after a plugin is installed, find nothing left to do and report "0 created". So the app syncs
before the first request it serves (any WSGI server, ``flask run``, the test client), once per process.
A server that builds the app once and forks workers from it (gunicorn with ``preload_app``) calls
:func:`run_startup_sync` in its master process instead: the workers inherit a synced catalog and none of
them syncs again. Commands and Celery workers serve no requests, so they never sync.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from .. import schema
from ..db import get_db
from .collection import sync_contributions

log = logging.getLogger(__name__)

_EXTENSION_KEY = "welfare_plans.catalog_startup_sync"


class _SyncBeforeFirstRequest:
    """WSGI middleware: runs the start-up sync before the first request reaches the app, then steps aside.

    Requests that arrive while the sync runs (a threaded server) wait for it, as they would have waited for
    a sync at start-up; after it, the cost of a request is one attribute check.
    """

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.pending = True
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.pending:
            self.run()
        return self.wsgi_app(environ, start_response)

    def run(self) -> None:
        """Sync unless this process has already tried (a failure is logged, not retried)."""
        with self._lock:
            if not self.pending:
                return
            try:
                _sync(self.app)
            finally:
                self.pending = False


def install_startup_sync(app: Flask) -> None:
    """Sync ``app``'s catalog before the first request it serves, when ``CATALOG_SYNC_ON_STARTUP`` is set."""
    if not app.config["CATALOG_SYNC_ON_STARTUP"]:
        return
    middleware = _SyncBeforeFirstRequest(app, app.wsgi_app)
    app.wsgi_app = middleware
    app.extensions[_EXTENSION_KEY] = middleware


def run_startup_sync(app: Flask) -> None:
    """Run ``app``'s start-up sync now, if it is installed and has not run in this process.

    A server's master process calls this after building the app and before forking workers.
    """
    middleware = app.extensions.get(_EXTENSION_KEY)
    if middleware is not None:
        middleware.run()


def _sync(app: Flask) -> None:
    """Sync the catalog if the schema is at the newest migration; a database error is logged."""
    try:
        if not schema.is_current(get_db(app).engine):
            log.info("database schema is not up to date: run 'flask --app welfare_plans db upgrade'")
            return
        with app.app_context():  # a session of its own, closed when the sync is done
            sync_contributions(app, get_db(app).session())
    except SQLAlchemyError as error:
        log.warning("catalog not synced at startup: %s", error)
