"""Who may see and change a network's objects: plain functions of a user and an object.

``user`` is anything with ``id``, ``firm_ids`` and ``role_in(firm_id)``: the account of the request
(:class:`welfare_plans.accounts.SignedInUser`) or a :class:`~welfare_plans.models.User`.
"""

from __future__ import annotations

from ..accounts import HR_MANAGER
from ..models import MemberPart, Network, NetworkMember, Plan
from .membership import membership


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
    if is_coordinator(user, network):
        return list(network.members)
    mine = managed_firm_ids(user)
    return [m for m in network.members if m.status == "active" or m.firm_id in mine]


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


def shares_part(network: Network, firm_id: int) -> bool:
    """Whether the firm's parts are shown to the other members: it is an active member that agreed to the
    sharing policy in force. A firm that never agreed, or left (leaving withdraws the agreement), is not
    shown, in a draft or a final plan alike, whatever the remaining members agreed."""
    member = membership(network, firm_id)
    return (
        network.sharing_in_force
        and member is not None
        and member.status == "active"
        and member.agrees_to_share
    )


def _shares_with(user, plan: Plan) -> bool:
    """Whether the user is a member of the plan whose own firm shares its part: sharing is mutual."""
    return plan_role(user, plan) == "member" and any(
        shares_part(plan.network, firm_id) for firm_id in user.firm_ids
    )


def sees_all_parts(user, plan: Plan) -> bool:
    """Whether the user sees every member's part of a joint plan (and what names them: its problems, its
    document with every annex): its coordinators; its members whose firm shares, while every firm with a
    part in the plan agreed to the sharing policy in force."""
    if is_coordinator(user, plan.network):
        return True
    return _shares_with(user, plan) and all(shares_part(plan.network, p.firm_id) for p in counted_parts(plan))


def can_see_part(user, plan: Plan, firm_id: int) -> bool:
    """Coordinators see every part; a member firm its own; another firm's only when both agreed to the
    sharing policy in force."""
    if is_coordinator(user, plan.network):
        return True
    if firm_id in user.firm_ids:
        return plan_role(user, plan) is not None
    return shares_part(plan.network, firm_id) and _shares_with(user, plan)


def can_edit_part(user, plan: Plan, firm_id: int) -> bool:
    """The firm's HR managers change its part of a draft while the firm is an active member."""
    member = membership(plan.network, firm_id)
    return (
        plan.editable
        and user.role_in(firm_id) == HR_MANAGER
        and member is not None
        and member.status == "active"
    )
