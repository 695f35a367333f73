"""Rendering a plan's documents: sections from ``plan_document_sections``, the file from ``render_plan``.

A plan has one document, and a joint plan also one annex per member firm that the firm may print on its
own. Both come through the same hooks: the ``annex_of`` argument of ``plan_document_sections`` says which
document is asked for, and plugins answer with the sections that belong to it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import force_locale

from ..domain import N_
from ..domain.document import PDF_VARIANTS, DocumentSection, RenderedDocument
from ..domain.plan import WelfarePlan
from ..domain.problems import Problem
from ..plugins import Plugins, get_plugins

LANGUAGES = ("it", "en")
ANNEX_VARIANT = "pdf/a-3u"
SECTIONS_HOOK = "plan_document_sections"
RENDER_HOOK = "render_plan"


class DocumentError(RuntimeError):
    """The document cannot be made: no renderer produced it, or a built-in's sections could not be made."""


def collect_sections(
    app: Flask, plan: WelfarePlan, language: str, annex_of: str | None = None
) -> list[DocumentSection]:
    """The sections plugins contribute to the plan's document (``annex_of`` None) or to the annex of the
    member firm with that VAT number, ordered by position.

    A key belongs to the first plugin that uses it, the built-ins before the others (then in pluggy's
    order): a section whose key is taken is left out and reported on the plugin that sent it, so no plugin
    replaces or drops a core section of a signed document (``render_plan`` may still replace the whole
    document). The built-ins' sections are not optional: when one of them raises, the document is not made.

    Implementations that do not take ``annex_of`` were written before annexes came through the hook:
    they are asked for whole documents only, so their sections never land in a firm's annex."""
    plugins = get_plugins(app)
    results = plugins.call_each(
        SECTIONS_HOOK,
        only_taking="annex_of" if annex_of is not None else None,
        plan=plan,
        language=language,
        annex_of=annex_of,
    )
    core_failed = [name for name in results.raised if plugins.records[name].source == "builtin"]
    if core_failed:
        raise DocumentError(f"the sections of {', '.join(core_failed)} could not be made")
    sections: dict[str, tuple[str, DocumentSection]] = {}
    for plugin, section in plugins.builtins_first(plugins.contributed_items(SECTIONS_HOOK, results)):
        refusal = _refusal(plugins, plugin, section, sections)
        if refusal is None:
            sections[section.key] = (plugin, section)
        else:
            plugins.add_problem(
                Problem(plugin, refusal[0], SECTIONS_HOOK, {"hook": SECTIONS_HOOK, **refusal[1]})
            )
    return sorted((section for _, section in sections.values()), key=lambda s: (s.position, s.key))


def _refusal(
    plugins: Plugins, plugin: str, section: DocumentSection, taken: dict[str, tuple[str, DocumentSection]]
) -> tuple[str, dict[str, Any]] | None:
    """Why ``section`` cannot join the document (a message and its parameters), or None."""
    if not isinstance(section, DocumentSection):
        return N_("%(hook)s returned a %(type)s where a %(expected)s was expected"), {
            "type": type(section).__name__,
            "expected": "DocumentSection",
        }
    if (
        not isinstance(section.key, str)
        or not isinstance(section.position, int)
        or isinstance(section.position, bool)
    ):
        return N_("%(hook)s: a section needs a text key and a whole number as its position"), {}
    if section.key not in taken:
        return None
    owner = taken[section.key][0]
    if owner != plugin and plugins.records[owner].source == "builtin":
        message = N_(
            "%(hook)s: %(key)s is a core section of the document, which no plugin can replace (render_plan can replace the whole document)"
        )
        return message, {"key": section.key}
    return N_("%(hook)s: the section key %(key)s is already taken by %(other)s"), {
        "key": section.key,
        "other": owner,
    }


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
        document = _first_document(
            get_plugins(app), plan=plan, language=language, sections=sections, variant=variant
        )
    if document is None:
        raise DocumentError(
            "no plugin rendered the annex" if annex_of else "no plugin rendered the plan document"
        )
    return document


def _first_document(plugins: Plugins, **arguments: Any) -> RenderedDocument | None:
    """The first document a ``render_plan`` implementation makes, in pluggy's order. One that raises or
    answers with something that is not a :class:`RenderedDocument` is reported and the next one asked."""
    declined: list[str] = []
    while True:
        results = plugins.call_each(RENDER_HOOK, excluding=declined, **arguments)
        declined.extend(results.raised)  # tried already: not asked again
        if not results:
            return None
        ((plugin, document),) = results.items()
        if isinstance(document, RenderedDocument):
            return document
        message = N_("%(hook)s returned a %(type)s where a %(expected)s was expected")
        params = {"hook": RENDER_HOOK, "type": type(document).__name__, "expected": "RenderedDocument"}
        plugins.add_problem(Problem(plugin, message, RENDER_HOOK, params))
        declined.append(plugin)
