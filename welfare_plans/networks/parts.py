"""A member firm's part of a joint plan: started from the firm's worker categories, saved as a whole.

A save names the part's revision its form was built at: a part saved by someone else since is a
:class:`PartConflict`, and so is a plan finalised meanwhile (the save holds the plan's row, so a
finalisation and a part's save never overlap).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..clock import now
from ..domain import N_
from ..domain.plan import MAX_ROWS, CategoryBudget, FundingSource, InvalidValue
from ..models import Firm, MemberPart, PartCategory, PartChoice, PartFunding, Plan, User


class PartConflict(Exception):
    """The part changed since its form was built at ``revision`` (``final``: the plan is no longer a draft)."""

    def __init__(self, revision: int, *, final: bool = False) -> None:
        super().__init__(f"part changed since revision {revision}")
        self.revision, self.final = revision, final


def claim_part(session: Session, plan: Plan, firm_id: int, revision: int | None = None) -> None:
    """Take the firm's part for a save: the plan must still be a draft (its row is held until the
    transaction ends) and the part at ``revision`` (0: not started; None: as just loaded), whose revision
    moves on by one. Raises :class:`PartConflict`."""
    held = session.execute(
        update(Plan)
        .where(Plan.id == plan.id, Plan.status == "draft")
        .values(updated_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    loaded = part_of(plan, firm_id)
    expected = (loaded.revision if loaded is not None else 0) if revision is None else revision
    if held != 1:
        raise PartConflict(expected, final=True)
    stored = session.execute(
        select(MemberPart.id).where(MemberPart.plan_id == plan.id, MemberPart.firm_id == firm_id)
    ).scalar()
    if stored is None or loaded is None:  # not started: only a form of a part not started may start it
        if stored is not None or expected != 0:
            raise PartConflict(expected)
        return
    taken = session.execute(
        update(MemberPart)
        .where(MemberPart.id == stored, MemberPart.revision == expected)
        .values(revision=MemberPart.revision + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise PartConflict(expected)
    set_committed_value(loaded, "revision", expected + 1)


class PartChoiceInput(NamedTuple):
    """What a member firm says of one service of the shared basket."""

    opted_in: bool
    people: int
    quantity: Decimal


def part_of(plan: Plan, firm_id: int) -> MemberPart | None:
    return next((part for part in plan.parts if part.firm_id == firm_id), None)


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
    revision: int | None = None,
) -> MemberPart:
    """Replace the firm's categories and funding and record its choices; the part is started if need be.
    ``revision`` is the part's revision the input was typed at (see :func:`claim_part`)."""
    categories, funding = list(categories), list(funding)
    if len(categories) > MAX_ROWS:
        raise InvalidValue(N_("At most %(count)d worker categories."), count=MAX_ROWS)
    if len(funding) > MAX_ROWS:
        raise InvalidValue(N_("At most %(count)d funding sources."), count=MAX_ROWS)
    claim_part(session, plan, firm.id, revision)
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
