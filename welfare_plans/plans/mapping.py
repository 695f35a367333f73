"""From a plan's rows to the :class:`~welfare_plans.domain.plan.WelfarePlan` value that plugins see.

Only the plan's own rows are read here; a joint plan's members' parts are rolled up in :mod:`.rollup`, and
which of the two a plan needs is its kind's business (:mod:`.kinds`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..domain.plan import (
    MAX_CLAIMS_DEADLINE_DAYS,
    MAX_QUANTITY,
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
    readable_amount,
    readable_count,
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


ZERO = Decimal("0")


def stored_amount(value, maximum: Decimal | None = None) -> Decimal:
    """A stored amount as a value; one no plan can hold (stored before the checks existed, or by hand) reads
    as zero, and :func:`unreadable_rows` names its field so that the page shows an error there."""
    readable = readable_amount(value) if maximum is None else readable_amount(value, maximum)
    return ZERO if readable is None else readable


def stored_count(value, maximum: int | None = None) -> int:
    """A stored count as a value; one no plan can hold reads as zero (see :func:`stored_amount`)."""
    readable = readable_count(value) if maximum is None else readable_count(value, maximum)
    return 0 if readable is None else readable


def category_values(rows: Iterable[CategoryColumns]) -> tuple[CategoryBudget, ...]:
    """Worker category rows, of a plan or of a member's part, as values."""
    return tuple(
        CategoryBudget(c.name, stored_count(c.headcount), c.included, stored_amount(c.credit_per_worker))
        for c in rows
    )


def funding_values(rows: Iterable[FundingColumns]) -> tuple[FundingSource, ...]:
    """Funding rows, of a plan or of a member's part, as values."""
    return tuple(FundingSource(FundingKind(f.kind), stored_amount(f.amount), f.note) for f in rows)


def unreadable_rows(categories: Iterable[CategoryColumns], funding: Iterable[FundingColumns]) -> list[str]:
    """The fields (``categories``, ``credits``, ``funding``) of rows holding a value no plan can hold."""
    categories = list(categories)
    fields = []
    if any(readable_count(c.headcount) is None for c in categories):
        fields.append("categories")
    if any(readable_amount(c.credit_per_worker) is None for c in categories):
        fields.append("credits")
    if any(readable_amount(f.amount) is None for f in funding):
        fields.append("funding")
    return fields


def unreadable_fields(plan: Plan) -> tuple[str, ...]:
    """The fields of the plan's own rows whose stored values no plan can hold (they read as zero)."""
    fields = unreadable_rows(plan.categories, plan.funding)
    for group in ("family", "former", "citizens"):
        if getattr(plan, f"include_{group}") and readable_count(getattr(plan, f"{group}_count")) is None:
            fields.append(f"{group}_count")
    if readable_count(plan.claims_deadline_days, MAX_CLAIMS_DEADLINE_DAYS) is None:
        fields.append("claims_deadline_days")
    fields += [
        f"items.{item.service_code}"
        for item in plan.items
        if readable_amount(item.price) is None or readable_amount(item.quantity, MAX_QUANTITY) is None
    ]
    return tuple(fields)


def _count_if(included: bool, value) -> int | None:
    return stored_count(value) if included else None


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
        family_count=_count_if(plan.include_family, plan.family_count),
        former_count=_count_if(plan.include_former, plan.former_count),
        citizens_count=_count_if(plan.include_citizens, plan.citizens_count),
        funding=funding_values(plan.funding),
        basket=tuple(
            BasketItem(
                service_code=item.service_code,
                name=item.name,
                provider=item.provider_name,
                need_area=item.need_area,
                price=stored_amount(item.price),
                unit=item.unit,
                quantity=stored_amount(item.quantity, MAX_QUANTITY),
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
        claims_deadline_days=stored_count(plan.claims_deadline_days, MAX_CLAIMS_DEADLINE_DAYS),
        usage_notes=plan.usage_notes,
        firm_name=firm.legal_name if firm else "",
        firm_vat_number=firm.vat_number if firm else "",
        firm_municipality=municipality_label(firm.municipality_code if firm else None),
        version=plan.version,
        status=plan.status,
        agreement_reference=plan.agreement_reference or "",
        unreadable=unreadable_fields(plan),
    )
