"""SME networks: membership, who may see and change what, and the member firms' parts of joint plans.

Who may do what is decided here, in plain functions of a user and an object, so that the web layer and
the tests ask the same questions:

- a network's *coordinators* manage it, compose its joint plans and see every member's part;
- the people of an *active member firm* see the network, its joint plans, their own part and the
  network's totals; they see other members' parts only while the sharing policy is in force (proposed by
  a coordinator and agreed by every active member);
- a firm that leaves keeps its parts of plans already final; it drops out of the network's drafts.

A joint plan as a whole (its value, its lifecycle, its document) is the business of :mod:`welfare_plans.plans`,
which asks this package about members and parts; this package never imports the plans package.
"""

from .membership import (
    NetworkError,
    create_network,
    describe_network,
    invite,
    leave,
    membership,
    respond,
    set_agreement,
    set_sharing_proposal,
)
from .parts import PartChoiceInput, PartConflict, claim_part, part_of, save_part, set_choices, start_part
from .policy import (
    can_edit_part,
    can_see_part,
    counted_parts,
    is_coordinator,
    managed_firm_ids,
    member_firm_ids,
    network_role,
    pending_invitations,
    plan_role,
    sees_all_parts,
    shares_part,
    visible_members,
)
from .queries import joint_plans_for, network_plans, visible_networks

__all__ = [
    "NetworkError",
    "PartChoiceInput",
    "PartConflict",
    "can_edit_part",
    "can_see_part",
    "claim_part",
    "counted_parts",
    "create_network",
    "describe_network",
    "invite",
    "is_coordinator",
    "joint_plans_for",
    "leave",
    "managed_firm_ids",
    "member_firm_ids",
    "membership",
    "network_plans",
    "network_role",
    "part_of",
    "pending_invitations",
    "plan_role",
    "respond",
    "save_part",
    "sees_all_parts",
    "shares_part",
    "set_agreement",
    "set_choices",
    "set_sharing_proposal",
    "start_part",
    "visible_members",
    "visible_networks",
]
