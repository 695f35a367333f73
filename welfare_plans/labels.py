"""Names of the contract's codes in the user's language, for the web pages and for plugins.

The tables hold lazy strings, translated when they are shown; the ``*_label`` functions return the
text in the language of the page (or of the document being rendered). Need areas are registered by
plugins, so their names come from the app: :func:`init_app` tells this module how to read the areas
the app collected, and :func:`need_area_label` reads them at each call.

Plugins import the functions from ``welfare_plans``; none of them touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from .i18n import localized
from .types import BeneficiaryGroup, DeliveryMode, LegalForm, NeedArea, PriceUnit

NEED_AREAS_KEY = "welfare_plans.need_areas"

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


def init_app(app: Flask, need_areas: Callable[[], Iterable[NeedArea]]) -> None:
    """Give ``app`` the function that returns its registered need areas, in display order.

    It is called at each look-up, so a label never outlives the areas the app holds.
    """
    app.extensions[NEED_AREAS_KEY] = need_areas


def need_area_label(code: str) -> str:
    """The name of the need area ``code`` in the current language; the code itself when no plugin registered it."""
    for area in current_app.extensions[NEED_AREAS_KEY]():
        if area.code == code:
            return localized(area, "name")
    return code


def beneficiary_group_label(code: str) -> str:
    """The name of a :class:`~welfare_plans.BeneficiaryGroup` (or its value) in the current language."""
    return str(BENEFICIARY_GROUPS.get(code, code))


def delivery_mode_label(code: str) -> str:
    """The name of a :class:`~welfare_plans.DeliveryMode` (or its value) in the current language."""
    return str(DELIVERY_MODES.get(code, code))


def price_unit_label(code: str) -> str:
    """What one price buys (``"per hour"``) for a :class:`~welfare_plans.PriceUnit`, in the current language."""
    return str(PRICE_UNITS.get(code, code))


def legal_form_label(code: str) -> str:
    """The name of a :class:`~welfare_plans.LegalForm` (or its value) in the current language."""
    return str(LEGAL_FORMS.get(code, code))
