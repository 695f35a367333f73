"""The plan wizard: steps a user moves between freely, each saving a draft, then the review.

Every step saves what is valid and re-shows the form with the user's input and the errors next to the
fields when something is not; the checks of ``validate_plan`` are shown next to the fields they concern.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import plans as plan_service
from ..catalog import basket_candidates
from ..db import db_session
from ..domain.territory import gazetteer
from ..models import CatalogService, PlanCategory, PlanFunding, PlanPartner
from ..plugins import get_plugins
from ..types import BeneficiaryGroup
from .access import plan_for, sees_all_parts
from .fields import options
from .labels import BENEFICIARY_GROUPS, need_area_choices
from .plan_forms import (
    LEGAL_BASES,
    ActionForm,
    BasicsForm,
    BasketForm,
    BeneficiariesForm,
    BudgetForm,
    GovernanceForm,
    split_places,
    territory_text,
)

bp = Blueprint("wizard", __name__, url_prefix="/plans")

STEPS = {
    "basics": _l("Basics"),
    "beneficiaries": _l("Beneficiaries"),
    "budget": _l("Budget and funding"),
    "basket": _l("Basket of services"),
    "governance": _l("Governance"),
}
FIELD_STEPS = {
    "title": "basics", "fiscal_year": "basics", "period_start": "basics", "period_end": "basics",
    "legal_basis": "basics", "needs": "basics", "territory": "basics",
    "categories": "beneficiaries", "family_count": "beneficiaries", "former_count": "beneficiaries",
    "citizens_count": "beneficiaries",
    "credits": "budget", "funding": "budget",
    "items": "basket",
    "partners": "governance", "steering_committee": "governance",
}  # fmt: skip


def step_of(field: str | None) -> str:
    """The step where a problem's field is fixed (``items.<code>`` belongs to the basket)."""
    return FIELD_STEPS.get((field or "").split(".")[0], "basics")


def problems_of(domain):
    """What every validate_plan implementation finds in the plan (given as its domain value)."""
    return plan_service.check_plan(get_plugins(current_app), domain)


def visible_problems(plan, domain):
    """A joint plan's problems name member firms: only those who see every part see them."""
    if plan.is_joint and not sees_all_parts(plan):
        return []
    return problems_of(domain)


def _next_step(step: str) -> str:
    names = list(STEPS)
    return names[names.index(step) + 1] if step != names[-1] else "review"


def _destination(plan, step: str):
    target = request.form.get("goto") or _next_step(step)
    if target not in STEPS and target != "review":
        target = step
    if target == "review":
        return redirect(url_for("wizard.review", plan_id=plan.id))
    return redirect(url_for("wizard.step", plan_id=plan.id, step=target))


@bp.route("/<int:plan_id>/steps/<step>", methods=["GET", "POST"])
def step(plan_id: int, step: str):
    if step not in STEPS:
        abort(404)
    plan = plan_for(plan_id, write=request.method == "POST")
    if request.method == "POST" and not plan.editable:
        flash(_("This plan is final: start a new version to change it."), "warning")
        return redirect(url_for("plans.overview", plan_id=plan.id))
    form = _STEP_FORMS[step](plan)
    if request.method == "POST":
        if form.validate_on_submit():
            before = plan_service.snapshot(plan)
            _STEP_APPLY[step](plan, form)
            plan_service.record_change(db_session(), plan, current_user, f"step:{step}", before)
            db_session().commit()
            if "add_row" in request.form:
                return redirect(url_for("wizard.step", plan_id=plan.id, step=step, rows=1) + "#rows")
            if "add_service" in request.form:
                return redirect(
                    url_for("wizard.step", plan_id=plan.id, step=step, need=request.args.get("need", ""))
                    + "#basket"
                )
            domain = plan_service.to_domain(plan)
            problems = [p for p in problems_of(domain) if step_of(p.field) == step and p.severity == "error"]
            if problems and not request.form.get("goto"):
                flash(_("Draft saved. Some things in this step still need fixing."), "warning")
                return redirect(url_for("wizard.step", plan_id=plan.id, step=step))
            flash(_("Draft saved."), "success")
            return _destination(plan, step)
        flash(_("Nothing was saved: correct the fields marked below."), "danger")
    elif request.args.get("rows"):
        _add_empty_row(step, form)
    domain = plan_service.to_domain(plan)  # once per request: the checks and the step's context share it
    problems = [p for p in visible_problems(plan, domain) if step_of(p.field) == step]
    context = _STEP_CONTEXT.get(step, lambda plan, form, domain: {})(plan, form, domain)
    return render_template(
        f"wizard/{step}.html", plan=plan, form=form, step=step, steps=STEPS, problems=problems, **context
    )


