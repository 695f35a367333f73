"""From a plan's rows to the :class:`~welfare_plans.domain.plan.WelfarePlan` value that plugins see.

Only the plan's own rows are read here; a joint plan's members' parts are rolled up in :mod:`.rollup`, and
which of the two a plan needs is its kind's business (:mod:`.kinds`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..domain.plan import (
    BasketItem,
    CategoryBudget,
    FundingKind,
    FundingSource,
    LegalBasis,
    NewHiresRule,
    Partner,
    PartnerKind,
    UnusedCreditRule,
    WelfarePlan,
)
from ..domain.territory import gazetteer
from ..models import Plan
from ..models.columns import CategoryColumns, FundingColumns
from ..types import BeneficiaryGroup, Territory


def municipality_label(code: str | None) -> str:
    """ "Pinerolo (TO)" for an ISTAT code, or an empty text."""
    municipality = gazetteer().municipality(code) if code else None
    return municipality.label if municipality else ""


def territory_places(plan: Plan) -> list:
    """The municipalities and provinces of the plan's territory, as gazetteer places."""
    places = gazetteer()
    found = [places.municipality(code) for code in plan.territory_municipalities]
    found += [places.province(code) for code in plan.territory_provinces]
    return [place for place in found if place is not None]


def category_values(rows: Iterable[CategoryColumns]) -> tuple[CategoryBudget, ...]:
    """Worker category rows, of a plan or of a member's part, as values."""
    return tuple(CategoryBudget(c.name, c.headcount, c.included, Decimal(c.credit_per_worker)) for c in rows)


def funding_values(rows: Iterable[FundingColumns]) -> tuple[FundingSource, ...]:
    """Funding rows, of a plan or of a member's part, as values."""
    return tuple(FundingSource(FundingKind(f.kind), Decimal(f.amount), f.note) for f in rows)


def shared_value(plan: Plan) -> WelfarePlan:
    """The plan's own rows as a value: for a joint plan, the shared parts without the members'."""
    firm = plan.firm
    return WelfarePlan(
        title=plan.title,
        fiscal_year=plan.fiscal_year,
        period_start=plan.period_start,
        period_end=plan.period_end,
        legal_basis=LegalBasis(plan.legal_basis) if plan.legal_basis else None,
        objectives=plan.objectives,
        needs=tuple(plan.needs),
        territory=Territory(tuple(plan.territory_municipalities), tuple(plan.territory_provinces)),
        categories=category_values(plan.categories),
        family_count=plan.family_count if plan.include_family else None,
        former_count=plan.former_count if plan.include_former else None,
        citizens_count=plan.citizens_count if plan.include_citizens else None,
        funding=funding_values(plan.funding),
        basket=tuple(
            BasketItem(
                service_code=item.service_code,
                name=item.name,
                provider=item.provider_name,
                need_area=item.need_area,
                price=Decimal(item.price),
                unit=item.unit,
                quantity=Decimal(item.quantity),
                beneficiary_group=BeneficiaryGroup(item.beneficiary_group),
                beneficiary_groups=tuple(item.beneficiary_groups),
                delivery_modes=tuple(item.delivery_modes),
                territory=Territory(tuple(item.territory_municipalities), tuple(item.territory_provinces)),
                declared_tax_basis=item.tax_basis,
            )
            for item in plan.items
        ),
        partners=tuple(Partner(p.name, PartnerKind(p.kind), p.role, p.signatory) for p in plan.partners),
        steering_committee=plan.steering_committee,
        new_hires_rule=NewHiresRule(plan.new_hires_rule),
        unused_credit_rule=UnusedCreditRule(plan.unused_credit_rule),
        claims_deadline_days=plan.claims_deadline_days,
        usage_notes=plan.usage_notes,
        firm_name=firm.legal_name if firm else "",
        firm_vat_number=firm.vat_number if firm else "",
        firm_municipality=municipality_label(firm.municipality_code if firm else None),
        version=plan.version,
        status=plan.status,
        agreement_reference=plan.agreement_reference or "",
    )
