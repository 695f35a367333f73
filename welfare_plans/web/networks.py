"""Networks of firms: creating one, inviting firms, answering, leaving, the sharing policy, joint plans,
each member firm's part, the pooled demand and the annexes."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import audit, documents, jobs, networks
from .. import plans as plan_service
from ..catalog import services_by_need_area
from ..db import db_session
from ..domain.network import demand_by_need_area, pooled_demand
from ..domain.plan import CategoryBudget
from ..domain.territory import gazetteer
from ..i18n import current_language
from ..models import Firm
from ..plugins import get_plugins
from .access import firm_for, network_for, part_for, plan_for
from .labels import message_text, need_areas
from .network_forms import InviteFirmForm, NetworkForm, PartForm
from .plan_forms import ActionForm, NewPlanForm, split_places, territory_text
from .wizard_steps import funding_rows

bp = Blueprint("networks", __name__, url_prefix="/networks")
parts_bp = Blueprint("parts", __name__, url_prefix="/plans")


def _flash_error(error: networks.NetworkError) -> None:
    flash(message_text(error.message, error.params), "danger")


def _checked_action() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


# -- networks ----------------------------------------------------------------------------------------------
@bp.get("/")
def index():
    session = db_session()
    mine = networks.visible_networks(session, current_user)
    return render_template(
        "networks/index.html",
        networks=[(network, networks.network_role(current_user, network)) for network in mine],
        invitations=networks.pending_invitations(current_user, mine),
        action_form=ActionForm(),
        may_create=may_create_network(),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not may_create_network():
        abort(403)
    form = NetworkForm()
    if form.validate_on_submit():
        network = networks.create_network(db_session(), current_user, **_described(form))
        db_session().commit()
        flash(_("Network created. Now invite its member firms."), "success")
        return redirect(url_for("networks.show", network_id=network.id))
    return render_template("networks/form.html", form=form, network=None)


def may_create_network() -> bool:
    """An HR manager of a firm, or an administrator: a viewer speaks for no firm."""
    return current_user.is_platform_admin or bool(networks.managed_firm_ids(current_user))


def _described(form: NetworkForm) -> dict:
    """What a network form says of the network, as :func:`networks.describe_network` takes it."""
    municipalities, provinces = split_places(form.territory.places)
    return {"name": form.name.data, "kind": form.kind.data, "coordinating_body": form.coordinating_body.data,
            "description": form.description.data or "", "municipalities": municipalities, "provinces": provinces}  # fmt: skip


@bp.get("/<int:network_id>")
def show(network_id: int):
    return _show(network_for(network_id, invited=True), InviteFirmForm())


def _show(network, invite_form):
    role = networks.network_role(current_user, network)
    plans = networks.network_plans(db_session(), [network]) if role != "invited" else []
    my_firms = networks.managed_firm_ids(current_user)
    return render_template(
        "networks/show.html",
        network=network,
        role=role,
        plans=plans,
        my_firms=my_firms,
        members=networks.visible_members(current_user, network),
        invite_form=invite_form,
        action_form=ActionForm(),
        territory=territory_text(network.territory_municipalities, network.territory_provinces).replace(
            "\n", ", "
        ),
    )


@bp.route("/<int:network_id>/edit", methods=["GET", "POST"])
def edit(network_id: int):
    network = network_for(network_id, write=request.method == "POST")
    if not networks.is_coordinator(current_user, network):
        abort(403)
    form = NetworkForm(
        data={
            "name": network.name,
            "kind": network.kind,
            "coordinating_body": network.coordinating_body,
            "description": network.description,
            "territory": territory_text(network.territory_municipalities, network.territory_provinces),
        }
    )
    if form.validate_on_submit():
        networks.describe_network(network, **_described(form))
        db_session().commit()
        flash(_("Network saved."), "success")
        return redirect(url_for("networks.show", network_id=network.id))
    return render_template("networks/form.html", form=form, network=network)


@bp.post("/<int:network_id>/invite")
def invite(network_id: int):
    """Invite a firm by VAT number. The answer is the same whether a firm with that number is registered,
    already invited or not there at all: an invitation tells nobody which firms use the platform."""
    network = network_for(network_id, write=True)
    form = InviteFirmForm()
    if not form.validate_on_submit():
        flash(_("Nothing was saved: correct the fields marked below."), "danger")
        return _show(network, form)
    firm = db_session().scalar(select(Firm).where(Firm.vat_number == form.vat_number.data))
    member = networks.membership(network, firm.id) if firm is not None else None
    if firm is not None and (member is None or member.status not in ("invited", "active")):
        networks.invite(db_session(), network, firm, current_user)
        db_session().commit()
    flash(_("If a firm with VAT number %(vat)s is registered, it is invited: its HR managers will find the "
            "invitation under Networks. If it is not registered, ask an administrator to register it.",
            vat=form.vat_number.data), "success")  # fmt: skip
    return redirect(url_for("networks.show", network_id=network.id))


def _member_action(network_id: int, firm_id: int):
    """The firm's HR manager acting for the firm in a network it belongs or is invited to."""
    firm = firm_for(firm_id, write=True)
    network = network_for(network_id, invited=True)
    if networks.membership(network, firm.id) is None:
        abort(404)
    _checked_action()
    return network, firm


