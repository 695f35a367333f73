"""The plugin contract: every hook a plugin can implement, and the version of the contract.

Each hook is documented in ``docs/plugin_hooks.md`` with an example, and tested on its own in
``tests/test_hooks.py``. pluggy calls the hooks (its order, ``tryfirst``/``trylast``, wrappers,
``firstresult``), each implementation isolated for the call: one that raises is reported by name and
skipped for that call, and the others go on (see :mod:`welfare_plans.hookcalls`).

The contract has a version, :data:`CONTRACT_VERSION`: a minor version adds to it (a hook, an argument, a
field with a default), a major version removes or changes something. A plugin states the versions it
supports in a module attribute, ``welfare_plans_contract = ">=1.0,<2"``; one whose range leaves ours out
is refused at load. What is deprecated stays for the rest of its major version and warns through pluggy
(``warn_on_impl`` on a hook, ``warn_on_impl_args`` on an argument) with a
:class:`ContractDeprecationWarning`. The policy and the changelog are in ``docs/plugin_hooks.md``.
"""

from __future__ import annotations

from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from .domain import N_
from .domain.document import DocumentSection, RenderedDocument
from .domain.plan import PlanProblem, WelfarePlan
from .types import NeedArea, PagePanel, Provider, ServiceType

PROJECT = "welfare_plans"
CONTRACT_VERSION = "1.0"
"""The version of the plugin contract this welfare-plans offers: the hooks, their arguments, the types."""
CONTRACT_ATTRIBUTE = "welfare_plans_contract"
"""The attribute in which a plugin states the contract versions it supports, e.g. ``">=1.0,<2"``."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class ContractDeprecationWarning(DeprecationWarning):
    """A plugin implements a hook, or takes an argument, that the contract deprecates: it keeps working
    until the next major version of the contract. The message says what to use instead."""


def contract_refusal(plugin: object) -> tuple[str | None, tuple[str, dict[str, Any]] | None]:
    """The contract range ``plugin`` states (None when it states none), and why it cannot be loaded: a
    message marked with ``N_`` and its parameters, or None when it supports :data:`CONTRACT_VERSION`.

    A plugin that states no range is taken to support the contract it was loaded with."""
    stated = getattr(plugin, CONTRACT_ATTRIBUTE, None)
    if stated is None:
        return None, None
    try:
        supported = SpecifierSet(stated) if isinstance(stated, str) and stated.strip() else None
    except InvalidSpecifier:
        supported = None
    if supported is None:
        message = N_('%(attribute)s = %(range)r is not a range of versions such as ">=1.0,<2"')
        return str(stated), (message, {"attribute": CONTRACT_ATTRIBUTE, "range": stated})
    if not supported.contains(CONTRACT_VERSION, prereleases=True):
        message = N_(
            "supports the plugin contract %(range)s, but this welfare-plans offers contract %(version)s: install a version of the plugin made for contract %(version)s"
        )
        return stated, (message, {"range": stated, "version": CONTRACT_VERSION})
    return stated, None


@hookspec
def register_need_areas() -> list[NeedArea]:
    """Contribute need areas: the families of needs that service types are filed under.

    The built-in ``need_areas`` plugin contributes the areas of the domain reference (``health``,
    ``childcare_education``...). A plugin may add an area of its own; a code registered twice is
    rejected for every plugin after the first (plugins are taken in name order).

    :return: a list of :class:`welfare_plans.NeedArea`. All results are collected.
    """


@hookspec
def register_providers() -> list[Provider]:
    """Contribute the organisations that deliver services.

    Each :class:`welfare_plans.Provider` is validated: its VAT number or tax code with python-stdnum,
    its municipality against the ISTAT list, its legal form against :class:`welfare_plans.LegalForm`.
    An invalid provider is rejected with a message naming the plugin and the field; the plugin's
    other providers are kept.

    :return: a list of :class:`welfare_plans.Provider`. All results are collected.
    """


@hookspec
def register_service_types() -> list[ServiceType]:
    """Contribute the service types a plugin's providers offer.

    Each :class:`welfare_plans.ServiceType` must point to a provider registered by the same plugin,
    to a known need area, to existing ISTAT municipality or province codes, and have a price that is
    not negative. Its ``code`` is unique across all plugins. A service type a plugin stops returning
    is marked withdrawn in the catalog at the next sync, never deleted: plans point to it.

    :return: a list of :class:`welfare_plans.ServiceType`. All results are collected.
    """


@hookspec
def validate_plan(plan: WelfarePlan) -> list[PlanProblem]:
    """Check a plan and return the problems found.

    Called whenever a plan is shown for review, saved or finalised. The built-in ``plan_checks`` plugin
    contributes the structural checks (funding adds up, basket within budget, services inside the plan's
    territory and for included groups); other plugins add their own (tax rules, a network's policy).
    Problems of severity ``error`` block finalising; ``warning`` and ``info`` do not.

    :param plan: the plan as a :class:`welfare_plans.WelfarePlan` value, with its totals.
    :return: a list of :class:`welfare_plans.PlanProblem` (empty when all is well). All results are
        collected. The checks fail closed: a plugin that raises, or answers with something that is not a
        list of valid problems, is reported and skipped for that call, and the plan gets an error naming
        it, so it cannot be finalised without its checks.
    """


@hookspec
def plan_document_sections(plan: WelfarePlan, language: str, annex_of: str | None) -> list[DocumentSection]:
    """Contribute sections to a plan's document, or to one member firm's annex to a joint plan.

    The built-in ``plan_document`` plugin contributes the sections every Italian plan regulation has
    (preamble, purpose, beneficiaries, definitions, duration, budget, basket, rules of use, new hires and
    unused credit, governance, privacy and changes, signatures), for a joint plan the section on the
    network and one annex per member firm, and a firm's annex alone when ``annex_of`` asks for it; a
    provider may add its service terms, the tax rules their own section. Called inside the app, with the
    page language forced to ``language``, so ``flask.render_template`` and gettext speak the document's
    language.

    :param plan: the plan as a :class:`welfare_plans.WelfarePlan` value.
    :param language: ``"it"`` or ``"en"``.
    :param annex_of: None when the plan's document is asked for (a joint plan's includes every annex);
        a member firm's VAT number when that firm's annex is asked for on its own, to hand its workers.
        An implementation that does not take ``annex_of`` is asked for the plan's document only.
    :return: a list of :class:`welfare_plans.DocumentSection` for the document asked for (an empty list
        for a document the plugin adds nothing to); all results are collected and ordered by
        ``position``. A key belongs to the first plugin that uses it, the built-ins before any other: a
        section whose key is taken (a core section's above all) is left out and reported on its plugin.
        A plugin that raises is reported and its sections left out; when a built-in raises, the document
        is not made.
    """


@hookspec(firstresult=True)
def render_plan(
    plan: WelfarePlan, language: str, sections: list[DocumentSection], variant: str
) -> RenderedDocument | None:
    """Turn a plan and its sections into a document; the first plugin returning one wins.

    The built-in ``pdf_renderer`` plugin renders a PDF with WeasyPrint: cover, table of contents with
    page numbers, the sections, running header and footer. Another plugin can replace it by returning
    a document first (pluggy calls plugins registered later first, and ``tryfirst`` ones before those),
    or decline by returning None. A renderer that raises or answers with something that is not a
    document is reported and the next one asked.

    :param plan: the plan as a :class:`welfare_plans.WelfarePlan` value.
    :param language: ``"it"`` or ``"en"``.
    :param sections: every section contributed through ``plan_document_sections`` to the document asked
        for (the plan's, or a member firm's annex alone), ordered.
    :param variant: ``"pdf/a-3u"`` (archival, the default) or ``"pdf/ua-1"`` (tagged, accessible).
    :return: a :class:`welfare_plans.RenderedDocument`, or None to let the next plugin render.
    """


@hookspec
def plan_page_panels(plan: WelfarePlan, page: str, language: str) -> list[PagePanel]:
    """Add panels to the pages of a plan.

    Called each time a plan's overview (``page="overview"``) or review (``page="review"``) is shown,
    for a firm's plan and for a network's joint plan alike. The built-in
    ``italian_tax`` plugin shows its comparison of welfare with pay through it, so blocking that plugin
    takes the comparison off every page. Called inside the request: ``flask.render_template`` finds the
    plugin's own templates under its name (``"my-plugin/panel.html"``, see ``template_folder`` in
    ``docs/plugin_hooks.md``) and gettext speaks the page's language.

    Everyone who may open the page sees its panels. On a joint plan that includes member firms that may
    not see each other's parts: show what is about the network as a whole, never one firm's figures.

    :param plan: the plan as a :class:`welfare_plans.WelfarePlan` value, with its totals.
    :param page: ``"overview"`` or ``"review"``; return an empty list for a page you do not know.
    :param language: ``"it"`` or ``"en"``, the language of the page.
    :return: a list of :class:`welfare_plans.PagePanel`; all results are collected and ordered by
        ``position``; a key a built-in uses stays the built-in's. A plugin that raises is reported and the
        page is shown without its panels.
    """
