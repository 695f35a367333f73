"""A plan's lifecycle: draft, final (locked, ready to sign), archived; new versions and next year's copy.

What a copy carries beyond the plan's own rows (a joint plan's members' parts) is the plan kind's answer,
passed in as ``kind``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from .. import audit
from ..clock import now
from ..domain import N_
from ..domain.plan import PlanProblem
from ..models import Plan, PlanCategory, PlanFunding, PlanItem, PlanPartner, User
from .checks import blocking
from .copies import clone
from .history import record_change, versions


class LifecycleError(ValueError):
    """An action the plan's status does not allow; the message is a translatable template."""


def finalise(session: Session, plan: Plan, user: User, problems: list[PlanProblem]) -> None:
    """Lock the plan, ready to sign; the version it replaces is archived."""
    if plan.status != "draft":
        raise LifecycleError(N_("Only a draft can be finalised."))
    if blocking(problems):
        raise LifecycleError(N_("Fix the errors before finalising the plan."))
    plan.status = "final"
    plan.finalised_at = now()
    plan.finalised_by_id = user.id
    for older in versions(session, plan):
        if older.id != plan.id and older.status == "final":
            older.status = "archived"
            record_change(session, older, user, "archived", {})
    record_change(session, plan, user, "finalised", {})
    audit.record(
        session, audit.PLAN_FINALISED, actor=user, firm_id=plan.firm_id, plan_id=plan.id, subject=plan.title
    )


def archive(session: Session, plan: Plan, user: User) -> None:
    """A final plan no longer in force."""
    if plan.status != "final":
        raise LifecycleError(N_("Only a final plan can be archived."))
    plan.status = "archived"
    record_change(session, plan, user, "archived", {})


def _copy(session: Session, plan: Plan, user: User, kind, **overrides) -> Plan:
    copy = clone(
        plan,
        Plan,
        status="draft",
        created_at=now(),
        updated_at=now(),
        created_by_id=user.id,
        categories=[clone(row, PlanCategory) for row in plan.categories],
        funding=[clone(row, PlanFunding) for row in plan.funding],
        items=[clone(row, PlanItem) for row in plan.items],
        partners=[clone(row, PlanPartner) for row in plan.partners],
        **kind.carried_over(plan, user),
        **overrides,
    )
    session.add(copy)
    session.flush()
    return copy


def new_version(session: Session, plan: Plan, user: User, kind) -> Plan:
    """A draft copy of a final plan, numbered next in its lineage; the final one stays valid until then."""
    if plan.status != "final":
        raise LifecycleError(N_("A new version starts from a final plan."))
    lineage = versions(session, plan)
    if any(p.status == "draft" for p in lineage):
        raise LifecycleError(N_("This plan already has a draft version being edited."))
    latest = max(p.version for p in lineage)
    copy = _copy(
        session, plan, user, kind, lineage_id=plan.lineage_id, version=latest + 1, previous_id=plan.id
    )
    record_change(session, copy, user, "new_version", {})
    return copy


def _shift_year(day: date | None) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def next_year_title(plan: Plan) -> str:
    """ "Piano 2026" becomes "Piano 2027"; a title without the year gets it in brackets."""
    year, following = str(plan.fiscal_year), str(plan.fiscal_year + 1)
    return plan.title.replace(year, following) if year in plan.title else f"{plan.title} ({following})"


def duplicate(session: Session, plan: Plan, user: User, title: str, kind) -> Plan:
    """A new plan of its own, starting from this one, for the next fiscal year."""
    copy = _copy(
        session,
        plan,
        user,
        kind,
        title=title,
        fiscal_year=plan.fiscal_year + 1,
        period_start=_shift_year(plan.period_start),
        period_end=_shift_year(plan.period_end),
        version=1,
    )
    copy.lineage_id = copy.id
    record_change(session, copy, user, "duplicated", {})
    return copy
