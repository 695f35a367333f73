"""Plans, firm and joint alike: their kinds, the value plugins see, composing, checks, history, lifecycle.

A plan belongs to one firm or is the joint plan of a network; its :mod:`kind <.kinds>` decides everything
that differs between the two. The functions below take any plan and ask its kind where they must.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..clock import now
from ..domain.plan import WelfarePlan
from ..models import Firm, Network, Plan, User
from . import composing
from .checks import SEVERITY_ORDER, blocking, check_plan
from .composing import EditConflict, add_service, claim_draft, default_group, quantity_for
from .history import changes_since, diff, history, part_snapshot, record_change, snapshot, versions
from .kinds import FIRM, JOINT, PlanKind, kind_for, kind_of
from .lifecycle import LifecycleError, archive, finalise, next_year_title
from .lifecycle import duplicate as _duplicate
from .lifecycle import new_version as _new_version
from .mapping import municipality_label, shared_value, territory_places
from .queries import current_plan_ids, firm_plans, firms_of, version_rows
from .rollup import annex, annexes, member_value, members_by_firm


def to_domain(plan: Plan) -> WelfarePlan:
    """The plan as the value plugins see; a joint plan is rolled up over its member firms' parts."""
    return kind_of(plan).value(plan)


def create_plan(session: Session, firm: Firm, user: User, title: str, fiscal_year: int) -> Plan:
    """A new draft plan of ``firm``."""
    return FIRM.create(session, firm, user, title, fiscal_year)


def create_joint_plan(session: Session, network: Network, user: User, title: str, fiscal_year: int) -> Plan:
    """A new draft joint plan of ``network``."""
    return JOINT.create(session, network, user, title, fiscal_year)


def new_version(session: Session, plan: Plan, user: User) -> Plan:
    """A draft copy of a final plan, numbered next in its lineage."""
    return _new_version(session, plan, user, kind_of(plan))


def duplicate(session: Session, plan: Plan, user: User, title: str) -> Plan:
    """A new plan of its own, starting from this one, for the next fiscal year."""
    return _duplicate(session, plan, user, title, kind_of(plan))


__all__ = [
    "FIRM",
    "JOINT",
    "EditConflict",
    "SEVERITY_ORDER",
    "LifecycleError",
    "PlanKind",
    "add_service",
    "annex",
    "annexes",
    "archive",
    "blocking",
    "changes_since",
    "check_plan",
    "claim_draft",
    "composing",
    "create_joint_plan",
    "create_plan",
    "current_plan_ids",
    "default_group",
    "diff",
    "duplicate",
    "finalise",
    "firm_plans",
    "firms_of",
    "history",
    "kind_for",
    "kind_of",
    "member_value",
    "members_by_firm",
    "municipality_label",
    "new_version",
    "next_year_title",
    "now",
    "part_snapshot",
    "quantity_for",
    "record_change",
    "shared_value",
    "snapshot",
    "territory_places",
    "to_domain",
    "version_rows",
    "versions",
]
