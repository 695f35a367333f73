"""A plan's lifecycle: draft, final (locked, ready to sign), archived; new versions and next year's copy.

Every change of status is one conditional ``UPDATE ... WHERE status = ...`` (and, for finalising, the
revision that was checked): of two requests racing, exactly one changes the plan, the other gets a
:class:`LifecycleError` that says why. PostgreSQL holds the row, SQLite the database, until the transaction
ends, so a save of a step cannot slip in between a finalisation's check and its commit.

What a copy carries beyond the plan's own rows (a joint plan's members' parts) is the plan kind's answer,
passed in as ``kind``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..clock import now
from ..domain import N_
from ..domain.plan import PlanProblem
from ..models import Plan, PlanCategory, PlanFunding, PlanItem, PlanPartner, User
from .checks import blocking
from .composing import repair_stored_values
from .copies import clone
from .history import record_change, versions


class LifecycleError(ValueError):
    """An action the plan's status does not allow; the message is a translatable template."""


def _take(session: Session, plan: Plan, current: str, revision: int | None = None, **values) -> bool:
    """Move the plan on from status ``current`` (at ``revision``, when given) in one conditional UPDATE,
    its revision with it; whether this request did. The plan's rows are read afresh afterwards."""
    conditions = [Plan.id == plan.id, Plan.status == current]
    if revision is not None:
        conditions.append(Plan.revision == revision)
    taken = session.execute(
        update(Plan)
        .where(*conditions)
        .values(revision=Plan.revision + 1, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire_all()  # what other requests committed up to the moment this one took the plan
    return taken == 1


def finalise(
    session: Session,
    plan: Plan,
    user: User,
    problems: list[PlanProblem] | None = None,
    *,
    check: Callable[[Plan], list[PlanProblem]] | None = None,
    revision: int | None = None,
) -> None:
    """Lock the plan, ready to sign; the version it replaces is archived.

    ``revision`` is the one the person saw (none: the one just loaded); a plan saved since is not
    finalised. ``check`` finds the problems of the plan once it is taken, so that what was checked is what
    becomes final; ``problems`` are those already found, for a caller that alone writes the plan."""
    if plan.status != "draft":
        raise LifecycleError(N_("Only a draft can be finalised."))
    expected = plan.revision if revision is None else revision
    if not _take(
        session, plan, "draft", expected, status="final", finalised_at=now(), finalised_by_id=user.id
    ):
        if session.scalar(select(Plan.status).where(Plan.id == plan.id)) != "draft":
            raise LifecycleError(N_("Only a draft can be finalised."))
        raise LifecycleError(
            N_("The plan was changed while you were looking at it: check it again, then finalise it.")
        )
    if blocking(check(plan) if check is not None else problems or []):
        raise LifecycleError(N_("Fix the errors before finalising the plan."))
    for older in versions(session, plan):
        if older.id != plan.id and older.status == "final":
            older.status = "archived"
            record_change(session, older, user, "archived", {})
    record_change(session, plan, user, "finalised", {})


def archive(session: Session, plan: Plan, user: User) -> None:
    """A final plan no longer in force."""
    if plan.status != "final" or not _take(session, plan, "final", status="archived"):
        raise LifecycleError(N_("Only a final plan can be archived."))
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
    repair_stored_values(copy)  # a value stored before the checks existed is not copied into new rows
    session.add(copy)
    session.flush()
    return copy


def new_version(session: Session, plan: Plan, user: User, kind) -> Plan:
    """A draft copy of a final plan, numbered next in its lineage; the final one stays valid until then."""
    if plan.status != "final" or not _take(session, plan, "final"):
        raise LifecycleError(N_("A new version starts from a final plan."))
    lineage = versions(session, plan)  # read once the plan is taken: a draft started meanwhile is seen
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
    if day.year >= date.max.year:
        raise LifecycleError(N_("The plan's period cannot move on by a year: correct its dates first."))
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
