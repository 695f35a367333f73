"""gunicorn settings for welfare-plans: gunicorn -c gunicorn.conf.py "welfare_plans:create_app()"

Every setting can be overridden with an environment variable of the same name prefixed WELFARE_GUNICORN_
(for example WELFARE_GUNICORN_WORKERS=4). See docs/deployment.md.
"""

import gc
import multiprocessing
import os

from welfare_plans.catalog import run_startup_sync


def _setting(name: str, default):
    value = os.environ.get(f"WELFARE_GUNICORN_{name.upper()}")
    if value is None:
        return default
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return type(default)(value)


bind = _setting("bind", "127.0.0.1:8000")
# sync workers: rendering a PDF is CPU-bound, and a process per request keeps one render from slowing others
workers = _setting("workers", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# a 20-page plan renders in a few seconds; anything far longer is stuck
timeout = _setting("timeout", 60)
graceful_timeout = _setting("graceful_timeout", 30)
keepalive = _setting("keepalive", 5)
# WeasyPrint keeps memory it has used: recycle workers now and then, not all at once
max_requests = _setting("max_requests", 2000)
max_requests_jitter = _setting("max_requests_jitter", 200)
# the app (plugins, gazetteer, translations) is built once in the master and workers fork from it, so a
# recycled worker is serving again at once; each worker then opens database connections of its own
preload_app = _setting("preload_app", True)


def on_starting(server):
    """With preload_app the master has built the app: sync the catalog there, once, before workers fork,
    so that none of them (nor a recycled one) syncs at its first request."""
    if server.cfg.preload_app:
        run_startup_sync(server.app.wsgi())


def pre_fork(server, worker):
    """What the master built (the app, its plugins, the gazetteer, the translations) lives as long as the
    workers: frozen out of the garbage collector's reach, it is not scanned again by every full collection
    in a worker, which a page of a large network (tens of thousands of objects) sets off."""
    gc.freeze()


def post_fork(server, worker):
    """Connections opened in the master (the catalog sync at start-up) must not be shared by workers."""
    app = server.app.wsgi()
    database = app.extensions.get("welfare_plans.db")
    if database is not None:
        database.engine.dispose(close=False)


accesslog = _setting("accesslog", "-")
errorlog = _setting("errorlog", "-")
# gunicorn believes X-Forwarded-Proto only from these addresses (the proxy on this host). The client's
# address is the app's business: behind the reverse proxy of docs/deployment.md set the app's
# WELFARE_PROXY_COUNT=1 (ProxyFix), or every client has the proxy's address and sign-in throttling counts
# everyone's failures together
forwarded_allow_ips = _setting("forwarded_allow_ips", "127.0.0.1")
