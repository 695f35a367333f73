"""Rendered pages kept in the process, for pages read far more often than their content changes.

A page is stored under a key that names everything it shows (the caller builds it: the object's id and
last change, the language, the user...). The session's CSRF token is cut out before storing and put back
for each request, so a cached page's forms work for whoever it is served to. A request with flashed
messages waiting is rendered afresh and not stored: the messages belong to that one response.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, session
from flask_wtf.csrf import generate_csrf

EXTENSION_KEY = "welfare_plans.page_cache"
PLACEHOLDER = "\x00csrf-token\x00"  # cannot occur in a rendered page


class PageCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: Hashable, render: Callable[[], str]) -> str:
        if not self.size or session.get("_flashes"):
            return render()
        token = generate_csrf()
        with self._lock:
            cached = self._pages.get(key)
            if cached is not None:
                self._pages.move_to_end(key)
        if cached is not None:
            return cached.replace(PLACEHOLDER, token)
        html = render()
        with self._lock:
            self._pages[key] = html.replace(token, PLACEHOLDER)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return html


def page_cache(app: Flask) -> PageCache:
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = PageCache(app.config.get("PAGE_CACHE_SIZE", 256))
    return app.extensions[EXTENSION_KEY]
