"""Plan kinds: what differs between a firm's own plan and a network's joint plan, decided in one place.

A plan is one concept with two kinds (as Datasette has one ``Database`` class whether a file is mutable or
not). The kind answers: how the plan's rows map to the value plugins see, who may read and change it and
see everything it names, which fields of the wizard apply, what a copy carries over, and how its document is
produced. Views, templates and services ask the plan's kind instead of testing what owns the plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import ClassVar

from sqlalchemy.orm import Session

from .. import networks
from ..accounts import HR_MANAGER
from ..clock import now
from ..domain.plan import LegalBasis, WelfarePlan
from ..models import (
    Firm,
    MemberPart,
    Network,
    PartCategory,
    PartChoice,
    PartFunding,
    Plan,
    PlanCategory,
    PlanChange,
    User,
)
from .copies import clone
from .history import record_change
from .mapping import shared_value
from .rollup import joint_value


class PlanKind:
    """The questions every kind answers; see :class:`FirmPlan` and :class:`JointPlan`."""

    name: ClassVar[str]
    #: wizard fields that do not apply to plans of this kind (they live elsewhere, e.g. in members' parts)
    absent_fields: ClassVar[frozenset[str]] = frozenset()
    #: whether member firms hold parts of the plan (their categories, funding and choices)
    has_member_parts: ClassVar[bool] = False
    #: whether the overview page may be served from the page cache (it changes only with the plan's rows)
    overview_cacheable: ClassVar[bool] = True
    #: whether the full document may take long enough to be rendered by a background job
    document_in_background: ClassVar[bool] = False

    def applies(self, field: str) -> bool:
        """Whether a wizard field (``categories``, ``credits``, ``quantities``...) applies to this kind."""
        return field not in self.absent_fields

    def value(self, plan: Plan) -> WelfarePlan:
        """The plan as the value plugins, checks and documents see."""
        raise NotImplementedError

    def reader_role(self, user, plan: Plan) -> str | None:
        """The user's role towards the plan, or None when the plan is not theirs to see."""
        raise NotImplementedError

    def can_read(self, user, plan: Plan) -> bool:
        return self.reader_role(user, plan) is not None

    def can_edit(self, user, plan: Plan) -> bool:
        """Whether the user may change the plan's own content (not a member's part)."""
        raise NotImplementedError

    def sees_everything(self, user, plan: Plan) -> bool:
        """Whether the user sees all the plan names: its problems, its full document, every change."""
        return self.can_read(user, plan)

    def visible_changes(self, user, plan: Plan, changes: Iterable[PlanChange]) -> list[PlanChange]:
        """The changes of the plan's history that the user may see."""
        return list(changes)

    def carried_over(self, plan: Plan, user: User) -> dict:
        """What a copy of the plan (new version, next year) carries beyond the plan's own rows."""
        return {}

    def owner_scope(self, plan: Plan) -> dict[str, int]:
        """Whose people may see the plan's jobs: ``{"firm_id": ...}`` or ``{"network_id": ...}``."""
        raise NotImplementedError


class FirmPlan(PlanKind):
    """A firm's own plan: its HR managers compose it, every member of the firm reads it."""

    name = "firm"
    absent_fields = frozenset({"open_to_member_employees"})

    def value(self, plan: Plan) -> WelfarePlan:
        return shared_value(plan)

    def reader_role(self, user, plan: Plan) -> str | None:
        return user.role_in(plan.firm_id)

    def can_edit(self, user, plan: Plan) -> bool:
        return user.role_in(plan.firm_id) == HR_MANAGER

    def owner_scope(self, plan: Plan) -> dict[str, int]:
        return {"firm_id": plan.firm_id}

    def create(self, session: Session, firm: Firm, user: User, title: str, fiscal_year: int) -> Plan:
        """A new draft for ``firm``, with the firm's worker categories and the calendar year as its period."""
        plan = _new_plan(
            title,
            fiscal_year,
            user,
            firm=firm,
            territory_municipalities=[firm.municipality_code] if firm.municipality_code else [],
            territory_provinces=[],
            categories=[
                PlanCategory(position=i, name=c.name, headcount=c.headcount, included=True,
                             credit_per_worker=Decimal("0"))
                for i, c in enumerate(firm.categories)
            ],
        )  # fmt: skip
        return _added(session, plan, user)


