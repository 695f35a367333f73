"""HTML to PDF with WeasyPrint, safely: the renderer fetches nothing it was not given.

Documents are built from user-entered text. Templates autoescape it, and as a second wall the URL
fetcher serves only the package's own static files and ``data:`` URIs: ``file:`` URLs, every host
(link-local metadata services included), and anything else are refused and logged. No HTTP request is
ever made, so there is no redirect to follow.

The stylesheet and the font configuration are prepared once per process and reused by every render.
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
STATIC_FILES = STATIC.resolve()
# a reserved top-level domain (RFC 2606): it never resolves, so even a mistake cannot reach a network
BASE_URL = "https://welfare-plans.invalid/"
STATIC_URL = BASE_URL + "static/"
STYLESHEET = STATIC / "document.css"
MEDIA_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2",
               ".ttf": "font/ttf", ".otf": "font/otf"}  # fmt: skip


class RefusedURL(ValueError):
    """A resource the document asked for and was not given."""


class SafeURLFetcher(URLFetcher):
    """Serves the package's static files and ``data:`` URIs; refuses and logs everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_URL):
            path = self._static_path(url)
            if path is not None:
                return URLFetcherResponse(
                    url,
                    path.read_bytes(),
                    {"Content-Type": MEDIA_TYPES.get(path.suffix, "application/octet-stream")},
                )
        self.refused.append(url)
        log.warning("PDF renderer refused to fetch %s", url[:300])
        raise RefusedURL(f"refused: {url[:300]}")

    @staticmethod
    def _static_path(url: str) -> Path | None:
        relative = unquote(urlsplit(url).path).removeprefix("/static/")
        path = (STATIC_FILES / relative).resolve()
        inside = path.is_relative_to(STATIC_FILES) and path != STATIC_FILES
        return path if inside and path.is_file() else None


@functools.cache
def font_config() -> FontConfiguration:
    return FontConfiguration()


@functools.cache
def stylesheet() -> weasyprint.CSS:
    """The document stylesheet, parsed once per process."""
    return weasyprint.CSS(
        string=STYLESHEET.read_text(encoding="utf-8"),
        base_url=STATIC_URL,
        url_fetcher=SafeURLFetcher(),
        font_config=font_config(),
    )


# The shared font configuration is not known to be thread-safe; rendering is CPU-bound under the GIL
# anyway, so one render at a time per process costs nothing (app servers and workers are processes).
_RENDERING = threading.Lock()


def html_to_pdf(html: str, *, variant: str = "pdf/a-3u", fetcher: SafeURLFetcher | None = None) -> bytes:
    """Render ``html`` (title, author and language come from its <head> and <html lang>) to PDF bytes."""
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or SafeURLFetcher())
    with _RENDERING:
        return _write(document, variant)


def _write(document: weasyprint.HTML, variant: str) -> bytes:
    return document.write_pdf(
        stylesheets=[stylesheet()],
        font_config=font_config(),
        pdf_variant=variant,
        pdf_tags=variant.startswith("pdf/ua"),
        attachments=[],
    )
