"""A member firm's part of a joint plan: started from the firm's worker categories, saved as a whole."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from ..clock import now
from ..domain.plan import CategoryBudget, FundingSource
from ..models import Firm, MemberPart, PartCategory, PartChoice, PartFunding, Plan, User


class PartChoiceInput(NamedTuple):
    """What a member firm says of one service of the shared basket."""

    opted_in: bool
    people: int
    quantity: Decimal


def part_of(plan: Plan, firm_id: int) -> MemberPart | None:
    return next((part for part in plan.parts if part.firm_id == firm_id), None)


def parts_with_rows(plan: Plan) -> list[MemberPart]:
    """The plan's parts with their categories, funding and choices loaded: four queries, where reading
    the parts one by one (to copy them into a new version) would take three for each firm."""
    rows = (
        selectinload(MemberPart.categories),
        selectinload(MemberPart.funding),
        selectinload(MemberPart.choices),
    )
    object_session(plan).scalars(select(MemberPart).where(MemberPart.plan_id == plan.id).options(*rows)).all()
    return list(plan.parts)


def start_part(session: Session, plan: Plan, firm: Firm, user: User | None) -> MemberPart:
    """The firm's part of the plan, created from its worker categories the first time it is opened."""
    part = part_of(plan, firm.id)
    if part is not None:
        return part
    part = MemberPart(
        firm_id=firm.id,
        firm=firm,
        updated_at=now(),
        updated_by_id=user.id if user else None,
        categories=[
            PartCategory(
                position=i, name=c.name, headcount=c.headcount, included=True, credit_per_worker=Decimal("0")
            )
            for i, c in enumerate(firm.categories)
        ],
    )
    plan.parts.append(part)
    session.flush()
    return part


def set_choices(plan: Plan, part: MemberPart, choices: dict[str, PartChoiceInput | tuple]) -> None:
    """Record the firm's choice for services of the shared basket: ``code: (opted_in, people, quantity)``.
    Rows are updated in place (one per service); codes not in the basket are ignored."""
    codes = {item.service_code for item in plan.items}
    existing = {choice.service_code: choice for choice in part.choices}
    for code, (opted_in, people, quantity) in choices.items():
        if code not in codes:
            continue
        choice = existing.get(code)
        if choice is None:
            choice = PartChoice(service_code=code)
            part.choices.append(choice)
        choice.opted_in, choice.people, choice.quantity = opted_in, people, quantity


def save_part(
    session: Session,
    plan: Plan,
    firm: Firm,
    user: User,
    *,
    categories: Iterable[CategoryBudget],
    funding: Iterable[FundingSource],
    choices: dict[str, PartChoiceInput],
) -> MemberPart:
    """Replace the firm's categories and funding and record its choices; the part is started if need be."""
    part = start_part(session, plan, firm, user)
    part.categories = [
        PartCategory(
            position=i,
            name=c.name,
            headcount=c.headcount,
            included=c.included,
            credit_per_worker=c.credit_per_worker,
        )
        for i, c in enumerate(categories)
    ]
    part.funding = [
        PartFunding(position=i, kind=f.kind.value, amount=f.amount, note=f.note)
        for i, f in enumerate(funding)
    ]
    set_choices(plan, part, choices)
    part.updated_at, part.updated_by_id = now(), user.id
    return part
