"""A joint plan rolled up over its member firms' parts, and each member's part as an annex.

``joint_value()`` is the joint plan as plugins see it: every member's categories and funding (names
prefixed by the firm), the basket's quantities summed over the members that offer each service, and one
:class:`~welfare_plans.domain.network.MemberAnnex` per counted part. ``member_value()`` is the plan as it
applies to one firm, so that ``validate_plan`` checks each part on its own.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Row

from ..domain.network import MemberAnnex, MemberChoice
from ..domain.plan import CategoryBudget, FundingSource, WelfarePlan
from ..models import Firm, MemberPart, Plan
from ..networks import counted_part_rows, member_firms
from .mapping import category_values, funding_values, municipality_label, shared_value


def annex(plan: Plan, part: MemberPart | None, firm: Firm | None = None) -> MemberAnnex:
    """A member's part as a value; a firm that has not started its part gets an empty annex (``firm``,
    needed only then, is anything with the firm's ``legal_name``, ``vat_number`` and ``municipality_code``)."""
    if part is None:
        return _annex(_basket(plan), firm, (), (), None)
    choices = {
        choice.service_code: (choice.opted_in, choice.people, choice.quantity) for choice in part.choices
    }
    return _annex(_basket(plan), part.firm, part.categories, part.funding, choices)


def _basket(plan: Plan) -> list[tuple]:
    """What each annex repeats of the shared basket, read from the plan's items once."""
    return [
        (item.service_code, item.name, item.provider_name, item.need_area, Decimal(item.price), item.unit)
        for item in plan.items
    ]


def _annex(basket: list[tuple], firm, categories, funding, choices: dict[str, tuple] | None) -> MemberAnnex:
    """The annex of a firm with its part's rows, and for each service code it answered ``(opted_in,
    people, quantity)``; ``choices`` is None when the firm has not started its part."""
    answered = choices or {}
    return MemberAnnex(
        firm_name=firm.legal_name,
        vat_number=firm.vat_number,
        municipality=municipality_label(firm.municipality_code),
        categories=category_values(categories),
        funding=funding_values(funding),
        choices=tuple(
            MemberChoice(
                code, name, provider, area, price, unit, bool(answer[0]), answer[1], Decimal(answer[2])
            )
            if answer is not None
            else MemberChoice(code, name, provider, area, price, unit, False)
            for code, name, provider, area, price, unit in basket
            for answer in [answered.get(code)]
        ),
        started=choices is not None,
    )


def annexes(plan: Plan) -> tuple[MemberAnnex, ...]:
    """One annex per counted part, by firm name: the parts and their rows are read in a few queries."""
    basket = _basket(plan)
    built = (
        _annex(basket, part.firm, part.categories, part.funding, part.choices)
        for part in counted_part_rows(plan)
    )
    return tuple(sorted(built, key=lambda a: a.firm_name.lower()))


def _network_fields(plan: Plan) -> dict:
    network = plan.network
    return {
        "network_name": network.name,
        "network_kind": network.kind,
        "coordinating_body": network.coordinating_body,
        "open_to_member_employees": plan.open_to_member_employees,
    }


def joint_value(plan: Plan) -> WelfarePlan:
    """The joint plan rolled up to the network: every member's categories and funding, the basket's
    quantities summed over the members that offer each service, and one annex per member."""
    shared = shared_value(plan)
    members = annexes(plan)
    quantities: dict[str, Decimal] = {}
    for member in members:
        for choice in member.offered:
            quantities[choice.service_code] = (
                quantities.get(choice.service_code, Decimal("0")) + choice.quantity
            )
    return replace(
        shared,
        # built anew rather than with replace(), which costs several times more for thousands of rows
        categories=tuple(
            CategoryBudget(f"{member.firm_name} – {c.name}", c.headcount, c.included, c.credit_per_worker)
            for member in members
            for c in member.categories
        ),
        funding=shared.funding
        + tuple(
            FundingSource(s.kind, s.amount, f"{member.firm_name}{' – ' + s.note if s.note else ''}")
            for member in members
            for s in member.funding
        ),
        basket=tuple(
            replace(item, quantity=quantities.get(item.service_code, Decimal("0"))) for item in shared.basket
        ),
        firm_name=plan.network.coordinating_body,
        annexes=members,
        **_network_fields(plan),
    )


def member_value(plan: Plan, member: MemberAnnex) -> WelfarePlan:
    """The plan as it applies to one member firm (given as its annex): the shared parts with the firm's
    figures and choices. The checks of ``validate_plan`` run on it, so a firm sees its own part's problems."""
    shared = shared_value(plan)
    offered = {choice.service_code: choice for choice in member.offered}
    return replace(
        shared,
        categories=member.categories,
        funding=member.funding,
        basket=tuple(
            replace(item, quantity=offered[item.service_code].quantity)
            for item in shared.basket
            if item.service_code in offered
        ),
        firm_name=member.firm_name,
        firm_vat_number=member.vat_number,
        firm_municipality=member.municipality,
        **_network_fields(plan),
    )


def members_by_firm(plan: Plan) -> list[tuple[Row, int | None]]:
    """Each active member firm (or, for a final plan, each firm with a part) with its part, by name: the
    firm as a row (``id``, ``legal_name``, ``vat_number``, ``municipality_code``) and the id of its part,
    or None for a firm that has not started it (the annexes of :func:`joint_value` hold the parts). One
    query for any number of firms."""
    return sorted(
        ((firm, firm.part_id) for firm in member_firms(plan)), key=lambda pair: pair[0].legal_name.lower()
    )
