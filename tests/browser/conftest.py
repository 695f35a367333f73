"""A live server and Debian's headless Chromium driven by Playwright; skipped where either is missing."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    candidate = (
        os.environ.get("WELFARE_TEST_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    return candidate if candidate and Path(candidate).exists() else None


@pytest.fixture
def demo_app(make_app):
    """The app with demo data; a test may add its own before browsing."""
    from welfare_plans.demo import load_demo

    app = make_app()
    with app.app_context():
        load_demo(app)
    return app


@pytest.fixture
def live_server(demo_app):
    """The app with demo data, served on a free loopback port for the length of one test."""
    app = demo_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def new_page():
    """Opens a page in a browser context of its own (its own cookies: one signed-in person each)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("browser tests need Chromium: apt-get install chromium (or set WELFARE_TEST_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        contexts = []

        def open_page():
            context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            contexts.append(context)
            return context.new_page()

        yield open_page
        for context in contexts:
            context.close()
        browser.close()


@pytest.fixture
def browser_page(new_page):
    return new_page()
