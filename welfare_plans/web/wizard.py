"""The plan wizard: steps a user moves between freely, each saving a draft, then the review.

Every step saves what is valid and re-shows the form with the user's input and the errors next to the
fields when something is not; the checks of ``validate_plan`` are shown next to the fields they concern.
A form carries the plan's revision it was built at: a save after someone else's gets a conflict page with
the person's input kept and what changed meanwhile, never silently overwrites it. The steps themselves are
declared in :mod:`.wizard_steps`.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import plans as plan_service
from ..db import db_session
from ..domain.plan import InvalidValue
from ..plugins import get_plugins
from .access import plan_for
from .changes import change_label
from .fields import flag_stored_values
from .labels import message_text
from .plan_forms import ActionForm
from .wizard_steps import wizard_steps

bp = Blueprint("wizard", __name__, url_prefix="/plans")


def step_of(field: str | None) -> str:
    """The step where a problem's field is fixed (``items.<code>`` belongs to the basket)."""
    return wizard_steps().step_of(field)


def problems_of(domain):
    """What every validate_plan implementation finds in the plan (given as its domain value)."""
    return plan_service.check_plan(get_plugins(current_app), domain)


def visible_problems(plan, domain):
    """A joint plan's problems name member firms: only those who see everything the plan names see them."""
    if not plan_service.kind_of(plan).sees_everything(current_user, plan):
        return []
    return problems_of(domain)


def _destination(plan, step: str):
    steps = wizard_steps()
    target = request.form.get("goto") or steps.after(step)
    if steps.get(target) is None and target != "review":
        target = step
    if target == "review":
        return redirect(url_for("wizard.review", plan_id=plan.id))
    return redirect(url_for("wizard.step", plan_id=plan.id, step=target))


@bp.route("/<int:plan_id>/steps/<step>", methods=["GET", "POST"])
def step(plan_id: int, step: str):
    steps = wizard_steps()
    declared = steps.get(step)
    if declared is None:
        abort(404)
    plan = plan_for(plan_id, write=request.method == "POST")
    kind = plan_service.kind_of(plan)
    if request.method == "POST" and not plan.editable:
        flash(_("This plan is final: start a new version to change it."), "warning")
        return redirect(url_for("plans.overview", plan_id=plan.id))
    form = declared.form(plan, kind)
    conflict = None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                return _save(plan, kind, declared, form)
            except plan_service.EditConflict as stale:
                db_session().rollback()
                if stale.final:
                    flash(_("This plan is final: start a new version to change it."), "warning")
                    return redirect(url_for("plans.overview", plan_id=plan.id))
                conflict = _conflict(plan, stale)
            except InvalidValue as refused:
                db_session().rollback()
                flash(message_text(refused.message, refused.params), "danger")
        else:
            flash(_("Nothing was saved: correct the fields marked below."), "danger")
    else:
        flag_stored_values(form)  # values stored before the checks existed show as errors at their fields
        rows = getattr(form, declared.rows) if declared.rows else None
        if request.args.get("rows") and rows is not None and getattr(rows, "can_add_row", lambda: True)():
            rows.append_entry()
    domain = kind.value(plan)  # once per request: the checks and the step's context share it
    problems = [p for p in visible_problems(plan, domain) if step_of(p.field) == step]
    context = declared.context(plan, form, domain) if declared.context else {}
    page = render_template(
        declared.template_name,
        plan=plan,
        kind=kind,
        form=form,
        step=step,
        steps=steps.titles,
        problems=problems,
        conflict=conflict,
        revision=conflict["revision"] if conflict else plan.revision,
        **context,
    )
    return (page, 409) if conflict else page


def _save(plan, kind, declared, form):
    """Take the plan at the revision the form was built from, apply the step's input, record it, commit."""
    session = db_session()
    plan_service.claim_draft(session, plan, request.form.get("revision", type=int))
    before = plan_service.snapshot(plan)
    declared.apply(plan, form, kind)
    plan_service.record_change(session, plan, current_user, f"step:{declared.name}", before)
    session.commit()
    step = declared.name
    if "add_row" in request.form:
        return redirect(url_for("wizard.step", plan_id=plan.id, step=step, rows=1) + "#rows")
    if "add_service" in request.form:
        return redirect(
            url_for("wizard.step", plan_id=plan.id, step=step, need=request.args.get("need", "")) + "#basket"
        )
    domain = kind.value(plan)
    problems = [p for p in problems_of(domain) if step_of(p.field) == step and p.severity == "error"]
    if problems and not request.form.get("goto"):
        flash(_("Draft saved. Some things in this step still need fixing."), "warning")
        return redirect(url_for("wizard.step", plan_id=plan.id, step=step))
    flash(_("Draft saved."), "success")
    return _destination(plan, step)


def _conflict(plan, stale: plan_service.EditConflict) -> dict:
    """What the conflict page shows: the changes saved since the form's revision, and the revision a new
    save of the person's input (kept in the form) goes over."""
    session = db_session()
    session.refresh(plan)
    return {
        "changes": plan_service.changes_since(session, plan, stale.revision),
        "revision": plan.revision,
        "label": change_label,
    }


@bp.get("/<int:plan_id>/review")
def review(plan_id: int):
    plan = plan_for(plan_id)
    kind = plan_service.kind_of(plan)
    domain = kind.value(plan)
    problems = problems_of(domain)
    return render_template(
        "wizard/review.html",
        show_problems=kind.sees_everything(current_user, plan),
        plan=plan,
        kind=kind,
        domain=domain,
        problems=problems,
        steps=wizard_steps().titles,
        step="review",
        step_of=step_of,
        action_form=ActionForm(),
        blocking=plan_service.blocking(problems),
    )
