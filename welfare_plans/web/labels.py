"""Translated labels for forms and templates: the page's own codes here, the contract's from
:mod:`welfare_plans.labels` (shared with plugins); the template globals and filters pages use."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_babel import format_date, format_datetime, format_decimal, gettext
from flask_babel import lazy_gettext as _l

from .. import labels as core_labels
from ..accounts import HR_MANAGER, VIEWER
from ..catalog import get_contributions
from ..domain import format_message
from ..domain.territory import gazetteer
from ..i18n import current_language, localized
from ..labels import BENEFICIARY_GROUPS, DELIVERY_MODES, LEGAL_FORMS, PRICE_UNITS, need_area_label
from ..panels import plan_page_panels
from ..plugins import get_plugins
from ..types import Territory
from .access import can_edit, can_edit_plan
from .network_forms import MEMBER_STATUSES, NETWORK_KINDS
from .plan_forms import FUNDING_KINDS, LEGAL_BASES, NEW_HIRES_RULES, PARTNER_KINDS, UNUSED_CREDIT_RULES


def need_areas():
    return get_contributions(current_app).ordered_need_areas()


def need_area_choices() -> list[tuple[str, str]]:
    return [(area.code, localized(area, "name")) for area in need_areas()]


def beneficiary_group_choices() -> list[tuple[str, str]]:
    return [(group.value, label) for group, label in BENEFICIARY_GROUPS.items()]


PLAN_STATUSES = {"draft": _l("draft"), "final": _l("final"), "archived": _l("archived")}
SEVERITIES = {"error": _l("Error"), "warning": _l("Warning"), "info": _l("Note")}
ACTIONS = {
    "created": _l("Plan created"),
    "step:basics": _l("Basics saved"),
    "step:beneficiaries": _l("Beneficiaries saved"),
    "step:budget": _l("Budget and funding saved"),
    "step:basket": _l("Basket saved"),
    "step:governance": _l("Governance saved"),
    "finalised": _l("Finalised"),
    "archived": _l("Archived"),
    "new_version": _l("New version started"),
    "duplicated": _l("Created from another plan"),
    "part": _l("A member firm's part saved"),
}
ROLES = {HR_MANAGER: _l("HR manager"), VIEWER: _l("viewer")}
SIZE_CLASSES = {
    "micro": _l("Micro (fewer than 10 workers)"),
    "small": _l("Small (10 to 49 workers)"),
    "medium": _l("Medium (50 to 249 workers)"),
    "large": _l("Large (250 workers or more)"),
}


def message_text(message: str, params: dict) -> str:
    """A message of the domain in the page's language, amounts written the way that language writes them."""
    params = {
        key: format_decimal(value, format="#,##0.00") if isinstance(value, Decimal) else value
        for key, value in params.items()
    }
    return format_message(message, params, gettext)


def problem_text(problem) -> str:
    return message_text(problem.message, problem.params)


def places_label(territory) -> str:
    """A ``Territory`` in words: "Pinerolo (TO), Provincia di Torino"."""
    places = gazetteer()
    names = [
        places.municipality(code).label for code in territory.municipalities if places.municipality(code)
    ]
    names += [
        str(_l("Province of %(name)s", name=places.province(code).name))
        for code in territory.provinces
        if places.province(code)
    ]
    return ", ".join(names)


def territory_label(plan) -> str:
    return places_label(Territory(tuple(plan.territory_municipalities), tuple(plan.territory_provinces)))


def page_panels(plan, page: str) -> list:
    """What plugins add to ``page`` ("overview", "review") of ``plan`` (its domain value), in the page's language."""
    return plan_page_panels(get_plugins(current_app), plan, page, current_language())


def register(app) -> None:
    core_labels.init_app(app, need_areas)
    app.jinja_env.filters["date_format"] = format_date
    app.jinja_env.filters["datetime_format"] = lambda value: format_datetime(value, "short")
    app.jinja_env.globals.update(
        status_label=lambda code: PLAN_STATUSES.get(code, code),
        severity_label=lambda code: SEVERITIES.get(code, code),
        action_label=lambda code: ACTIONS.get(code.split(":")[0] if code.startswith("part:") else code, code),
        legal_basis_label=lambda code: LEGAL_BASES.get(code, code),
        funding_label=lambda code: FUNDING_KINDS.get(code, code),
        partner_label=lambda code: PARTNER_KINDS.get(code, code),
        size_label=lambda code: SIZE_CLASSES.get(code, code),
        role_label=lambda code: ROLES.get(code, code),
        territory_label=territory_label,
        places_label=places_label,
        new_hires_label=lambda code: NEW_HIRES_RULES.get(code, code),
        unused_credit_label=lambda code: UNUSED_CREDIT_RULES.get(code, code),
        can_edit=can_edit,
        can_edit_plan=can_edit_plan,
        network_kind_label=lambda code: NETWORK_KINDS.get(code, code),
        member_status_label=lambda code: MEMBER_STATUSES.get(code, code),
    )
    app.jinja_env.globals.update(
        need_area_label=need_area_label,
        group_label=lambda code: BENEFICIARY_GROUPS.get(code, code),
        delivery_label=lambda code: DELIVERY_MODES.get(code, code),
        unit_label=lambda code: PRICE_UNITS.get(code, code),
        legal_form_label=lambda code: LEGAL_FORMS.get(code, code),
        problem_text=problem_text,
        assumption_text=message_text,
        plan_page_panels=page_panels,
    )