@bp.post("/<int:network_id>/members/<int:firm_id>/respond")
def respond(network_id: int, firm_id: int):
    network, firm = _member_action(network_id, firm_id)
    accept = request.form.get("answer") == "accept"
    try:
        networks.respond(db_session(), network, firm.id, current_user, accept=accept)
    except networks.NetworkError as error:
        _flash_error(error)
        return redirect(url_for("networks.index"))
    db_session().commit()
    if accept:
        flash(
            _("%(firm)s is now a member of %(network)s.", firm=firm.legal_name, network=network.name),
            "success",
        )
        return redirect(url_for("networks.show", network_id=network.id))
    flash(_("Invitation declined."), "info")
    return redirect(url_for("networks.index"))


@bp.post("/<int:network_id>/members/<int:firm_id>/leave")
def leave(network_id: int, firm_id: int):
    network, firm = _member_action(network_id, firm_id)
    try:
        networks.leave(db_session(), network, firm.id, current_user)
    except networks.NetworkError as error:
        _flash_error(error)
        return redirect(url_for("networks.show", network_id=network.id))
    db_session().commit()
    flash(_("%(firm)s has left %(network)s. Its parts of final plans stay on record.",
            firm=firm.legal_name, network=network.name), "info")  # fmt: skip
    return redirect(url_for("networks.index"))


@bp.post("/<int:network_id>/members/<int:firm_id>/sharing")
def agree(network_id: int, firm_id: int):
    network, firm = _member_action(network_id, firm_id)
    try:
        networks.set_agreement(network, firm.id, request.form.get("agree") == "1")
    except networks.NetworkError as error:
        _flash_error(error)
        return redirect(url_for("networks.show", network_id=network.id))
    db_session().commit()
    flash(_("Your answer on sharing the parts is saved."), "success")
    return redirect(url_for("networks.show", network_id=network.id) + "#sharing")


@bp.post("/<int:network_id>/sharing")
def sharing(network_id: int):
    network = network_for(network_id, write=True)
    _checked_action()
    networks.set_sharing_proposal(network, request.form.get("propose") == "1")
    db_session().commit()
    flash(_("Sharing policy saved."), "success")
    return redirect(url_for("networks.show", network_id=network.id) + "#sharing")


@bp.route("/<int:network_id>/plans/new", methods=["GET", "POST"])
def new_plan(network_id: int):
    network = network_for(network_id, write=True)
    form = NewPlanForm()
    if form.validate_on_submit():
        plan = plan_service.create_joint_plan(
            db_session(), network, current_user, form.title.data.strip(), form.fiscal_year.data
        )
        db_session().commit()
        flash(
            _("Joint plan created. Compose the shared parts; each member firm then fills in its own."),
            "success",
        )
        return redirect(url_for("wizard.step", plan_id=plan.id, step="basics"))
    return render_template(
        "plans/new.html",
        form=form,
        heading=_("New joint plan for %(network)s", network=network.name),
        help=_("You compose the shared parts: basics, the shared basket, governance and partners. "
               "Each member firm then fills in its own part."),
    )  # fmt: skip


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


