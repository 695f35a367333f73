"""Composing a plan: what each step of the wizard changes, as plain functions of the plan and values.

The web layer parses the forms into values and calls these; the rules (credits follow categories by name,
a budget buys a quantity at the service's price, empty rows are dropped) live here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from ..domain.plan import CategoryBudget, FundingSource, Partner
from ..models import CatalogService, Plan, PlanCategory, PlanFunding, PlanItem, PlanPartner
from ..types import BeneficiaryGroup

CENT = Decimal("0.01")


def set_categories(plan: Plan, categories: Iterable[CategoryBudget]) -> None:
    """Replace the plan's worker categories; a category keeps the credit it had under the same name."""
    credits = {category.name: category.credit_per_worker for category in plan.categories}
    plan.categories = [
        PlanCategory(
            position=position,
            name=category.name,
            headcount=category.headcount,
            included=category.included,
            credit_per_worker=credits.get(category.name, Decimal("0")),
        )
        for position, category in enumerate(categories)
    ]


def set_credits(plan: Plan, credits: Sequence[Decimal | None]) -> None:
    """The credit per worker of each included category, in order; an empty amount is zero."""
    included = [c for c in plan.categories if c.included]
    for category, credit in zip(included, credits, strict=False):
        category.credit_per_worker = credit or Decimal("0")


def set_funding(plan: Plan, funding: Iterable[FundingSource]) -> None:
    """Replace the plan's own funding sources."""
    plan.funding = [
        PlanFunding(position=i, kind=source.kind.value, amount=source.amount, note=source.note)
        for i, source in enumerate(funding)
    ]


def set_partners(plan: Plan, partners: Iterable[Partner]) -> None:
    """Replace the plan's partners."""
    plan.partners = [
        PlanPartner(position=i, name=p.name, kind=p.kind.value, role=p.role, signatory=p.signatory)
        for i, p in enumerate(partners)
    ]


def quantity_for(price: Decimal, quantity: Decimal | None, budget: Decimal | None) -> Decimal:
    """How much of a service the plan buys: a budget, when given, buys as much as it pays for at the
    service's price (to the cent); otherwise the quantity typed, or none."""
    if budget is not None and price:
        return (budget / price).quantize(CENT, rounding=ROUND_HALF_UP)
    return quantity if quantity is not None else Decimal("0")


def remove_item(plan: Plan, item: PlanItem) -> None:
    plan.items.remove(item)
    for position, remaining in enumerate(plan.items):
        remaining.position = position


def default_group(service: CatalogService, plan_groups: Iterable[str]) -> str:
    """The group a newly added service is for: the first of its groups that the plan includes."""
    groups = set(plan_groups) or {group.value for group in BeneficiaryGroup}
    return next((g for g in service.beneficiary_groups if g in groups), service.beneficiary_groups[0])


def add_service(
    plan: Plan, service: CatalogService, group: str, quantity: Decimal = Decimal("0")
) -> PlanItem | None:
    """Put a catalog service in the basket, copying its price and terms as they are now. A service already
    in the basket is not added twice (None is returned)."""
    if service.code in {item.service_code for item in plan.items}:
        return None
    areas = service.areas
    item = PlanItem(
        position=len(plan.items),
        service_id=service.id,
        service_code=service.code,
        name=service.name,
        name_en=service.name_en,
        provider_name=service.provider.name,
        need_area=service.need_area,
        price=service.price,
        unit=service.unit,
        delivery_modes=list(service.delivery_modes),
        beneficiary_groups=list(service.beneficiary_groups),
        territory_municipalities=[a.municipality_code for a in areas if a.municipality_code],
        territory_provinces=[a.province_code for a in areas if not a.municipality_code],
        beneficiary_group=group,
        tax_basis=(service.extra or {}).get("tax_basis"),
        quantity=quantity,
    )
    plan.items.append(item)
    return item
