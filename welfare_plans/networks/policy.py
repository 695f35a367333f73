"""Who may see and change a network's objects: plain functions of a user and an object.

``user`` is anything with ``id``, ``firm_ids`` and ``role_in(firm_id)``: the account of the request
(:class:`welfare_plans.accounts.SignedInUser`) or a :class:`~welfare_plans.models.User`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..accounts import HR_MANAGER
from ..models import MemberPart, Network, NetworkMember, Plan
from .membership import members_with_firms, membership


def is_coordinator(user, network: Network) -> bool:
    return any(coordinator.user_id == user.id for coordinator in network.coordinators)


def member_firm_ids(user, network: Network, statuses=("active",)) -> list[int]:
    """The user's firms that are members of the network (in the given statuses)."""
    mine = set(user.firm_ids)
    return [
        member.firm_id for member in network.members if member.firm_id in mine and member.status in statuses
    ]


def network_role(user, network: Network) -> str | None:
    """``coordinator``, ``member``, ``invited`` (may only see the invitation) or None."""
    if is_coordinator(user, network):
        return "coordinator"
    if member_firm_ids(user, network):
        return "member"
    if member_firm_ids(user, network, ("invited",)):
        return "invited"
    return None


def managed_firm_ids(user) -> set[int]:
    """The firms the user acts for (as an HR manager) in networks: answering, leaving, agreeing."""
    return {firm_id for firm_id in user.firm_ids if user.role_in(firm_id) == HR_MANAGER}


def visible_members(user, network: Network) -> list[NetworkMember]:
    """The members listed to the user: all of them to a coordinator; to others the active members and the
    firms the user acts for, whatever their status (an invitation, a firm that declined or left)."""
    members = members_with_firms(network)  # the page names every firm: loaded in one go
    if is_coordinator(user, network):
        return members
    mine = managed_firm_ids(user)
    return [m for m in members if m.status == "active" or m.firm_id in mine]


def pending_invitations(user, networks: list[Network]) -> list[tuple[Network, NetworkMember]]:
    """The invitations the user's firms have not answered yet."""
    mine = set(user.firm_ids)
    return [
        (network, member)
        for network in networks
        for member in network.members
        if member.status == "invited" and member.firm_id in mine
    ]


def counted_parts(plan: Plan) -> list[MemberPart]:
    """The parts that make up a joint plan: in a draft, those of active members; once final, all of them."""
    if not plan.editable:
        return list(plan.parts)
    active = {member.firm_id for member in plan.network.active_members}
    return [part for part in plan.parts if part.firm_id in active]


def plan_role(user, plan: Plan) -> str | None:
    """For a joint plan: ``coordinator``, ``member`` (an active member, or a firm with a part in it) or None."""
    network = plan.network
    if is_coordinator(user, network):
        return "coordinator"
    if member_firm_ids(user, network) or any(part.firm_id in user.firm_ids for part in counted_parts(plan)):
        return "member"
    return None


def sees_all_parts(user, plan: Plan) -> bool:
    """Whether the user sees every member's part of a joint plan (and what names them: its problems, its
    document with every annex): its coordinators, and its members while the sharing policy is in force."""
    return is_coordinator(user, plan.network) or (
        plan.network.sharing_in_force and plan_role(user, plan) == "member"
    )


def part_visibility(user, plan: Plan) -> Callable[[int], bool]:
    """Which member firms' parts of the plan the user sees, as a test of a firm's id: decided once, for a
    page that lists every part. Coordinators see every part; a member firm its own; other members' only
    while sharing is in force."""
    if is_coordinator(user, plan.network):
        return lambda firm_id: True
    role, mine = plan_role(user, plan), set(user.firm_ids)
    if role is None:
        return lambda firm_id: False
    others = role == "member" and plan.network.sharing_in_force
    return lambda firm_id: others or firm_id in mine


def can_see_part(user, plan: Plan, firm_id: int) -> bool:
    """Whether the user sees one member firm's part of the plan (see :func:`part_visibility`)."""
    return part_visibility(user, plan)(firm_id)


def can_edit_part(user, plan: Plan, firm_id: int) -> bool:
    """The firm's HR managers change its part of a draft while the firm is an active member."""
    member = membership(plan.network, firm_id)
    return (
        plan.editable
        and user.role_in(firm_id) == HR_MANAGER
        and member is not None
        and member.status == "active"
    )
