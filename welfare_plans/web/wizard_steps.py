"""The wizard's steps as objects: one declaration per step, so that a new step is one edit.

A :class:`WizardStep` says which form it shows (built from the plan), which template renders it, how its
valid input applies to the plan (through :mod:`welfare_plans.plans.composing`), what else its template
needs, which list field "add a row" extends, and which plan fields it owns: the labels they have in the
history and comparison pages, and where ``validate_plan``'s problems about them are fixed. Fields that do
not apply to a plan's kind are skipped by asking the kind (``kind.applies(field)``).

The steps live on the app (``wizard_steps(app)``), in order; a test or an extension adds one with
:meth:`WizardSteps.add`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Flask, abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from ..catalog import basket_candidates
from ..db import db_session
from ..domain.plan import CategoryBudget, FundingKind, FundingSource, Partner, PartnerKind, WelfarePlan
from ..models import CatalogService, Plan
from ..plans import PlanKind, composing, territory_places
from ..types import BeneficiaryGroup
from .fields import options
from .labels import BENEFICIARY_GROUPS, need_area_choices
from .plan_forms import (
    LEGAL_BASES,
    BasicsForm,
    BasketForm,
    BeneficiariesForm,
    BudgetForm,
    GovernanceForm,
    split_places,
    territory_text,
)

EXTENSION_KEY = "welfare_plans.wizard_steps"


@dataclass(frozen=True)
class WizardStep:
    """One step of the wizard. ``labels`` maps the plan fields this step owns to their labels."""

    name: str
    title: object  # a lazy translated string
    form: Callable[[Plan, PlanKind], FlaskForm]
    apply: Callable[[Plan, FlaskForm, PlanKind], None]
    labels: Mapping[str, object] = field(default_factory=dict)
    template: str = ""
    context: Callable[[Plan, FlaskForm, WelfarePlan], dict] | None = None
    rows: str | None = None  # the FieldList that "add a row" extends

    @property
    def template_name(self) -> str:
        return self.template or f"wizard/{self.name}.html"


class WizardSteps:
    """The wizard's steps in order, and the questions asked of them as a whole."""

    def __init__(self, steps: Iterable[WizardStep]):
        self._steps: list[WizardStep] = []
        for step in steps:
            self.add(step)

    def add(self, step: WizardStep, *, after: str | None = None) -> None:
        """Add a step at the end, or right after the step named ``after``."""
        if step.name in self.names or step.name == "review":
            raise ValueError(f"a wizard step named {step.name!r} exists already")
        position = self.names.index(after) + 1 if after else len(self._steps)
        self._steps.insert(position, step)

    @property
    def names(self) -> list[str]:
        return [step.name for step in self._steps]

    @property
    def titles(self) -> dict[str, object]:
        """``name: title`` in order: what the step navigation shows."""
        return {step.name: step.title for step in self._steps}

    def get(self, name: str) -> WizardStep | None:
        return next((step for step in self._steps if step.name == name), None)

    def after(self, name: str) -> str:
        """The step after ``name``, or ``review`` after the last one."""
        names = self.names
        return names[names.index(name) + 1] if name != names[-1] else "review"

    def step_of(self, field_name: str | None) -> str:
        """The step where a problem's field is fixed (``items.<code>`` belongs to the basket's ``items``)."""
        key = (field_name or "").split(".")[0]
        return next((step.name for step in self._steps if key in step.labels), self.names[0])

    def labels(self) -> dict[str, object]:
        """Every step's field labels, for the history and comparison pages."""
        return {key: label for step in self._steps for key, label in step.labels.items()}


def wizard_steps(app: Flask | None = None) -> WizardSteps:
    """The app's wizard steps."""
    return (app or current_app).extensions[EXTENSION_KEY]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = WizardSteps(default_steps())


def _strip(text: str | None) -> str:
    return (text or "").strip()