@bp.get("/<int:plan_id>/review")
def review(plan_id: int):
    plan = plan_for(plan_id)
    domain = plan_service.to_domain(plan)
    problems = problems_of(domain)
    return render_template(
        "wizard/review.html",
        show_problems=not plan.is_joint or sees_all_parts(plan),
        plan=plan,
        domain=domain,
        problems=problems,
        steps=STEPS,
        step="review",
        step_of=step_of,
        action_form=ActionForm(),
        blocking=any(p.severity == "error" for p in problems),
    )


# -- basics ------------------------------------------------------------------------------------------------
def _basics_form(plan):
    form = BasicsForm(
        data={
            "title": plan.title,
            "fiscal_year": plan.fiscal_year,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "legal_basis": plan.legal_basis or "",
            "agreement_reference": plan.agreement_reference,
            "objectives": plan.objectives,
            "needs": plan.needs,
            "territory": territory_text(plan.territory_municipalities, plan.territory_provinces),
        }
    )
    form.legal_basis.choices = options(
        [("", _l("Choose…")), *((b.value, label) for b, label in LEGAL_BASES.items())]
    )
    form.needs.choices = options(need_area_choices())
    return form


def _basics_apply(plan, form) -> None:
    plan.title = form.title.data.strip()
    plan.fiscal_year = form.fiscal_year.data
    plan.period_start = form.period_start.data
    plan.period_end = form.period_end.data
    plan.legal_basis = form.legal_basis.data or None
    plan.agreement_reference = (form.agreement_reference.data or "").strip() or None
    plan.objectives = form.objectives.data or ""
    plan.needs = list(form.needs.data or [])
    plan.territory_municipalities, plan.territory_provinces = split_places(
        getattr(form.territory, "places", [])
    )


# -- beneficiaries -----------------------------------------------------------------------------------------
def _beneficiaries_form(plan):
    return BeneficiariesForm(
        data={
            "categories": [
                {"name": c.name, "headcount": c.headcount, "included": c.included} for c in plan.categories
            ]
            or [{"name": "", "headcount": 0, "included": True}],
            "open_to_member_employees": plan.open_to_member_employees,
            "include_family": plan.include_family,
            "family_count": plan.family_count,
            "include_former": plan.include_former,
            "former_count": plan.former_count,
            "include_citizens": plan.include_citizens,
            "citizens_count": plan.citizens_count,
        }
    )


def _beneficiaries_apply(plan, form) -> None:
    if plan.is_joint:
        plan.open_to_member_employees = form.open_to_member_employees.data
    credits = {category.name: category.credit_per_worker for category in plan.categories}
    rows = [row.form for row in form.categories if row.form.name.data and row.form.name.data.strip()]
    plan.categories = [
        PlanCategory(
            position=position,
            name=row.name.data.strip(),
            headcount=row.headcount.data or 0,
            included=row.included.data,
            credit_per_worker=credits.get(row.name.data.strip(), Decimal("0")),
        )
        for position, row in enumerate(rows)
    ]
    for group in ("family", "former", "citizens"):
        include = getattr(form, f"include_{group}").data
        setattr(plan, f"include_{group}", include)
        setattr(plan, f"{group}_count", (getattr(form, f"{group}_count").data or 0) if include else 0)


# -- budget ------------------------------------------------------------------------------------------------
def _budget_form(plan):
    return BudgetForm(
        data={
            "credits": [{"credit_per_worker": c.credit_per_worker} for c in plan.categories if c.included],
            "funding": [{"kind": f.kind, "amount": f.amount, "note": f.note} for f in plan.funding]
            or [{"kind": "employer", "amount": None, "note": ""}],
        }
    )


def _budget_apply(plan, form) -> None:
    included = [c for c in plan.categories if c.included]
    for category, row in zip(included, form.credits, strict=False):
        category.credit_per_worker = row.form.credit_per_worker.data or Decimal("0")
    plan.funding = [
        PlanFunding(
            position=i, kind=row.form.kind.data, amount=row.form.amount.data, note=row.form.note.data or ""
        )
        for i, row in enumerate(r for r in form.funding if r.form.amount.data is not None)
    ]


def _budget_context(plan, form, domain):
    included = [c for c in plan.categories if c.included]
    return {
        "credit_rows": list(zip(included, form.credits, strict=False)),
        "domain": domain,
    }


