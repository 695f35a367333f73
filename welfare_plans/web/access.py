"""Who may see and change what: a firm's data is reachable only by its members, a network's by its
coordinators and member firms (see :mod:`welfare_plans.networks` for the rules).

Asking for an object one may not see answers 404, never 403, so ids of other firms' plans reveal nothing;
403 answers a change asked by someone who may only read.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from .. import networks
from ..db import db_session
from ..models import Firm, MemberPart, Network, Plan

HR_MANAGER = "hr_manager"
VIEWER = "viewer"


def firm_for(firm_id: int, *, write: bool = False) -> Firm:
    firm = db_session().get(Firm, firm_id)
    _check(firm_id if firm else None, write)
    return firm


def plan_for(plan_id: int, *, write: bool = False) -> Plan:
    """A plan of one of the user's firms, or a joint plan of one of the user's networks."""
    plan = db_session().get(Plan, plan_id)
    if plan is not None and plan.network_id is not None:
        role = networks.plan_role(current_user, plan)
        if role is None:
            abort(404)
        if write and role != "coordinator":
            abort(403)
        return plan
    _check(plan.firm_id if plan else None, write)
    return plan


def network_for(network_id: int, *, write: bool = False, invited: bool = False) -> Network:
    """A network the user coordinates or one of whose firms is a member (or, with ``invited``, invited)."""
    network = db_session().get(Network, network_id)
    role = networks.network_role(current_user, network) if network is not None else None
    if role is None or (role == "invited" and not invited):
        abort(404)
    if write and role != "coordinator":
        abort(403)
    return network


def part_for(plan_id: int, firm_id: int, *, write: bool = False) -> tuple[Plan, Firm, MemberPart | None]:
    """A member firm's part of a joint plan; other members' parts only while the network shares them."""
    plan = db_session().get(Plan, plan_id)
    firm = db_session().get(Firm, firm_id)
    if plan is None or firm is None or plan.network_id is None:
        abort(404)
    if not networks.can_see_part(current_user, plan, firm_id):
        abort(404)
    part = networks.part_of(plan, firm_id)
    member = networks.membership(plan.network, firm_id)
    if part is None and (member is None or member.status != "active"):
        abort(404)  # not a member, and nothing on record
    if write and not networks.can_edit_part(current_user, plan, firm_id):
        abort(403)
    return plan, firm, part


def _check(firm_id: int | None, write: bool) -> None:
    role = current_user.role_in(firm_id) if firm_id is not None else None
    if role is None:
        abort(404)
    if write and role != HR_MANAGER:
        abort(403)


def can_edit(firm_id: int | None) -> bool:
    return (
        firm_id is not None and current_user.is_authenticated and current_user.role_in(firm_id) == HR_MANAGER
    )


def can_edit_plan(plan: Plan) -> bool:
    """Whether the user may change the plan's own content: the firm's HR managers, a network's coordinators."""
    if plan.network_id is not None:
        return current_user.is_authenticated and networks.is_coordinator(current_user, plan.network)
    return can_edit(plan.firm_id)


def sees_all_parts(plan: Plan) -> bool:
    """Whether the user sees every member's part of a joint plan: its coordinators, and its members while
    the network's sharing policy is in force."""
    return networks.is_coordinator(current_user, plan.network) or (
        plan.network.sharing_in_force and networks.plan_role(current_user, plan) == "member"
    )
