"""A member firm's part of a joint plan (its categories, credit, funding and choices), its annex, the
pooled demand of the members and the rendering of every annex: the ``parts`` blueprint, under ``/plans``."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import documents, jobs, networks
from .. import plans as plan_service
from ..catalog import services_by_need_area
from ..db import db_session
from ..domain.network import demand_by_need_area, pooled_demand
from ..domain.plan import CategoryBudget, InvalidValue
from ..domain.territory import gazetteer
from ..i18n import current_language, document_language
from ..plugins import get_plugins
from .access import part_for, plan_for
from .changes import change_label
from .fields import flag_stored_values
from .labels import message_text, need_areas
from .network_forms import PartForm
from .plan_forms import ActionForm
from .wizard_steps import funding_rows

bp = Blueprint("parts", __name__, url_prefix="/plans")


def _checked_action() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


# -- a member's part of a joint plan -------------------------------------------------------------------------
def _part_form(plan, part, firm):
    """The part's form; a part not started yet begins with the firm's worker categories."""
    categories = part.categories if part else firm.categories
    choices = {choice.service_code: choice for choice in part.choices} if part else {}
    return PartForm(
        data={
            "categories": [
                {"name": c.name, "headcount": c.headcount, "included": getattr(c, "included", True),
                 "credit_per_worker": getattr(c, "credit_per_worker", None)}
                for c in categories
            ] or [{"name": "", "headcount": 0, "included": True}],
            "funding": [{"kind": f.kind, "amount": f.amount, "note": f.note} for f in (part.funding if part else [])]
            or [{"kind": "employer", "amount": None, "note": ""}],
            "choices": [
                {"service_code": item.service_code,
                 "opted_in": bool(choices.get(item.service_code) and choices[item.service_code].opted_in),
                 "people": choices[item.service_code].people if item.service_code in choices else None,
                 "quantity": choices[item.service_code].quantity if item.service_code in choices else None}
                for item in plan.items
            ],
        }
    )  # fmt: skip


def _part_values(form) -> dict:
    """What the part's form says, as :func:`networks.save_part` takes it."""
    return {
        "categories": [
            CategoryBudget(row.name.data.strip(), row.headcount.data or 0, row.included.data,
                           row.credit_per_worker.data or Decimal("0"))
            for row in (entry.form for entry in form.categories)
            if row.name.data and row.name.data.strip()
        ],
        "funding": funding_rows(form.funding),
        "choices": {
            row.form.service_code.data: networks.PartChoiceInput(
                row.form.opted_in.data, row.form.people.data or 0, row.form.quantity.data or Decimal("0"))
            for row in form.choices
        },
    }  # fmt: skip


@bp.route("/<int:plan_id>/parts/<int:firm_id>", methods=["GET", "POST"])
def part(plan_id: int, firm_id: int):
    plan, firm, part = part_for(plan_id, firm_id, write=request.method == "POST")
    editable = networks.can_edit_part(current_user, plan, firm.id)
    form = _part_form(plan, part, firm) if request.method == "GET" else PartForm()
    conflict = None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                return _save_part(plan, firm, part, form)
            except networks.PartConflict as stale:
                db_session().rollback()
                if stale.final:
                    flash(_("This plan is final: start a new version to change it."), "warning")
                    return redirect(url_for("parts.part", plan_id=plan.id, firm_id=firm.id))
                part = networks.part_of(plan, firm.id)
                conflict = {
                    "changes": plan_service.changes_since(
                        db_session(), plan, stale.revision, f"part:{firm.id}"
                    ),
                    "label": change_label,
                }
            except InvalidValue as refused:
                db_session().rollback()
                flash(message_text(refused.message, refused.params), "danger")
        else:
            flash(_("Nothing was saved: correct the fields marked below."), "danger")
    else:
        flag_stored_values(form)  # values stored before the checks existed show as errors at their fields
        rows = {"categories": form.categories, "funding": form.funding}.get(request.args.get("rows"))
        if rows is not None and rows.can_add_row():
            rows.append_entry()
    items = {item.service_code: item for item in plan.items}
    member = plan_service.annex(plan, part, firm)
    problems = []
    if part is not None:
        problems = plan_service.check_plan(get_plugins(current_app), plan_service.member_value(plan, member))
    page = render_template(
        "networks/part.html",
        plan=plan,
        firm=firm,
        part=part,
        form=form,
        editable=editable,
        annex=member,
        choice_rows=[(items.get(row.form.service_code.data), row) for row in form.choices],
        problems=problems,
        conflict=conflict,
    )
    return (page, 409) if conflict else page