# -- basket ------------------------------------------------------------------------------------------------
def _plan_groups(plan) -> list[str]:
    return list(plan_service.to_domain(plan).beneficiary_groups)


def _basket_form(plan):
    form = BasketForm(
        data={
            "items": [
                {
                    "item_id": str(item.id),
                    "quantity": item.quantity,
                    "beneficiary_group": item.beneficiary_group,
                }
                for item in plan.items
            ]
        }
    )
    for item, row in zip(plan.items, form.items, strict=False):
        row.form.beneficiary_group.choices = options(
            (g, BENEFICIARY_GROUPS[g]) for g in item.beneficiary_groups
        )
    return form


def _basket_apply(plan, form) -> None:
    items = {str(item.id): item for item in plan.items}
    for row in form.items:
        item = items.get(row.form.item_id.data)
        if item is None:
            continue
        if row.form.remove.data:
            plan.items.remove(item)
            continue
        if row.form.beneficiary_group.data in item.beneficiary_groups:
            item.beneficiary_group = row.form.beneficiary_group.data
        if plan.is_joint:  # the members choose the quantities in their parts
            continue
        quantity, budget = row.form.quantity.data, row.form.budget.data
        if budget is not None and item.price:
            quantity = (budget / item.price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        item.quantity = quantity if quantity is not None else Decimal("0")
    for position, item in enumerate(plan.items):
        item.position = position
    service_id = request.form.get("add_service", type=int)
    if service_id:
        service = db_session().get(CatalogService, service_id)
        if service is None or service.withdrawn_at is not None:
            abort(404)
        if service.code not in {item.service_code for item in plan.items}:
            groups = _plan_groups(plan)
            group = next(
                (g for g in service.beneficiary_groups if g in groups), service.beneficiary_groups[0]
            )
            plan_service.add_service(plan, service, group)


def _basket_context(plan, form, domain):
    places = [p for p in (
        [gazetteer().municipality(code) for code in plan.territory_municipalities]
        + [gazetteer().province(code) for code in plan.territory_provinces]
    ) if p is not None]  # fmt: skip
    need = request.args.get("need")
    needs = [need] if need else list(plan.needs)
    candidates = basket_candidates(
        db_session(),
        places,
        [group.value for group in domain.beneficiary_groups] or [g.value for g in BeneficiaryGroup],
        needs,
        [item.service_code for item in plan.items],
    )
    return {
        "item_rows": list(zip(plan.items, form.items, strict=False)),
        "candidates": candidates,
        "need": need or "",
        "need_choices": need_area_choices(),
        "domain": domain,
    }


# -- governance --------------------------------------------------------------------------------------------
def _governance_form(plan):
    return GovernanceForm(
        data={
            "steering_committee": plan.steering_committee,
            "new_hires_rule": plan.new_hires_rule,
            "unused_credit_rule": plan.unused_credit_rule,
            "claims_deadline_days": plan.claims_deadline_days,
            "usage_notes": plan.usage_notes,
            "partners": [
                {"name": p.name, "kind": p.kind, "role": p.role, "signatory": p.signatory}
                for p in plan.partners
            ]
            or [{"name": "", "kind": "union", "role": "", "signatory": False}],
        }
    )


def _governance_apply(plan, form) -> None:
    plan.steering_committee = form.steering_committee.data or ""
    plan.new_hires_rule = form.new_hires_rule.data
    plan.unused_credit_rule = form.unused_credit_rule.data
    plan.claims_deadline_days = form.claims_deadline_days.data
    plan.usage_notes = form.usage_notes.data or ""
    plan.partners = [
        PlanPartner(
            position=i,
            name=row.form.name.data.strip(),
            kind=row.form.kind.data,
            role=row.form.role.data or "",
            signatory=row.form.signatory.data,
        )
        for i, row in enumerate(r for r in form.partners if r.form.name.data and r.form.name.data.strip())
    ]


def _add_empty_row(step: str, form) -> None:
    lists = {"beneficiaries": "categories", "budget": "funding", "governance": "partners"}
    if step in lists:
        getattr(form, lists[step]).append_entry()


_STEP_FORMS = {
    "basics": _basics_form,
    "beneficiaries": _beneficiaries_form,
    "budget": _budget_form,
    "basket": _basket_form,
    "governance": _governance_form,
}
_STEP_APPLY = {
    "basics": _basics_apply,
    "beneficiaries": _beneficiaries_apply,
    "budget": _budget_apply,
    "basket": _basket_apply,
    "governance": _governance_apply,
}
_STEP_CONTEXT = {"budget": _budget_context, "basket": _basket_context}
