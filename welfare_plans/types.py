"""Value types that plugins return from their hooks.

These are the public, plugin-facing shapes of the contract documented in ``docs/plugin_hooks.md``.
They are plain frozen dataclasses: plugins build them, the core validates them (see
:mod:`welfare_plans.domain.contributions`) before anything reaches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class LegalForm(StrEnum):
    """Legal form of a provider, as Italian law names third-sector and other bodies."""

    SOCIAL_COOPERATIVE = "social_cooperative"
    SOCIAL_ENTERPRISE = "social_enterprise"
    PROMOTION_ASSOCIATION = "promotion_association"  # APS
    VOLUNTEER_ORGANISATION = "volunteer_organisation"  # ODV
    MUTUAL_AID_SOCIETY = "mutual_aid_society"
    FOUNDATION = "foundation"
    RELIGIOUS_BODY = "religious_body"
    PRIVATE_COMPANY = "private_company"
    PUBLIC_BODY = "public_body"
    OTHER = "other"


class BeneficiaryGroup(StrEnum):
    """Who a service can be offered to; only workers and family members get the art. 51 exemptions."""

    WORKERS = "workers"
    FAMILY_MEMBERS = "family_members"
    FORMER_EMPLOYEES = "former_employees"
    CITIZENS = "citizens"


class DeliveryMode(StrEnum):
    """How a service reaches the beneficiary and how it is paid."""

    IN_KIND = "in_kind"
    VOUCHER = "voucher"
    REIMBURSEMENT = "reimbursement"
    CONTRIBUTION = "contribution"


class PriceUnit(StrEnum):
    """What one price buys."""

    HOUR = "hour"
    SESSION = "session"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    FLAT = "flat"


@dataclass(frozen=True)
class NeedArea:
    """A family of needs a plan can answer (health, childcare...), with its display names.

    ``code`` is stable and referenced by service types; ``position`` orders the areas on screen.
    """

    code: str
    name: str
    name_en: str | None = None
    position: int = 0


@dataclass(frozen=True)
class Territory:
    """Where a service is delivered: ISTAT municipality codes (6 digits) and/or province codes (3 digits).

    A province code covers every municipality of that province.
    """

    municipalities: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provider:
    """An organisation that delivers services.

    ``key`` is a stable identifier chosen by the plugin (for example ``"il-sentiero"``); service
    types point to their provider by it. ``tax_id`` is the Italian VAT number (partita IVA) or tax code
    (codice fiscale). ``municipality`` is the ISTAT code of the registered office. Territorial pacts ask
    whether the provider applies the national collective contract and has a worker safety policy.
    """

    key: str
    name: str
    legal_form: LegalForm
    tax_id: str
    municipality: str
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address: str | None = None
    applies_national_contract: bool = False
    has_safety_policy: bool = False
    description: str = ""
    description_en: str | None = None


@dataclass(frozen=True)
class ServiceType:
    """One kind of service a provider offers, at a price, to some beneficiary groups, in a territory.

    ``code`` is unique across all plugins and starts with the provider's key and a dot
    (``"il-sentiero.home-care"``); it belongs to the plugin that first brought it into the catalog.
    ``name`` and ``description`` are Italian; the ``*_en`` fields are optional English versions.
    ``price`` is in euro, VAT included where due, per ``unit``.
    """

    code: str
    provider: str
    name: str
    need_area: str
    beneficiary_groups: tuple[BeneficiaryGroup, ...]
    delivery_modes: tuple[DeliveryMode, ...]
    price: Decimal
    unit: PriceUnit
    territory: Territory
    description: str = ""
    name_en: str | None = None
    description_en: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PagePanel:
    """A panel a plugin adds to a plan's pages (the overview, the review), after the core's figures.

    ``title`` is text: it is escaped wherever it is shown, markup included. ``html`` is the panel's body:
    render it from your own template with ``render_markup("my-plugin/panel.html", plan=plan)``, which
    returns markup; a plain string is shown as text.
    ``position`` orders the panels of a page, lowest first. ``key`` names the panel: unique on the page,
    it becomes the panel's anchor (``#panel-<key>``).
    """

    key: str
    title: str
    html: str
    position: int = 100
