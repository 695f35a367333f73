"""A plan's history: snapshots of everything it says, the changes between two, and who made them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import now
from ..domain.plan import readable_amount
from ..domain.territory import gazetteer
from ..models import MemberPart, Plan, PlanChange, User


def _money(value) -> str:
    """An amount as the history writes it; a stored value no plan can hold as a short mark, never its
    million digits."""
    readable = readable_amount(value, Decimal("1e15"))
    return f"{readable:.2f}" if readable is not None else "?"


def _funding_by_kind(sources) -> dict[str, str]:
    """``funding[<kind>]``: the amounts of each kind of source added up (a value no plan can hold as "?")."""
    totals: dict[str, Decimal | None] = {}
    for source in sources:
        key, amount = f"funding[{source.kind}]", readable_amount(source.amount)
        total = totals.get(key, Decimal("0"))
        totals[key] = None if total is None or amount is None else total + amount
    return {key: "?" if total is None else f"{total:.2f}" for key, total in totals.items()}


def snapshot(plan: Plan) -> dict[str, str]:
    """Everything the plan says, flattened to ``key: text`` pairs; the basis of history and comparison."""
    places = gazetteer()
    data = {
        "title": plan.title,
        "fiscal_year": str(plan.fiscal_year),
        "period_start": plan.period_start.isoformat() if plan.period_start else "",
        "period_end": plan.period_end.isoformat() if plan.period_end else "",
        "legal_basis": plan.legal_basis or "",
        "agreement_reference": plan.agreement_reference or "",
        "objectives": plan.objectives,
        "needs": ", ".join(sorted(plan.needs)),
        "territory": ", ".join(
            [
                places.municipality(code).label
                for code in plan.territory_municipalities
                if places.municipality(code)
            ]
            + [places.province(code).label for code in plan.territory_provinces if places.province(code)]
        ),
        "family_count": str(plan.family_count) if plan.include_family else "",
        "former_count": str(plan.former_count) if plan.include_former else "",
        "citizens_count": str(plan.citizens_count) if plan.include_citizens else "",
        "open_to_member_employees": "✔" if plan.open_to_member_employees else "",
        "steering_committee": plan.steering_committee,
        "new_hires_rule": plan.new_hires_rule,
        "unused_credit_rule": plan.unused_credit_rule,
        "claims_deadline_days": str(plan.claims_deadline_days),
        "usage_notes": plan.usage_notes,
    }
    for category in plan.categories:
        prefix = f"category[{category.name}]"
        data[f"{prefix}.headcount"] = str(category.headcount) if category.included else ""
        data[f"{prefix}.credit_per_worker"] = _money(category.credit_per_worker) if category.included else ""
    data.update(_funding_by_kind(plan.funding))
    for item in plan.items:
        prefix = f"item[{item.service_code}]"
        data[f"{prefix}.quantity"] = _money(item.quantity)
        data[f"{prefix}.price"] = _money(item.price)
        data[f"{prefix}.beneficiary_group"] = item.beneficiary_group
    for partner in plan.partners:
        data[f"partner[{partner.name}]"] = (
            f"{partner.kind}{' ✔' if partner.signatory else ''} {partner.role}".strip()
        )
    return data


def part_snapshot(part: MemberPart | None) -> dict[str, str]:
    """What a member firm's part says (categories, funding, choices), flattened like :func:`snapshot`."""
    data: dict[str, str] = {}
    if part is None:
        return data
    for category in part.categories:
        prefix = f"category[{category.name}]"
        data[f"{prefix}.headcount"] = str(category.headcount) if category.included else ""
        data[f"{prefix}.credit_per_worker"] = _money(category.credit_per_worker) if category.included else ""
    data.update(_funding_by_kind(part.funding))
    for choice in part.choices:
        prefix = f"choice[{choice.service_code}]"
        data[f"{prefix}.opted_in"] = "✔" if choice.opted_in else ""
        data[f"{prefix}.people"] = str(choice.people) if choice.opted_in else ""
        data[f"{prefix}.quantity"] = _money(choice.quantity) if choice.opted_in else ""
    return data


def diff(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str]]:
    """The keys whose text differs, in a stable order; a missing key reads as empty."""
    keys = list(dict.fromkeys([*before, *after]))
    return [
        {"key": key, "old": before.get(key, ""), "new": after.get(key, "")}
        for key in keys
        if before.get(key, "") != after.get(key, "")
    ]


def record_change(
    session: Session,
    plan: Plan,
    user: User | None,
    action: str,
    before: dict[str, str],
    *,
    after: dict[str, str] | None = None,
    revision: int | None = None,
) -> PlanChange:
    """Write who did ``action`` to the plan, with the fields that changed from the ``before`` snapshot to
    ``after`` (the plan's snapshot now, unless given: a member's part gives its own), and the revision the
    change made (the plan's, unless given)."""
    change = PlanChange(
        plan_id=plan.id,
        lineage_id=plan.lineage_id or plan.id,
        version=plan.version,
        user_id=user.id if user else None,
        at=now(),
        action=action,
        changes=diff(before, snapshot(plan) if after is None else after) if before else [],
        revision=plan.revision if revision is None else revision,
    )
    session.add(change)
    plan.updated_at = change.at
    return change


def history(session: Session, plan: Plan) -> list[PlanChange]:
    """Every change of every version of the plan, newest first."""
    return list(
        session.scalars(
            select(PlanChange)
            .where(PlanChange.lineage_id == plan.lineage_id)
            .order_by(PlanChange.at.desc(), PlanChange.id.desc())
        )
    )


def changes_since(session: Session, plan: Plan, revision: int, action: str | None = None) -> list[PlanChange]:
    """The changes of this version of the plan made after ``revision`` (those of one ``action`` only, such
    as a member's part, ``part:<firm id>``, whose revisions are the part's), oldest first: what a form
    built at ``revision`` did not show."""
    query = select(PlanChange).where(PlanChange.plan_id == plan.id, PlanChange.revision > revision)
    if action is not None:
        query = query.where(PlanChange.action == action)
    else:
        query = query.where(PlanChange.action.not_like("part:%"))
    return list(session.scalars(query.order_by(PlanChange.id)))


def versions(session: Session, plan: Plan) -> list[Plan]:
    """The versions of the plan's lineage, oldest first."""
    return list(
        session.scalars(select(Plan).where(Plan.lineage_id == plan.lineage_id).order_by(Plan.version))
    )
