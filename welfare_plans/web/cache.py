"""Rendered pages kept in the process, for pages read far more often than their content changes.

A page is stored under a key that names everything it shows (the caller builds it: the object's id and
last change, the language, the user...). The session's CSRF token is cut out before storing and put back
for each request, so a cached page's forms work for whoever it is served to. A request with flashed
messages waiting is rendered afresh and not stored: the messages belong to that one response.

The cache holds at most ``PAGE_CACHE_SIZE`` pages and ``PAGE_CACHE_BYTES`` bytes of them (what the pages
take in memory), the least recently served going first; a page larger than a quarter of the bytes is
served and not kept. So a worker's memory stays bounded whatever the pages weigh.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, session
from flask_wtf.csrf import generate_csrf

EXTENSION_KEY = "welfare_plans.page_cache"
PLACEHOLDER = "\x00csrf-token\x00"  # cannot occur in a rendered page (no text holds a NUL)


class PageCache:
    def __init__(self, size: int, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0  # what the kept pages take in memory
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: Hashable, render: Callable[[], str]) -> str:
        if not self.size or not self.max_bytes or session.get("_flashes"):
            return render()
        token = generate_csrf()
        with self._lock:
            cached = self._pages.get(key)
            if cached is not None:
                self._pages.move_to_end(key)
        if cached is not None:
            return cached.replace(PLACEHOLDER, token)
        html = render()
        self._keep(key, html.replace(token, PLACEHOLDER))
        return html

    def _keep(self, key: Hashable, page: str) -> None:
        weight = sys.getsizeof(page)
        if weight > self.max_bytes // 4:
            return  # one page must not push out most of the others
        with self._lock:
            previous = self._pages.pop(key, None)
            if previous is not None:
                self.bytes -= sys.getsizeof(previous)
            self._pages[key] = page
            self.bytes += weight
            while len(self._pages) > self.size or self.bytes > self.max_bytes:
                _key, dropped = self._pages.popitem(last=False)
                self.bytes -= sys.getsizeof(dropped)

    def __len__(self) -> int:
        return len(self._pages)


def page_cache(app: Flask) -> PageCache:
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = PageCache(
            app.config.get("PAGE_CACHE_SIZE", 256), app.config.get("PAGE_CACHE_BYTES", 32 * 1024 * 1024)
        )
    return app.extensions[EXTENSION_KEY]
