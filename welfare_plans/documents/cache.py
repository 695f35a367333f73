"""The on-disk cache of rendered documents.

A rendered document is kept under ``DOCUMENTS_DIR`` by a hash of everything that shapes it (the plan's
content, the language, the variant, the app and plugin versions, the templates and stylesheet), so
downloading it again costs a file read. Files are written to a temporary name and renamed, so a reader
never sees half a file; a writer killed in between leaves its temporary file, swept once the document
exists.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from ..domain.document import RenderedDocument
from ..domain.plan import WelfarePlan
from ..plugins import get_plugins
from ..version import __version__
from . import rendering

PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def _templates_fingerprint() -> str:
    """A hash of the built-in plugins' templates (the document's sections and page) and the document's
    stylesheet: changing them invalidates cached documents. An outside plugin's templates change with its
    version, which the key holds too."""
    digest = hashlib.sha256()
    for path in sorted(
        [*(PACKAGE / "builtin" / "templates").rglob("*.html"), PACKAGE / "static" / "document.css"]
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(app: Flask, plan: WelfarePlan, language: str, variant: str) -> str:
    """The name of the plan's document in the cache, without its extension."""
    plugins = sorted(f"{r.name}={r.version}:{r.status}" for r in get_plugins(app).list())
    payload = json.dumps([__version__, plugins, _templates_fingerprint(), language, variant, plan.digest])
    return hashlib.sha256(payload.encode()).hexdigest()


def cached_path(
    app: Flask, plan: WelfarePlan, language: str = "it", variant: str = "pdf/a-3u"
) -> Path | None:
    """The cached file of the plan's document, or None when it has not been rendered yet."""
    target = Path(app.config["DOCUMENTS_DIR"]) / f"{cache_key(app, plan, language, variant)}.pdf"
    return target if target.is_file() else None


def cached_document(
    app: Flask, plan: WelfarePlan, language: str = "it", variant: str = "pdf/a-3u", refresh: bool = False
) -> Path:
    """The path of the plan's document, rendering it only when no identical one is cached (always, and
    replacing the cached file, with ``refresh``)."""
    return _cached(
        app,
        cache_key(app, plan, language, variant),
        lambda: rendering.render(app, plan, language, variant),
        refresh,
    )


def cached_annex(app: Flask, plan: WelfarePlan, vat_number: str, language: str = "it") -> Path:
    """The path of one member firm's annex on its own, rendering it only when no identical one is cached."""
    # keyed by the whole plan: an annex's number depends on the other members
    key = cache_key(app, plan, language, f"annex:{vat_number}")
    return _cached(app, key, lambda: rendering.render_annex(app, plan, vat_number, language))


def _cached(
    app: Flask, key: str, render_document: Callable[[], RenderedDocument], refresh: bool = False
) -> Path:
    folder = Path(app.config["DOCUMENTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}.pdf"
    if target.is_file() and not refresh:
        return target
    document = render_document()
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".rendering-{key}-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(document.content)
        try:
            os.replace(temporary, target)
        except FileNotFoundError:  # another writer of the same document finished first and swept ours
            if not target.is_file():
                raise
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sweep_temporary_files(folder, key)
    return target


def sweep_temporary_files(folder: Path, key: str) -> None:
    """Remove the temporary files of the document ``key``, which exists by now.

    A writer killed between writing and renaming (a worker that died) leaves its temporary file: once the
    document exists, every temporary file of it is garbage."""
    for stale in folder.glob(f".rendering-{key}-*.pdf"):
        stale.unlink(missing_ok=True)