class JointPlan(PlanKind):
    """A network's joint plan: its coordinators compose the shared parts, each member firm fills in its
    own part (categories, credit, funding, which services it offers), and the plan is their roll-up."""

    name = "joint"
    absent_fields = frozenset({"categories", "credits", "quantities"})
    has_member_parts = True
    overview_cacheable = False  # it moves with every member's part
    document_in_background = True  # one annex per member firm

    def value(self, plan: Plan) -> WelfarePlan:
        return joint_value(plan)

    def reader_role(self, user, plan: Plan) -> str | None:
        return networks.plan_role(user, plan)

    def can_edit(self, user, plan: Plan) -> bool:
        return networks.is_coordinator(user, plan.network)

    def sees_everything(self, user, plan: Plan) -> bool:
        return networks.sees_all_parts(user, plan)

    def visible_changes(self, user, plan: Plan, changes: Iterable[PlanChange]) -> list[PlanChange]:
        """Who saved another member's part is that member's business, unless the user sees every part."""
        if self.sees_everything(user, plan):
            return list(changes)
        mine = {f"part:{firm_id}" for firm_id in user.firm_ids}
        return [c for c in changes if not c.action.startswith("part:") or c.action in mine]

    def carried_over(self, plan: Plan, user: User) -> dict:
        """A joint plan's copy keeps the parts of the firms still in the network."""
        active = {member.firm_id for member in plan.network.active_members}
        parts = networks.parts_with_rows(plan)
        return {"parts": [_clone_part(part, user) for part in parts if part.firm_id in active]}

    def owner_scope(self, plan: Plan) -> dict[str, int]:
        return {"network_id": plan.network_id}

    def create(self, session: Session, network: Network, user: User, title: str, fiscal_year: int) -> Plan:
        """A draft joint plan for the network, on its territory, resting on a territorial agreement."""
        plan = _new_plan(
            title,
            fiscal_year,
            user,
            network=network,
            network_id=network.id,
            legal_basis=LegalBasis.TERRITORIAL_AGREEMENT.value,
            territory_municipalities=list(network.territory_municipalities),
            territory_provinces=list(network.territory_provinces),
            open_to_member_employees=False,
        )
        return _added(session, plan, user)


def _new_plan(title: str, fiscal_year: int, user: User, **values) -> Plan:
    return Plan(
        title=title,
        fiscal_year=fiscal_year,
        period_start=date(fiscal_year, 1, 1),
        period_end=date(fiscal_year, 12, 31),
        created_at=now(),
        updated_at=now(),
        created_by_id=user.id,
        needs=[],
        **values,
    )


def _added(session: Session, plan: Plan, user: User) -> Plan:
    session.add(plan)
    session.flush()
    plan.lineage_id = plan.id
    record_change(session, plan, user, "created", {})
    return plan


def _clone_part(part: MemberPart, user: User) -> MemberPart:
    return clone(
        part,
        MemberPart,
        updated_at=now(),
        updated_by_id=user.id,
        categories=[clone(row, PartCategory) for row in part.categories],
        funding=[clone(row, PartFunding) for row in part.funding],
        choices=[clone(row, PartChoice) for row in part.choices],
    )


FIRM = FirmPlan()
JOINT = JointPlan()


def kind_for(network_id: int | None) -> PlanKind:
    """The kind of a plan owned by a network (``network_id`` set) or by a firm. The one place that asks
    which of the two owns a plan: everything else asks the kind."""
    return JOINT if network_id is not None else FIRM


def kind_of(plan: Plan) -> PlanKind:
    """The plan's kind."""
    return kind_for(plan.network_id)
