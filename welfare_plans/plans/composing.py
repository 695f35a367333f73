"""Composing a plan: what each step of the wizard changes, as plain functions of the plan and values.

The web layer parses the forms into values and calls these; the rules (rows are matched by their id, never
by their place in a list; a budget buys a quantity at the service's price; empty rows are dropped) live
here. A save first takes the plan with :func:`claim_draft`, so that two saves of one revision, or a save
and a finalisation, cannot both pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..domain import N_
from ..domain.plan import (
    MAX_AMOUNT,
    MAX_CLAIMS_DEADLINE_DAYS,
    MAX_QUANTITY,
    MAX_ROWS,
    CategoryBudget,
    FundingSource,
    InvalidValue,
    Partner,
    checked_amount,
    readable_amount,
    readable_count,
)
from ..models import CatalogService, Plan, PlanCategory, PlanFunding, PlanItem, PlanPartner
from ..types import BeneficiaryGroup

CENT = Decimal("0.01")
ZERO = Decimal("0")


class EditConflict(Exception):
    """The plan changed since the form was built from it (``final``: it is no longer a draft)."""

    def __init__(self, revision: int, *, final: bool = False) -> None:
        super().__init__(f"plan changed since revision {revision}")
        self.revision, self.final = revision, final


def claim_draft(session: Session, plan: Plan, revision: int | None = None) -> None:
    """Take the plan for a save: it must still be a draft at ``revision`` (the revision its form was built
    from; the one just loaded when the form does not say), and its revision moves on by one.

    One conditional ``UPDATE``, so of two saves of one revision, or a save and a finalisation, exactly one
    passes: PostgreSQL holds the row, SQLite the database, until the transaction ends. Raises
    :class:`EditConflict`."""
    expected = plan.revision if revision is None else revision
    taken = session.execute(
        update(Plan)
        .where(Plan.id == plan.id, Plan.status == "draft", Plan.revision == expected)
        .values(revision=Plan.revision + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        status = session.scalar(select(Plan.status).where(Plan.id == plan.id))
        raise EditConflict(expected, final=status != "draft")
    set_committed_value(plan, "revision", expected + 1)


TOO_MANY_CATEGORIES = N_("At most %(count)d worker categories.")
TOO_MANY_FUNDING_SOURCES = N_("At most %(count)d funding sources.")
TOO_MANY_PARTNERS = N_("At most %(count)d partners.")
TOO_MANY_SERVICES = N_("At most %(count)d services in the basket.")


def _at_most_rows(rows: list, message: str) -> list:
    if len(rows) > MAX_ROWS:
        raise InvalidValue(message, count=MAX_ROWS)
    return rows


def repair_stored_values(plan: Plan) -> list[str]:
    """Set to zero what a plan's rows hold that no plan can (values stored before the checks existed, or by
    hand), in the plan, its rows and its members' parts: for a copy about to be written, whose new rows the
    database checks in full. (A row changed in place is checked only in the columns written, so the plan
    itself keeps such a value, shown as an error at its field, until someone corrects it.) Returns the
    fields repaired, as ``WelfarePlan.unreadable`` names them."""
    repaired = []
    for group in ("family", "former", "citizens"):
        if readable_count(getattr(plan, f"{group}_count")) is None:
            setattr(plan, f"{group}_count", 0)
            repaired.append(f"{group}_count")
    if readable_count(plan.claims_deadline_days, MAX_CLAIMS_DEADLINE_DAYS) is None:
        plan.claims_deadline_days = 60
        repaired.append("claims_deadline_days")
    rows = [("categories", plan.categories), ("funding", plan.funding), ("items", plan.items)]
    for part in plan.parts:
        rows += [("categories", part.categories), ("funding", part.funding), ("choices", part.choices)]
    for field, group in rows:
        repaired += [field for row in group if _repair_row(row)]
    return list(dict.fromkeys(repaired))


# the bounded columns of each kind of row: (attribute, maximum), a maximum of None for a count of people
_BOUNDED = {
    "headcount": None,
    "credit_per_worker": MAX_AMOUNT,
    "amount": MAX_AMOUNT,
    "price": MAX_AMOUNT,
    "quantity": MAX_QUANTITY,
    "people": None,
}


def _repair_row(row) -> list[str]:
    repaired = []
    for attribute, maximum in _BOUNDED.items():
        if not hasattr(row, attribute):
            continue
        value = getattr(row, attribute)
        if maximum is None and readable_count(value) is None:
            setattr(row, attribute, 0)
            repaired.append(attribute)
        elif maximum is not None and readable_amount(value, maximum) is None:
            setattr(row, attribute, ZERO)
            repaired.append(attribute)
    return repaired


def _by_id(rows) -> dict[int, object]:
    return {row.id: row for row in rows if row.id is not None}


def set_categories(plan: Plan, categories: Iterable[tuple[int | None, CategoryBudget]]) -> None:
    """Replace the plan's worker categories with ``(id, category)`` pairs, in their order: a pair with the
    id of one of the plan's categories changes that row, which keeps its credit; a pair without one adds a
    category, with the credit of a category of the same name if the plan had one. Categories not named go."""
    rows = _at_most_rows(list(categories), TOO_MANY_CATEGORIES)
    existing = _by_id(plan.categories)
    credits = {category.name: category.credit_per_worker for category in plan.categories}
    kept = []
    for position, (row_id, category) in enumerate(rows):
        row = existing.pop(row_id, None) if row_id is not None else None
        if row is None:
            row = PlanCategory(credit_per_worker=readable_amount(credits.get(category.name, ZERO)) or ZERO)
        row.position, row.name, row.headcount, row.included = (
            position, category.name, category.headcount, category.included
        )  # fmt: skip
        kept.append(row)
    plan.categories = kept


def set_credits(plan: Plan, credits: Mapping[int, Decimal | None]) -> None:
    """The credit per worker of the plan's included categories, by category id; an empty amount is zero.
    Ids of no included category of the plan change nothing."""
    for category in plan.categories:
        if category.included and category.id in credits:
            category.credit_per_worker = checked_amount(credits[category.id] or ZERO)


def set_funding(plan: Plan, funding: Iterable[FundingSource]) -> None:
    """Replace the plan's own funding sources."""
    plan.funding = [
        PlanFunding(position=i, kind=source.kind.value, amount=source.amount, note=source.note)
        for i, source in enumerate(_at_most_rows(list(funding), TOO_MANY_FUNDING_SOURCES))
    ]


