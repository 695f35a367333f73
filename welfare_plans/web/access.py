"""Who may see and change what, asked on every request: a firm's data is reachable only by its members, a
plan by those its kind lets read it (:mod:`welfare_plans.plans.kinds`), a network's by its coordinators and
member firms (:mod:`welfare_plans.networks.policy`).

Asking for an object one may not see answers 404, never 403, so ids of other firms' plans reveal nothing;
403 answers a change asked by someone who may only read.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from .. import networks
from ..accounts import HR_MANAGER
from ..db import db_session
from ..models import Firm, MemberPart, Network, Plan
from ..plans import kind_of


def firm_for(firm_id: int, *, write: bool = False) -> Firm:
    firm = db_session().get(Firm, firm_id)
    role = current_user.role_in(firm_id) if firm is not None else None
    if role is None:
        abort(404)
    if write and role != HR_MANAGER:
        abort(403)
    return firm


def plan_for(plan_id: int, *, write: bool = False) -> Plan:
    """A plan the user may read (and, with ``write``, change): its kind decides."""
    plan = db_session().get(Plan, plan_id)
    kind = kind_of(plan) if plan is not None else None
    if kind is None or not kind.can_read(current_user, plan):
        abort(404)
    if write and not kind.can_edit(current_user, plan):
        abort(403)
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
    if plan is None or firm is None or not kind_of(plan).has_member_parts:
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


def can_edit(firm_id: int | None) -> bool:
    """Whether the user is an HR manager of the firm."""
    return (
        firm_id is not None and current_user.is_authenticated and current_user.role_in(firm_id) == HR_MANAGER
    )


def can_edit_plan(plan: Plan) -> bool:
    """Whether the user may change the plan's own content: the firm's HR managers, a network's coordinators."""
    return current_user.is_authenticated and kind_of(plan).can_edit(current_user, plan)


def sees_all_parts(plan: Plan) -> bool:
    """Whether the user sees everything the plan names: for a joint plan, every member's part (its
    coordinators, and its members while the network's sharing policy is in force)."""
    return kind_of(plan).sees_everything(current_user, plan)
