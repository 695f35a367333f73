"""Networks of firms: creating one, inviting firms, answering, leaving, the sharing policy, joint plans.
Each member firm's part, the pooled demand and the annexes are in :mod:`.parts`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import networks
from .. import plans as plan_service
from ..db import db_session
from ..models import Firm
from . import parts
from .access import firm_for, network_for
from .labels import message_text
from .network_forms import InviteFirmForm, NetworkForm
from .plan_forms import ActionForm, NewPlanForm, split_places, territory_text

bp = Blueprint("networks", __name__, url_prefix="/networks")
parts_bp = parts.bp  # a member's part of a joint plan: see .parts


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
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = NetworkForm()
    if form.validate_on_submit():
        network = networks.create_network(db_session(), current_user, **_described(form))
        db_session().commit()
        flash(_("Network created. Now invite its member firms."), "success")
        return redirect(url_for("networks.show", network_id=network.id))
    return render_template("networks/form.html", form=form, network=None)


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
    network = network_for(network_id, write=True)
    form = InviteFirmForm()
    if not form.validate_on_submit():
        flash(_("Nothing was saved: correct the fields marked below."), "danger")
        return _show(network, form)
    firm = db_session().scalar(select(Firm).where(Firm.vat_number == form.vat_number.data))
    if firm is None:
        form.vat_number.errors = [
            _(
                "No firm with this VAT number is registered on the platform: ask an administrator to register it."
            )
        ]
        return _show(network, form)
    try:
        networks.invite(db_session(), network, firm, current_user)
    except networks.NetworkError as error:
        _flash_error(error)
        return redirect(url_for("networks.show", network_id=network.id))
    db_session().commit()
    flash(_("%(firm)s is invited. Its HR managers will find the invitation under Networks.", firm=firm.legal_name),
          "success")  # fmt: skip
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
