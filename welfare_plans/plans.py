"""Plans: building them, checking them through ``validate_plan``, their lifecycle and their history."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .domain import N_
from .domain.plan import (
    BasketItem,
    CategoryBudget,
    FundingKind,
    FundingSource,
    LegalBasis,
    NewHiresRule,
    Partner,
    PartnerKind,
    PlanProblem,
    Severity,
    UnusedCreditRule,
    WelfarePlan,
)
from .domain.problems import Problem
from .domain.territory import gazetteer
from .models import (
    CatalogService,
    Firm,
    Plan,
    PlanCategory,
    PlanChange,
    PlanFunding,
    PlanItem,
    PlanPartner,
    User,
)
from .plugins import Plugins
from .types import BeneficiaryGroup, Territory

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_domain(plan: Plan) -> WelfarePlan:
    """The plan as the value plugins see; a joint plan is rolled up over its member firms' parts."""
    if plan.network_id is not None:
        from .networks import joint_domain

        return joint_domain(plan)
    return to_domain_shared(plan)


def to_domain_shared(plan: Plan) -> WelfarePlan:
    """The plan's own rows as a value: for a joint plan, the shared parts without the members'."""
    return WelfarePlan(
        title=plan.title,
        fiscal_year=plan.fiscal_year,
        period_start=plan.period_start,
        period_end=plan.period_end,
        legal_basis=LegalBasis(plan.legal_basis) if plan.legal_basis else None,
        objectives=plan.objectives,
        needs=tuple(plan.needs),
        territory=Territory(tuple(plan.territory_municipalities), tuple(plan.territory_provinces)),
        categories=tuple(
            CategoryBudget(c.name, c.headcount, c.included, Decimal(c.credit_per_worker))
            for c in plan.categories
        ),
        family_count=plan.family_count if plan.include_family else None,
        former_count=plan.former_count if plan.include_former else None,
        citizens_count=plan.citizens_count if plan.include_citizens else None,
        funding=tuple(FundingSource(FundingKind(f.kind), Decimal(f.amount), f.note) for f in plan.funding),
        basket=tuple(
            BasketItem(
                service_code=item.service_code,
                name=item.name,
                provider=item.provider_name,
                need_area=item.need_area,
                price=Decimal(item.price),
                unit=item.unit,
                quantity=Decimal(item.quantity),
                beneficiary_group=BeneficiaryGroup(item.beneficiary_group),
                beneficiary_groups=tuple(item.beneficiary_groups),
                delivery_modes=tuple(item.delivery_modes),
                territory=Territory(tuple(item.territory_municipalities), tuple(item.territory_provinces)),
                declared_tax_basis=item.tax_basis,
            )
            for item in plan.items
        ),
        partners=tuple(Partner(p.name, PartnerKind(p.kind), p.role, p.signatory) for p in plan.partners),
        steering_committee=plan.steering_committee,
        new_hires_rule=NewHiresRule(plan.new_hires_rule),
        unused_credit_rule=UnusedCreditRule(plan.unused_credit_rule),
        claims_deadline_days=plan.claims_deadline_days,
        usage_notes=plan.usage_notes,
        firm_name=plan.firm.legal_name if plan.firm else "",
        firm_vat_number=plan.firm.vat_number if plan.firm else "",
        firm_municipality=municipality_label(plan.firm.municipality_code if plan.firm else None),
        version=plan.version,
        status=plan.status,
        agreement_reference=plan.agreement_reference or "",
    )


def municipality_label(code: str | None) -> str:
    municipality = gazetteer().municipality(code) if code else None
    return municipality.label if municipality else ""


def check_plan(plugins: Plugins, plan: WelfarePlan) -> list[PlanProblem]:
    """Every problem every plugin finds, errors first. Results that are not ``PlanProblem`` are reported."""
    problems = []
    for plugin, result in plugins.call_each("validate_plan", at_startup=False, plan=plan).items():
        for problem in result or ():
            if isinstance(problem, PlanProblem) and problem.severity in SEVERITY_ORDER:
                problems.append(dataclasses.replace(problem, plugin=plugin))
            else:
                plugins.add_problem(
                    Problem(
                        plugin,
                        N_("validate_plan returned %(type)s instead of a PlanProblem"),
                        "validate_plan",
                        {"type": type(problem).__name__},
                    )
                )
    return sorted(problems, key=lambda problem: SEVERITY_ORDER[problem.severity])