@parts_bp.route("/<int:plan_id>/parts/<int:firm_id>", methods=["GET", "POST"])
def part(plan_id: int, firm_id: int):
    plan, firm, part = part_for(plan_id, firm_id, write=request.method == "POST")
    editable = networks.can_edit_part(current_user, plan, firm.id)
    form = _part_form(plan, part, firm) if request.method == "GET" else PartForm()
    if request.method == "POST":
        if form.validate_on_submit():
            part = networks.save_part(db_session(), plan, firm, current_user, **_part_values(form))
            plan_service.record_change(db_session(), plan, current_user, f"part:{firm.id}", {})
            db_session().commit()
            if "add_row" in request.form:
                return redirect(
                    url_for("parts.part", plan_id=plan.id, firm_id=firm.id, rows=request.form["add_row"])
                    + "#rows"
                )
            flash(_("Your part is saved. The network's totals include it."), "success")
            return redirect(url_for("parts.part", plan_id=plan.id, firm_id=firm.id))
        flash(_("Nothing was saved: correct the fields marked below."), "danger")
    elif request.args.get("rows") == "categories":
        form.categories.append_entry()
    elif request.args.get("rows") == "funding":
        form.funding.append_entry()
    items = {item.service_code: item for item in plan.items}
    member = plan_service.annex(plan, part, firm)
    problems = []
    if part is not None:
        problems = plan_service.check_plan(get_plugins(current_app), plan_service.member_value(plan, member))
    return render_template(
        "networks/part.html",
        plan=plan,
        firm=firm,
        part=part,
        form=form,
        editable=editable,
        annex=member,
        choice_rows=[(items.get(row.form.service_code.data), row) for row in form.choices],
        problems=problems,
    )


@parts_bp.get("/<int:plan_id>/parts/<int:firm_id>/annex.pdf")
def annex(plan_id: int, firm_id: int):
    plan, firm, part = part_for(plan_id, firm_id)
    language = request.args.get("lang", current_language())
    if language not in documents.LANGUAGES:
        abort(404)
    domain = plan_service.to_domain(plan)
    path = documents.cached_annex(current_app._get_current_object(), domain, firm.vat_number, language)
    audit.record_download(
        db_session(),
        current_user,
        plan,
        documents.annex_filename(domain, firm.legal_name, language),
        request.remote_addr,
        firm_id=firm.id,
    )
    return send_file(path, mimetype="application/pdf", as_attachment=request.args.get("download") == "1",
                     download_name=documents.annex_filename(domain, firm.legal_name, language))  # fmt: skip


@parts_bp.get("/<int:plan_id>/demand")
def demand(plan_id: int):
    """What the member firms together expect of each service and need area, to negotiate with providers."""
    plan = plan_for(plan_id)
    if not plan_service.kind_of(plan).has_member_parts:
        abort(404)
    # added up in the database: the page costs the same for ten member firms or five hundred
    services = pooled_demand(plan_service.shared_value(plan).basket, networks.counted_offers(plan))
    places = gazetteer()
    territory = [p for p in (
        [places.municipality(code) for code in plan.territory_municipalities]
        + [places.province(code) for code in plan.territory_provinces]
    ) if p is not None]  # fmt: skip
    available = services_by_need_area(db_session(), territory)
    return render_template(
        "networks/demand.html",
        plan=plan,
        services=services,
        areas=demand_by_need_area(services, networks.offering_firms_by_need_area(plan)),
        unchosen=[row for row in services if row.firms == 0],
        uncovered=[area for area in need_areas() if not available.get(area.code)],
        members=networks.counted_part_count(plan),
    )


@parts_bp.post("/<int:plan_id>/annexes")
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