def set_partners(plan: Plan, partners: Iterable[tuple[int | None, Partner]]) -> None:
    """Replace the plan's partners with ``(id, partner)`` pairs, in their order: a pair with the id of one
    of the plan's partners changes that row, one without adds a partner; partners not named go."""
    existing = _by_id(plan.partners)
    kept = []
    for position, (row_id, partner) in enumerate(_at_most_rows(list(partners), TOO_MANY_PARTNERS)):
        row = existing.pop(row_id, None) if row_id is not None else None
        row = row if row is not None else PlanPartner()
        row.position, row.name, row.kind = position, partner.name, partner.kind.value
        row.role, row.signatory = partner.role, partner.signatory
        kept.append(row)
    plan.partners = kept


def quantity_for(price: Decimal, quantity: Decimal | None, budget: Decimal | None) -> Decimal:
    """How much of a service the plan buys: a budget, when given, buys as much as it pays for at the
    service's price (to the cent); otherwise the quantity typed, or none. More than a plan can hold is
    :class:`InvalidValue`."""
    if budget is not None and price:
        return checked_amount((budget / price).quantize(CENT, rounding=ROUND_HALF_UP), MAX_QUANTITY)
    return checked_amount(quantity, MAX_QUANTITY) if quantity is not None else ZERO


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
    if len(plan.items) >= MAX_ROWS:
        raise InvalidValue(TOO_MANY_SERVICES, count=MAX_ROWS)
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
