"""Plan documents: sections from ``plan_document_sections``, rendering by ``render_plan``, and a file cache.

A rendered document is kept under ``DOCUMENTS_DIR`` by a hash of everything that shapes it (the plan's
content, the language, the variant, the app and plugin versions, the templates and stylesheet), so
downloading it again costs a file read. Files are written to a temporary name and renamed, so a reader
never sees half a file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from flask import Flask
from flask_babel import force_locale

from . import __version__
from .domain import N_
from .domain.document import PDF_VARIANTS, DocumentSection, RenderedDocument
from .domain.plan import WelfarePlan
from .domain.problems import Problem
from .plugins import get_plugins

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent
LANGUAGES = ("it", "en")


class DocumentError(RuntimeError):
    """No plugin could render the document."""


@functools.cache
def _templates_fingerprint() -> str:
    """A hash of the document templates and stylesheet: changing them invalidates cached documents."""
    digest = hashlib.sha256()
    for path in sorted(
        [*(ROOT.parent / "templates" / "document").rglob("*.html"), ROOT / "static" / "document.css"]
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(app: Flask, plan: WelfarePlan, language: str, variant: str) -> str:
    plugins = sorted(f"{r.name}={r.version}:{r.status}" for r in get_plugins(app).list())
    payload = json.dumps([__version__, plugins, _templates_fingerprint(), language, variant, plan.digest])
    return hashlib.sha256(payload.encode()).hexdigest()


def collect_sections(app: Flask, plan: WelfarePlan, language: str) -> list[DocumentSection]:
    plugins = get_plugins(app)
    sections: list[DocumentSection] = []
    for plugin, result in plugins.call_each(
        "plan_document_sections", at_startup=False, plan=plan, language=language
    ).items():
        for section in result or ():
            if isinstance(section, DocumentSection):
                sections.append(section)
            else:
                plugins.add_problem(
                    Problem(
                        plugin,
                        N_("plan_document_sections returned %(type)s instead of a DocumentSection"),
                        "plan_document_sections",
                        {"type": type(section).__name__},
                    )
                )
    seen: set[str] = set()
    unique = []
    for section in sorted(sections, key=lambda s: (s.position, s.key)):
        if section.key not in seen:
            seen.add(section.key)
            unique.append(section)
    return unique


def render(
    app: Flask, plan: WelfarePlan, language: str = "it", variant: str = "pdf/a-3u"
) -> RenderedDocument:
    """Render the plan's document now, bypassing the cache."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    if variant not in PDF_VARIANTS:
        raise ValueError(f"variant must be one of {PDF_VARIANTS}")
    # templates use url_for and gettext: give them a request context in the document's language
    with app.test_request_context(), force_locale(language):
        sections = collect_sections(app, plan, language)
        document = get_plugins(app).manager.hook.render_plan(
            plan=plan, language=language, sections=sections, variant=variant
        )
    if not isinstance(document, RenderedDocument):
        raise DocumentError("no plugin rendered the plan document")
    return document


def cached_path(
    app: Flask, plan: WelfarePlan, language: str = "it", variant: str = "pdf/a-3u"
) -> Path | None:
    """The cached file of the plan's document, or None when it has not been rendered yet."""
    target = Path(app.config["DOCUMENTS_DIR"]) / f"{cache_key(app, plan, language, variant)}.pdf"
    return target if target.is_file() else None


def cached_document(app: Flask, plan: WelfarePlan, language: str = "it", variant: str = "pdf/a-3u") -> Path:
    """The path of the plan's document, rendering it only when no identical one is cached."""
    return _cached(app, cache_key(app, plan, language, variant), lambda: render(app, plan, language, variant))


def render_annex(app: Flask, plan: WelfarePlan, vat_number: str, language: str = "it") -> RenderedDocument:
    """One member firm's annex to a joint plan, on its own: what the firm hands its workers with the plan."""
    from .builtin.plan_document import annex_sections

    with app.test_request_context(), force_locale(language):
        sections = annex_sections(plan, language, only=vat_number)
        if not sections:
            raise LookupError(f"the plan has no annex for {vat_number}")
        document = get_plugins(app).manager.hook.render_plan(
            plan=plan, language=language, sections=sections, variant="pdf/a-3u"
        )
    if not isinstance(document, RenderedDocument):
        raise DocumentError("no plugin rendered the annex")
    return document


def cached_annex(app: Flask, plan: WelfarePlan, vat_number: str, language: str = "it") -> Path:
    # keyed by the whole plan: an annex's number depends on the other members
    key = cache_key(app, plan, language, f"annex:{vat_number}")
    return _cached(app, key, lambda: render_annex(app, plan, vat_number, language))


def _cached(app: Flask, key: str, render_document) -> Path:
    folder = Path(app.config["DOCUMENTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}.pdf"
    if target.is_file():
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
    # a writer killed between writing and renaming (a worker that died) leaves its temporary file: once
    # the document exists, every temporary file of it is garbage
    for stale in folder.glob(f".rendering-{key}-*.pdf"):
        stale.unlink(missing_ok=True)
    return target


def _safe_name(text: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return safe


def annex_filename(plan: WelfarePlan, firm_name: str, language: str) -> str:
    return f"{_safe_name(plan.title) or 'plan'}-v{plan.version}-{_safe_name(firm_name) or 'annex'}-{language}.pdf"


def filename(plan: WelfarePlan, language: str) -> str:
    """A download name people recognise: the title, the version and the language."""
    return f"{_safe_name(plan.title) or 'plan'}-v{plan.version}-{language}.pdf"
