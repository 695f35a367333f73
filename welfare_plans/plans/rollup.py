"""A joint plan rolled up over its member firms' parts, and each member's part as an annex.

``joint_value()`` is the joint plan as plugins see it: every member's categories and funding (names
prefixed by the firm), the basket's quantities summed over the members that offer each service, and one
:class:`~welfare_plans.domain.network.MemberAnnex` per counted part. ``member_value()`` is the plan as it
applies to one firm, so that ``validate_plan`` checks each part on its own.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ..domain.network import MemberAnnex, MemberChoice
from ..domain.plan import MAX_QUANTITY, WelfarePlan, readable_amount, readable_count
from ..models import Firm, MemberPart, Plan
from ..networks import counted_parts, part_of
from .mapping import (
    category_values,
    funding_values,
    municipality_label,
    shared_value,
    stored_amount,
    stored_count,
    unreadable_rows,
)


def annex(plan: Plan, part: MemberPart | None, firm: Firm | None = None) -> MemberAnnex:
    """A member's part as a value; a firm that has not started its part gets an empty annex."""
    firm = part.firm if part is not None else firm
    choices = {choice.service_code: choice for choice in part.choices} if part else {}
    return MemberAnnex(
        firm_name=firm.legal_name,
        vat_number=firm.vat_number,
        municipality=municipality_label(firm.municipality_code),
        categories=category_values(part.categories if part else ()),
        funding=funding_values(part.funding if part else ()),
        choices=tuple(
            MemberChoice(
                service_code=item.service_code,
                name=item.name,
                provider=item.provider_name,
                need_area=item.need_area,
                price=stored_amount(item.price),
                unit=item.unit,
                opted_in=bool(choice is not None and choice.opted_in),
                people=stored_count(choice.people) if choice is not None else 0,
                quantity=stored_amount(choice.quantity, MAX_QUANTITY) if choice is not None else Decimal("0"),
            )
            for item in plan.items
            for choice in [choices.get(item.service_code)]
        ),
        started=part is not None,
        unreadable=_unreadable_part(part),
    )


def _unreadable_part(part: MemberPart | None) -> tuple[str, ...]:
    """The fields of a member's part whose stored values no plan can hold (they read as zero)."""
    if part is None:
        return ()
    fields = unreadable_rows(part.categories, part.funding)
    if any(
        readable_count(choice.people) is None or readable_amount(choice.quantity, MAX_QUANTITY) is None
        for choice in part.choices
    ):
        fields.append("choices")
    return tuple(fields)


def annexes(plan: Plan) -> tuple[MemberAnnex, ...]:
    """One annex per counted part, by firm name."""
    return tuple(
        sorted((annex(plan, part) for part in counted_parts(plan)), key=lambda a: a.firm_name.lower())
    )


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
        categories=tuple(
            replace(category, name=f"{member.firm_name} – {category.name}")
            for member in members
            for category in member.categories
        ),
        funding=shared.funding
        + tuple(
            replace(source, note=f"{member.firm_name}{' – ' + source.note if source.note else ''}")
            for member in members
            for source in member.funding
        ),
        basket=tuple(
            replace(item, quantity=quantities.get(item.service_code, Decimal("0"))) for item in shared.basket
        ),
        firm_name=plan.network.coordinating_body,
        annexes=members,
        unreadable=tuple(dict.fromkeys(shared.unreadable + tuple(f for m in members for f in m.unreadable))),
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
        unreadable=tuple(dict.fromkeys(shared.unreadable + member.unreadable)),
        **_network_fields(plan),
    )


def members_by_firm(plan: Plan) -> list[tuple[Firm, MemberPart | None]]:
    """Each active member firm (or, for a final plan, each firm with a part) with its part, by name."""
    firms = {part.firm_id: part.firm for part in counted_parts(plan)}
    if plan.editable:
        for member in plan.network.active_members:
            firms.setdefault(member.firm_id, member.firm)
    return sorted(
        ((firm, part_of(plan, firm.id)) for firm in firms.values()), key=lambda p: p[0].legal_name.lower()
    )
