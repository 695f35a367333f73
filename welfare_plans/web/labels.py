"""Translated labels of the contract's codes, for forms and templates."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..i18n import localized
from ..types import BeneficiaryGroup, DeliveryMode, LegalForm, PriceUnit

BENEFICIARY_GROUPS = {
    BeneficiaryGroup.WORKERS: _l("Workers"),
    BeneficiaryGroup.FAMILY_MEMBERS: _l("Family members"),
    BeneficiaryGroup.FORMER_EMPLOYEES: _l("Former employees"),
    BeneficiaryGroup.CITIZENS: _l("Citizens of the territory"),
}

DELIVERY_MODES = {
    DeliveryMode.IN_KIND: _l("In kind"),
    DeliveryMode.VOUCHER: _l("Voucher"),
    DeliveryMode.REIMBURSEMENT: _l("Reimbursement"),
    DeliveryMode.CONTRIBUTION: _l("Contribution"),
}

PRICE_UNITS = {
    PriceUnit.HOUR: _l("per hour"),
    PriceUnit.SESSION: _l("per session"),
    PriceUnit.DAY: _l("per day"),
    PriceUnit.WEEK: _l("per week"),
    PriceUnit.MONTH: _l("per month"),
    PriceUnit.YEAR: _l("per year"),
    PriceUnit.FLAT: _l("flat fee"),
}

LEGAL_FORMS = {
    LegalForm.SOCIAL_COOPERATIVE: _l("Social cooperative"),
    LegalForm.SOCIAL_ENTERPRISE: _l("Social enterprise"),
    LegalForm.PROMOTION_ASSOCIATION: _l("Social promotion association (APS)"),
    LegalForm.VOLUNTEER_ORGANISATION: _l("Volunteer organisation (ODV)"),
    LegalForm.MUTUAL_AID_SOCIETY: _l("Mutual aid society"),
    LegalForm.FOUNDATION: _l("Foundation"),
    LegalForm.RELIGIOUS_BODY: _l("Religious body"),
    LegalForm.PRIVATE_COMPANY: _l("Private company"),
    LegalForm.PUBLIC_BODY: _l("Public body"),
    LegalForm.OTHER: _l("Other"),
}


def need_areas():
    from .. import CONTRIBUTIONS_KEY

    return current_app.extensions[CONTRIBUTIONS_KEY].ordered_need_areas()


def need_area_choices() -> list[tuple[str, str]]:
    return [(area.code, localized(area, "name")) for area in need_areas()]


def need_area_label(code: str) -> str:
    for area in need_areas():
        if area.code == code:
            return localized(area, "name")
    return code


def beneficiary_group_choices() -> list[tuple[str, str]]:
    return [(group.value, label) for group, label in BENEFICIARY_GROUPS.items()]


def register(app) -> None:
    app.jinja_env.globals.update(
        need_area_label=need_area_label,
        group_label=lambda code: BENEFICIARY_GROUPS.get(code, code),
        delivery_label=lambda code: DELIVERY_MODES.get(code, code),
        unit_label=lambda code: PRICE_UNITS.get(code, code),
        legal_form_label=lambda code: LEGAL_FORMS.get(code, code),
        problem_text=lambda problem: problem.render(gettext),
    )
