"""A joint plan's member parts read in bulk, and what they offer added up in the database: a few queries,
however many firms the network has.

Rolling a joint plan up reads every counted part with its firm, categories, funding and choices. Read
through the ORM's relationships that is a query per part and per collection, and building thousands of
mapped objects costs more than the roll-up itself; here each kind of row is one query for the whole
plan, returned as plain rows. A page that needs only sums (the pooled demand) has the database add them
up, so that its cost follows the basket, not the number of firms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Row, and_, distinct, func, select
from sqlalchemy.orm import object_session

from ..domain.network import Offer
from ..models import Firm, MemberPart, NetworkMember, PartCategory, PartChoice, PartFunding, Plan, PlanItem


@dataclass
class PartRows:
    """A member firm's part as plain rows: ``firm`` (``id``, ``legal_name``, ``vat_number``,
    ``municipality_code``), ``categories`` and ``funding`` with the columns of
    :class:`~welfare_plans.models.PartCategory` and :class:`~welfare_plans.models.PartFunding` in the
    order the part's relationships give them, and ``choices``: for each service code the firm answered,
    ``(opted_in, people, quantity)``."""

    id: int
    firm_id: int
    firm: Row
    categories: list[Row]
    funding: list[Row]
    choices: dict[str, tuple[bool, int, Decimal]]


FIRM_COLUMNS = (Firm.id, Firm.legal_name, Firm.vat_number, Firm.municipality_code)
# ORM attributes rather than table columns: the session flushes pending changes before it runs the queries
_CATEGORY_COLUMNS = (
    PartCategory.name,
    PartCategory.headcount,
    PartCategory.included,
    PartCategory.credit_per_worker,
)
_FUNDING_COLUMNS = (PartFunding.kind, PartFunding.amount, PartFunding.note)
_CHOICE_COLUMNS = (PartChoice.service_code, PartChoice.opted_in, PartChoice.people, PartChoice.quantity)


def _counted(plan: Plan) -> list:
    """What makes a part count in the plan (see :func:`~.policy.counted_parts`): in a draft, that its firm
    is an active member of the network; once final, only that it is the plan's."""
    conditions = [MemberPart.plan_id == plan.id]
    if plan.editable:
        active = select(NetworkMember.id).where(
            NetworkMember.network_id == plan.network_id,
            NetworkMember.firm_id == MemberPart.firm_id,
            NetworkMember.status == "active",
        )
        conditions.append(active.exists())
    return conditions


def counted_part_rows(plan: Plan) -> Iterator[PartRows]:
    """The parts that make up a joint plan (in a draft, those of active members; once final, all of
    them), in the order of ``plan.parts``, each with its rows: four queries for any number of parts.

    The four are read side by side, a part at a time, so that a part's rows can be let go as soon as the
    caller has used them: a network of hundreds of firms has tens of thousands of them."""
    session = object_session(plan)
    conditions = _counted(plan)
    counted = select(MemberPart.id).where(*conditions)

    def by_part(model, *columns) -> _RowsByPart:
        order = model.id if model is PartChoice else model.position
        query = (
            select(model.part_id, *columns).where(model.part_id.in_(counted)).order_by(model.part_id, order)
        )
        return _RowsByPart(session.execute(query))

    parts = session.execute(
        select(MemberPart.id.label("part_id"), *FIRM_COLUMNS)
        .join(Firm, Firm.id == MemberPart.firm_id)
        .where(*conditions)
        .order_by(MemberPart.id)
    )
    categories = by_part(PartCategory, *_CATEGORY_COLUMNS)
    funding = by_part(PartFunding, *_FUNDING_COLUMNS)
    choices = by_part(PartChoice, *_CHOICE_COLUMNS)
    for row in parts:
        answers = {
            code: (opted_in, people, quantity)
            for _, code, opted_in, people, quantity in choices.of(row.part_id)
        }
        yield PartRows(row.part_id, row.id, row, categories.of(row.part_id), funding.of(row.part_id), answers)


class _RowsByPart:
    """Rows ordered by their part's id, handed out one part at a time (parts asked in the same order)."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self._groups = groupby(rows, key=itemgetter(0))
        self._next = next(self._groups, None)

    def of(self, part_id: int) -> list[Row]:
        """The rows of the part; those of parts before it are skipped."""
        while self._next is not None and self._next[0] < part_id:
            self._next = next(self._groups, None)
        if self._next is None or self._next[0] != part_id:
            return []
        rows = list(self._next[1])
        self._next = next(self._groups, None)
        return rows


def counted_part_count(plan: Plan) -> int:
    """How many parts make up the plan (see :func:`counted_part_rows`)."""
    query = select(func.count()).select_from(MemberPart).where(*_counted(plan))
    return object_session(plan).scalar(query)


def _offered(plan: Plan) -> list:
    """The choices of the counted parts that offer a service."""
    return [
        PartChoice.part_id.in_(select(MemberPart.id).where(*_counted(plan))),
        PartChoice.opted_in.is_(True),
    ]


def counted_offers(plan: Plan) -> list[Offer]:
    """What the counted parts offer, added up in the database: for each service and quantity, how many
    firms offer it so and to how many people. Its size follows the basket, not the number of firms."""
    query = (
        select(PartChoice.service_code, PartChoice.quantity, func.count(), func.sum(PartChoice.people))
        .where(*_offered(plan))
        .group_by(PartChoice.service_code, PartChoice.quantity)
    )
    return [
        Offer(code, quantity, firms, people or 0)
        for code, quantity, firms, people in object_session(plan).execute(query)
    ]


def offering_firms_by_need_area(plan: Plan) -> dict[str, int]:
    """How many counted parts offer at least one service of each need area of the plan's basket."""
    item = and_(PlanItem.plan_id == plan.id, PlanItem.service_code == PartChoice.service_code)
    query = (
        select(PlanItem.need_area, func.count(distinct(PartChoice.part_id)))
        .join(PlanItem, item)
        .where(*_offered(plan))
        .group_by(PlanItem.need_area)
    )
    return dict(object_session(plan).execute(query).all())


def member_firms(plan: Plan) -> list[Row]:
    """The firms a joint plan counts (in a draft, every active member, whether it started its part or not;
    once final, the firms with a part), as rows with the columns of ``PartRows.firm`` and ``part_id``, the
    id of the firm's part or None: one query."""
    if plan.editable:
        part = and_(MemberPart.plan_id == plan.id, MemberPart.firm_id == NetworkMember.firm_id)
        query = (
            select(*FIRM_COLUMNS, MemberPart.id.label("part_id"))
            .join(NetworkMember, NetworkMember.firm_id == Firm.id)
            .outerjoin(MemberPart, part)
            .where(NetworkMember.network_id == plan.network_id, NetworkMember.status == "active")
        )
    else:
        query = select(*FIRM_COLUMNS, MemberPart.id.label("part_id")).join(
            MemberPart, MemberPart.firm_id == Firm.id
        )
        query = query.where(MemberPart.plan_id == plan.id)
    return list(object_session(plan).execute(query))