def row_id(text: str | None) -> int | None:
    """The id a row of a form names (a hidden field), or None for a new row or anything that is no id."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 16 else None


# -- basics ------------------------------------------------------------------------------------------------
def _basics_form(plan: Plan, kind: PlanKind) -> FlaskForm:
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


def _basics_apply(plan: Plan, form: FlaskForm, kind: PlanKind) -> None:
    plan.title = _strip(form.title.data)
    plan.fiscal_year = form.fiscal_year.data
    plan.period_start = form.period_start.data
    plan.period_end = form.period_end.data
    plan.legal_basis = form.legal_basis.data or None
    plan.agreement_reference = _strip(form.agreement_reference.data) or None
    plan.objectives = form.objectives.data or ""
    plan.needs = list(form.needs.data or [])
    plan.territory_municipalities, plan.territory_provinces = split_places(
        getattr(form.territory, "places", [])
    )


# -- beneficiaries -----------------------------------------------------------------------------------------
def _beneficiaries_form(plan: Plan, kind: PlanKind) -> FlaskForm:
    return BeneficiariesForm(
        data={
            "categories": [
                {"row_id": str(c.id), "name": c.name, "headcount": c.headcount, "included": c.included}
                for c in plan.categories
            ]
            or [{"name": "", "headcount": 0, "included": True}],
            "open_to_member_employees": plan.open_to_member_employees,
            **{f"include_{group}": getattr(plan, f"include_{group}") for group in _GROUPS},
            **{f"{group}_count": getattr(plan, f"{group}_count") for group in _GROUPS},
        }
    )


_GROUPS = ("family", "former", "citizens")


def _beneficiaries_apply(plan: Plan, form: FlaskForm, kind: PlanKind) -> None:
    if kind.applies("open_to_member_employees"):
        plan.open_to_member_employees = form.open_to_member_employees.data
    if kind.applies("categories"):
        composing.set_categories(
            plan,
            (
                (
                    row_id(row.form.row_id.data),
                    CategoryBudget(
                        _strip(row.form.name.data),
                        row.form.headcount.data or 0,
                        row.form.included.data,
                        Decimal("0"),
                    ),
                )
                for row in form.categories
                if _strip(row.form.name.data)
            ),
        )
    for group in _GROUPS:
        include = getattr(form, f"include_{group}").data
        setattr(plan, f"include_{group}", include)
        setattr(plan, f"{group}_count", (getattr(form, f"{group}_count").data or 0) if include else 0)


# -- budget ------------------------------------------------------------------------------------------------
def _budget_form(plan: Plan, kind: PlanKind) -> FlaskForm:
    return BudgetForm(
        data={
            "credits": [
                {"category_id": str(c.id), "credit_per_worker": c.credit_per_worker}
                for c in plan.categories
                if c.included
            ],
            "funding": [{"kind": f.kind, "amount": f.amount, "note": f.note} for f in plan.funding]
            or [{"kind": "employer", "amount": None, "note": ""}],
        }
    )


def funding_rows(rows) -> list[FundingSource]:
    """The funding rows of a form that have an amount, as values."""
    return [
        FundingSource(FundingKind(row.form.kind.data), row.form.amount.data, row.form.note.data or "")
        for row in rows
        if row.form.amount.data is not None
    ]


def _budget_apply(plan: Plan, form: FlaskForm, kind: PlanKind) -> None:
    if kind.applies("credits"):
        composing.set_credits(
            plan,
            {
                category_id: row.form.credit_per_worker.data
                for row in form.credits
                if (category_id := row_id(row.form.category_id.data)) is not None
            },
        )
    composing.set_funding(plan, funding_rows(form.funding))


def _budget_context(plan: Plan, form: FlaskForm, domain: WelfarePlan) -> dict:
    """Each credit row beside the category it names (by id; a row of a category gone meanwhile is left out)."""
    included = {c.id: c for c in plan.categories if c.included}
    rows = [(included.get(row_id(row.form.category_id.data)), row) for row in form.credits]
    return {
        "credit_rows": [(category, row) for category, row in rows if category is not None],
        "domain": domain,
    }


# -- basket ------------------------------------------------------------------------------------------------
def _basket_form(plan: Plan, kind: PlanKind) -> FlaskForm:
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


def _basket_apply(plan: Plan, form: FlaskForm, kind: PlanKind) -> None:
    items = {str(item.id): item for item in plan.items}
    for row in form.items:
        item = items.get(row.form.item_id.data)
        if item is None:
            continue
        if row.form.remove.data:
            composing.remove_item(plan, item)
            continue
        if row.form.beneficiary_group.data in item.beneficiary_groups:
            item.beneficiary_group = row.form.beneficiary_group.data
        if kind.applies("quantities"):
            item.quantity = composing.quantity_for(item.price, row.form.quantity.data, row.form.budget.data)
    service_id = request.form.get("add_service", type=int)
    if service_id:
        service = db_session().get(CatalogService, service_id)
        if service is None or service.withdrawn_at is not None:
            abort(404)
        groups = [group.value for group in kind.value(plan).beneficiary_groups]
        composing.add_service(plan, service, composing.default_group(service, groups))


def _basket_context(plan: Plan, form: FlaskForm, domain: WelfarePlan) -> dict:
    need = request.args.get("need")
    candidates = basket_candidates(
        db_session(),
        territory_places(plan),
        [group.value for group in domain.beneficiary_groups] or [g.value for g in BeneficiaryGroup],
        [need] if need else list(plan.needs),
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
def _governance_form(plan: Plan, kind: PlanKind) -> FlaskForm:
    return GovernanceForm(
        data={
            "steering_committee": plan.steering_committee,
            "new_hires_rule": plan.new_hires_rule,
            "unused_credit_rule": plan.unused_credit_rule,
            "claims_deadline_days": plan.claims_deadline_days,
            "usage_notes": plan.usage_notes,
            "partners": [
                {
                    "row_id": str(p.id),
                    "name": p.name,
                    "kind": p.kind,
                    "role": p.role,
                    "signatory": p.signatory,
                }
                for p in plan.partners
            ]
            or [{"name": "", "kind": "union", "role": "", "signatory": False}],
        }
    )


def _governance_apply(plan: Plan, form: FlaskForm, kind: PlanKind) -> None:
    plan.steering_committee = form.steering_committee.data or ""
    plan.new_hires_rule = form.new_hires_rule.data
    plan.unused_credit_rule = form.unused_credit_rule.data
    plan.claims_deadline_days = form.claims_deadline_days.data
    plan.usage_notes = form.usage_notes.data or ""
    composing.set_partners(
        plan,
        (
            (row_id(row.form.row_id.data),
             Partner(_strip(row.form.name.data), PartnerKind(row.form.kind.data), row.form.role.data or "",
                     row.form.signatory.data))
            for row in form.partners
            if _strip(row.form.name.data)
        ),
    )  # fmt: skip


def default_steps() -> list[WizardStep]:
    """The five steps every plan goes through, before the review."""
    return [
        WizardStep("basics", _l("Basics"), _basics_form, _basics_apply, labels={
            "title": _l("Title"), "fiscal_year": _l("Fiscal year"), "period_start": _l("Starts on"),
            "period_end": _l("Ends on"), "legal_basis": _l("Legal basis"),
            "agreement_reference": _l("Agreement or regulation referred to"), "objectives": _l("Objectives"),
            "needs": _l("Needs the plan answers"), "territory": _l("Territory served"),
        }),
        WizardStep("beneficiaries", _l("Beneficiaries"), _beneficiaries_form, _beneficiaries_apply, rows="categories",
                   labels={
            "categories": _l("Worker categories"), "family_count": _l("How many family members"),
            "former_count": _l("How many former employees"), "citizens_count": _l("How many citizens"),
            "open_to_member_employees": _l("Open to the employees of every member firm"),
        }),
        WizardStep("budget", _l("Budget and funding"), _budget_form, _budget_apply, context=_budget_context,
                   rows="funding", labels={"credits": _l("Welfare credit per worker"), "funding": _l("Funding sources")}),
        WizardStep("basket", _l("Basket of services"), _basket_form, _basket_apply, context=_basket_context,
                   labels={"items": _l("Basket of services")}),
        WizardStep("governance", _l("Governance"), _governance_form, _governance_apply, rows="partners", labels={
            "partners": _l("Partners and signatories"), "steering_committee": _l("Steering committee"),
            "new_hires_rule": _l("Workers hired during the period get"),
            "unused_credit_rule": _l("Credit not used by the end of the period"),
            "claims_deadline_days": _l("Days to ask for a reimbursement after the expense"),
            "usage_notes": _l("How to use the benefits"),
        }),
    ]  # fmt: skip
