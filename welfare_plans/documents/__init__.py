"""Plan documents: sections from ``plan_document_sections``, rendering by ``render_plan``, a file cache,
and the background jobs that render many documents.

- :mod:`.rendering`: a plan's document and a member firm's annex, through the hooks;
- :mod:`.cache`: rendered files under ``DOCUMENTS_DIR``, named by a hash of what shapes them;
- :mod:`.filenames`: the names a download is saved under;
- :mod:`.job_kinds`: ``render_documents`` and ``render_annexes``, registered with the app's jobs.
"""

from __future__ import annotations

from flask import Flask

from ..jobs import register_kind
from .cache import cache_key, cached_annex, cached_document, cached_path
from .filenames import annex_filename, filename
from .job_kinds import EXTENSION_KEY, RENDER_ANNEXES, RENDER_DOCUMENTS, JointPlanCache
from .rendering import LANGUAGES, DocumentError, collect_sections, render, render_annex

__all__ = [
    "LANGUAGES",
    "DocumentError",
    "annex_filename",
    "cache_key",
    "cached_annex",
    "cached_document",
    "cached_path",
    "collect_sections",
    "filename",
    "init_app",
    "render",
    "render_annex",
]


def init_app(app: Flask) -> None:
    """Register the document jobs with the app's jobs extension (set up first) and give the app the
    cache its annex jobs share between units."""
    app.extensions[EXTENSION_KEY] = JointPlanCache()
    register_kind(app, RENDER_DOCUMENTS)
    register_kind(app, RENDER_ANNEXES)