def _save_part(plan, firm, part, form):
    """Save the part at the revision its form was built at, record what changed, commit."""
    session = db_session()
    before = plan_service.part_snapshot(part)
    part = networks.save_part(session, plan, firm, current_user, revision=request.form.get("revision", type=int),
                              **_part_values(form))  # fmt: skip
    session.flush()
    plan_service.record_change(session, plan, current_user, f"part:{firm.id}", before,
                               after=plan_service.part_snapshot(part), revision=part.revision)  # fmt: skip
    session.commit()
    if "add_row" in request.form:
        return redirect(
            url_for("parts.part", plan_id=plan.id, firm_id=firm.id, rows=request.form["add_row"]) + "#rows"
        )
    flash(_("Your part is saved. The network's totals include it."), "success")
    return redirect(url_for("parts.part", plan_id=plan.id, firm_id=firm.id))


@bp.get("/<int:plan_id>/parts/<int:firm_id>/annex.pdf")
@document_language
def annex(plan_id: int, firm_id: int):
    """One member firm's annex; none for a firm whose part the plan does not count (not started yet, or
    of a firm that left a draft)."""
    plan, firm, part = part_for(plan_id, firm_id)
    language = request.args.get("lang", current_language())
    if language not in documents.LANGUAGES:
        abort(404)
    domain = plan_service.to_domain(plan)
    if not any(annex.vat_number == firm.vat_number and annex.started for annex in domain.annexes):
        abort(404)
    path = documents.cached_annex(current_app._get_current_object(), domain, firm.vat_number, language)
    return send_file(path, mimetype="application/pdf", as_attachment=request.args.get("download") == "1",
                     download_name=documents.annex_filename(domain, firm.legal_name, language))  # fmt: skip


@bp.get("/<int:plan_id>/demand")
def demand(plan_id: int):
    """What the member firms together expect of each service and need area, to negotiate with providers."""
    plan = plan_for(plan_id)
    if not plan_service.kind_of(plan).has_member_parts:
        abort(404)
    domain = plan_service.to_domain(plan)
    services = pooled_demand(domain.basket, domain.annexes)
    places = gazetteer()
    territory = [p for p in (
        [places.municipality(code) for code in plan.territory_municipalities]
        + [places.province(code) for code in plan.territory_provinces]
    ) if p is not None]  # fmt: skip
    available = services_by_need_area(db_session(), territory)
    return render_template(
        "networks/demand.html",
        plan=plan,
        domain=domain,
        services=services,
        areas=demand_by_need_area(services, domain.annexes),
        unchosen=[row for row in services if row.firms == 0],
        uncovered=[area for area in need_areas() if not available.get(area.code)],
        members=len(domain.annexes),
    )


@bp.post("/<int:plan_id>/annexes")
def prepare_annexes(plan_id: int):
    """Render the joint document and every member's annex in the background, in both languages."""
    plan = plan_for(plan_id)
    kind = plan_service.kind_of(plan)
    if not kind.has_member_parts or not kind.sees_everything(current_user, plan):
        abort(404)
    _checked_action()
    job = jobs.submit(current_app._get_current_object(), "render_annexes", {"plan_id": plan.id, "languages": ["it", "en"]},
                      user_id=current_user.id, **kind.owner_scope(plan))  # fmt: skip
    return redirect(url_for("jobs.show", job_id=job.id))