# -- creating ----------------------------------------------------------------------------------------------
def create_plan(session: Session, firm: Firm, user: User, title: str, fiscal_year: int) -> Plan:
    """A new draft for ``firm``, with the firm's worker categories and the calendar year as its period."""
    plan = Plan(
        firm=firm,
        title=title,
        fiscal_year=fiscal_year,
        period_start=date(fiscal_year, 1, 1),
        period_end=date(fiscal_year, 12, 31),
        created_at=now(),
        updated_at=now(),
        created_by_id=user.id,
        needs=[],
        territory_municipalities=[firm.municipality_code] if firm.municipality_code else [],
        territory_provinces=[],
    )
    plan.categories = [
        PlanCategory(
            position=i, name=c.name, headcount=c.headcount, included=True, credit_per_worker=Decimal("0")
        )
        for i, c in enumerate(firm.categories)
    ]
    session.add(plan)
    session.flush()
    plan.lineage_id = plan.id
    record_change(session, plan, user, "created", {})
    return plan


def add_service(
    plan: Plan, service: CatalogService, group: str, quantity: Decimal = Decimal("0")
) -> PlanItem:
    """Put a catalog service in the basket, copying its price and terms as they are now."""
    areas = service.areas
    item = PlanItem(
        position=len(plan.items),
        service_id=service.id,
        service_code=service.code,
        name=service.name,
        name_en=service.name_en,
        provider_name=service.provider.name,
        need_area=service.need_area,
        price=service.price,
        unit=service.unit,
        delivery_modes=list(service.delivery_modes),
        beneficiary_groups=list(service.beneficiary_groups),
        territory_municipalities=[a.municipality_code for a in areas if a.municipality_code],
        territory_provinces=[a.province_code for a in areas if not a.municipality_code],
        beneficiary_group=group,
        tax_basis=(service.extra or {}).get("tax_basis"),
        quantity=quantity,
    )
    plan.items.append(item)
    return item


# -- history -----------------------------------------------------------------------------------------------
def _money(value) -> str:
    return f"{Decimal(value):.2f}"


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
    for source in plan.funding:
        key = f"funding[{source.kind}]"
        data[key] = _money(Decimal(data.get(key) or 0) + Decimal(source.amount))
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


def diff(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str]]:
    """The keys whose text differs, in a stable order; a missing key reads as empty."""
    keys = list(dict.fromkeys([*before, *after]))
    return [
        {"key": key, "old": before.get(key, ""), "new": after.get(key, "")}
        for key in keys
        if before.get(key, "") != after.get(key, "")
    ]


def record_change(
    session: Session, plan: Plan, user: User | None, action: str, before: dict[str, str]
) -> PlanChange:
    change = PlanChange(
        plan_id=plan.id,
        lineage_id=plan.lineage_id or plan.id,
        version=plan.version,
        user_id=user.id if user else None,
        at=now(),
        action=action,
        changes=diff(before, snapshot(plan)) if before else [],
    )
    session.add(change)
    plan.updated_at = change.at
    return change


def history(session: Session, plan: Plan) -> list[PlanChange]:
    return list(
        session.scalars(
            select(PlanChange)
            .where(PlanChange.lineage_id == plan.lineage_id)
            .order_by(PlanChange.at.desc(), PlanChange.id.desc())
        )
    )


def versions(session: Session, plan: Plan) -> list[Plan]:
    return list(
        session.scalars(select(Plan).where(Plan.lineage_id == plan.lineage_id).order_by(Plan.version))
    )


# -- lifecycle ---------------------------------------------------------------------------------------------
class LifecycleError(ValueError):
    """An action the plan's status does not allow; the message is a translatable template."""


