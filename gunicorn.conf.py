"""gunicorn settings for welfare-plans: gunicorn -c gunicorn.conf.py "welfare_plans:create_app()"

Every setting can be overridden with an environment variable of the same name prefixed WELFARE_GUNICORN_
(for example WELFARE_GUNICORN_WORKERS=4). See docs/deployment.md.
"""

import multiprocessing
import os


def _setting(name: str, default):
    value = os.environ.get(f"WELFARE_GUNICORN_{name.upper()}")
    return type(default)(value) if value is not None else default


bind = _setting("bind", "127.0.0.1:8000")
# sync workers: rendering a PDF is CPU-bound, and a process per request keeps one render from slowing others
workers = _setting("workers", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# a 20-page plan renders in a few seconds; anything far longer is stuck
timeout = _setting("timeout", 60)
graceful_timeout = _setting("graceful_timeout", 30)
keepalive = _setting("keepalive", 5)
# WeasyPrint keeps memory it has used: recycle workers now and then, not all at once
max_requests = _setting("max_requests", 500)
max_requests_jitter = _setting("max_requests_jitter", 100)
# each worker builds its own app, engine and plugin manager: nothing is shared across a fork
preload_app = False
accesslog = _setting("accesslog", "-")
errorlog = _setting("errorlog", "-")
forwarded_allow_ips = _setting("forwarded_allow_ips", "127.0.0.1")
