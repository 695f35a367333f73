"""Rendering a plan's documents: sections from ``plan_document_sections``, the file from ``render_plan``.

A plan has one document, and a joint plan also one annex per member firm that the firm may print on its
own. Both come through the same hooks: the ``annex_of`` argument of ``plan_document_sections`` says which
document is asked for, and plugins answer with the sections that belong to it.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale

from ..domain import N_
from ..domain.document import PDF_VARIANTS, DocumentSection, RenderedDocument
from ..domain.plan import WelfarePlan
from ..domain.problems import Problem
from ..plugins import get_plugins

LANGUAGES = ("it", "en")
ANNEX_VARIANT = "pdf/a-3u"


class DocumentError(RuntimeError):
    """No plugin could render the document."""


def collect_sections(
    app: Flask, plan: WelfarePlan, language: str, annex_of: str | None = None
) -> list[DocumentSection]:
    """The sections plugins contribute to the plan's document (``annex_of`` None) or to the annex of the
    member firm with that VAT number, ordered by position; a key used twice keeps its first section.

    Implementations that do not take ``annex_of`` were written before annexes came through the hook:
    they are asked for whole documents only, so their sections never land in a firm's annex."""
    plugins = get_plugins(app)
    results = plugins.call_each(
        "plan_document_sections",
        only_taking="annex_of" if annex_of is not None else None,
        plan=plan,
        language=language,
        annex_of=annex_of,
    )
    sections: list[DocumentSection] = []
    for plugin, result in results.items():
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
    _check(language, variant)
    return _render(app, plan, language, variant, annex_of=None)


def render_annex(app: Flask, plan: WelfarePlan, vat_number: str, language: str = "it") -> RenderedDocument:
    """One member firm's annex to a joint plan, on its own: what the firm hands its workers with the plan."""
    _check(language, ANNEX_VARIANT)
    if not any(annex.vat_number == vat_number for annex in plan.annexes):
        raise LookupError(f"the plan has no annex for {vat_number}")
    return _render(app, plan, language, ANNEX_VARIANT, annex_of=vat_number)


def _check(language: str, variant: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    if variant not in PDF_VARIANTS:
        raise ValueError(f"variant must be one of {PDF_VARIANTS}")


def _render(
    app: Flask, plan: WelfarePlan, language: str, variant: str, annex_of: str | None
) -> RenderedDocument:
    # templates use url_for and gettext: give them a request context in the document's language
    with app.test_request_context(), force_locale(language):
        sections = collect_sections(app, plan, language, annex_of)
        document = get_plugins(app).manager.hook.render_plan(
            plan=plan, language=language, sections=sections, variant=variant
        )
    if not isinstance(document, RenderedDocument):
        raise DocumentError(
            "no plugin rendered the annex" if annex_of else "no plugin rendered the plan document"
        )
    return document