def finalise(session: Session, plan: Plan, user: User, problems: list[PlanProblem]) -> None:
    """Lock the plan, ready to sign; the version it replaces is archived."""
    if plan.status != "draft":
        raise LifecycleError(N_("Only a draft can be finalised."))
    if any(problem.severity == Severity.ERROR for problem in problems):
        raise LifecycleError(N_("Fix the errors before finalising the plan."))
    plan.status = "final"
    plan.finalised_at = now()
    plan.finalised_by_id = user.id
    for older in versions(session, plan):
        if older.id != plan.id and older.status == "final":
            older.status = "archived"
            record_change(session, older, user, "archived", {})
    record_change(session, plan, user, "finalised", {})


def archive(session: Session, plan: Plan, user: User) -> None:
    if plan.status != "final":
        raise LifecycleError(N_("Only a final plan can be archived."))
    plan.status = "archived"
    record_change(session, plan, user, "archived", {})


# what a copy of a plan does not inherit: its identity, place in the lineage, status and audit fields
_NOT_COPIED = {
    "id", "plan_id", "lineage_id", "version", "previous_id", "status",
    "created_at", "created_by_id", "updated_at", "finalised_at", "finalised_by_id", "part_id",
}  # fmt: skip


def _clone(row, model, **values):
    """A new ``model`` row with the content columns of ``row``; JSON lists are copied, not shared."""
    for column in model.__table__.columns:
        if column.key not in _NOT_COPIED and column.key not in values:
            value = getattr(row, column.key)
            values[column.key] = list(value) if isinstance(value, list) else value
    return model(**values)


def _copy(session: Session, plan: Plan, user: User, **overrides) -> Plan:
    copy = _clone(
        plan,
        Plan,
        status="draft",
        created_at=now(),
        updated_at=now(),
        created_by_id=user.id,
        categories=[_clone(row, PlanCategory) for row in plan.categories],
        funding=[_clone(row, PlanFunding) for row in plan.funding],
        items=[_clone(row, PlanItem) for row in plan.items],
        partners=[_clone(row, PlanPartner) for row in plan.partners],
        parts=[_clone_part(part, user) for part in _parts_to_copy(plan)],
        **overrides,
    )
    session.add(copy)
    session.flush()
    return copy


def _parts_to_copy(plan: Plan) -> list:
    """A joint plan's copy keeps the parts of the firms still in the network."""
    if plan.network_id is None:
        return []
    active = {member.firm_id for member in plan.network.active_members}
    return [part for part in plan.parts if part.firm_id in active]


def _clone_part(part, user: User):
    from .models import MemberPart, PartCategory, PartChoice, PartFunding

    return _clone(
        part,
        MemberPart,
        updated_at=now(),
        updated_by_id=user.id,
        categories=[_clone(row, PartCategory) for row in part.categories],
        funding=[_clone(row, PartFunding) for row in part.funding],
        choices=[_clone(row, PartChoice) for row in part.choices],
    )


def new_version(session: Session, plan: Plan, user: User) -> Plan:
    """A draft copy of a final plan, numbered next in its lineage; the final one stays valid until then."""
    if plan.status != "final":
        raise LifecycleError(N_("A new version starts from a final plan."))
    latest = max(p.version for p in versions(session, plan))
    if any(p.status == "draft" for p in versions(session, plan)):
        raise LifecycleError(N_("This plan already has a draft version being edited."))
    copy = _copy(session, plan, user, lineage_id=plan.lineage_id, version=latest + 1, previous_id=plan.id)
    record_change(session, copy, user, "new_version", {})
    return copy


def _shift_year(day: date | None) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def duplicate(session: Session, plan: Plan, user: User, title: str) -> Plan:
    """A new plan of its own, starting from this one, for the next fiscal year."""
    copy = _copy(
        session,
        plan,
        user,
        title=title,
        fiscal_year=plan.fiscal_year + 1,
        period_start=_shift_year(plan.period_start),
        period_end=_shift_year(plan.period_end),
        version=1,
    )
    copy.lineage_id = copy.id
    record_change(session, copy, user, "duplicated", {})
    return copy
