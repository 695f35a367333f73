"""Platform administration: firms and their members, users, invitations, installed plugins."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Email, Length

from .. import accounts
from ..accounts import HR_MANAGER, VIEWER
from ..db import db_session
from ..models import Firm, Membership, User
from ..plugins import get_plugins
from .fields import options
from .firms import apply_firm_form, firm_form
from .security import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
ROLE_CHOICES = [(HR_MANAGER, _l("HR manager (edits the firm's plans)")), (VIEWER, _l("Viewer (reads them)"))]


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    role = SelectField(_l("Role"), choices=options(ROLE_CHOICES))


class AdminInviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )


class MemberForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options([*ROLE_CHOICES, ("remove", _l("Remove from the firm"))]))


@bp.before_request
@admin_required
def only_administrators():
    """Every page here is for platform administrators (the decorator answers 403 to anyone else)."""


def _invite(form, **grant) -> str:
    """Create the invitation and return its link, shown once to the administrator to send on."""
    token = accounts.invite(db_session(), email=form.email.data, invited_by=current_user, **grant)
    flash(
        _(
            "Invitation created: send this link to %(email)s. It works once, for 7 days.",
            email=form.email.data,
        ),
        "success",
    )
    return url_for("auth.accept", token=token, _external=True)


@bp.get("/plugins")
def plugins():
    return render_template("admin/plugins.html", plugins=get_plugins(current_app).list())


@bp.get("/plugins.json")
def plugins_json():
    return jsonify([record.to_dict(gettext) for record in get_plugins(current_app).list()])


@bp.get("/firms")
def firms():
    rows = db_session().scalars(select(Firm).options(selectinload(Firm.categories)).order_by(Firm.legal_name))
    return render_template("admin/firms.html", firms=list(rows))


@bp.route("/firms/new", methods=["GET", "POST"])
def new_firm():
    from datetime import UTC, datetime

    firm = Firm(legal_name="", vat_number="", created_at=datetime.now(UTC).replace(tzinfo=None))
    form = firm_form(firm, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        if db_session().scalar(select(Firm.id).where(Firm.vat_number == form.vat_number.data)) is not None:
            form.vat_number.errors.append(_("A firm with this VAT number already exists."))
        else:
            apply_firm_form(firm, form)
            db_session().add(firm)
            db_session().commit()
            flash(_("Firm created. Invite its HR manager."), "success")
            return redirect(url_for("admin.firm", firm_id=firm.id))
    return render_template("admin/firm_new.html", form=form)


@bp.route("/firms/<int:firm_id>", methods=["GET", "POST"])
def firm(firm_id: int):
    firm = db_session().get(Firm, firm_id)
    if firm is None:
        abort(404)
    form = InviteForm()
    link = _invite(form, firm_id=firm.id, role=form.role.data) if form.validate_on_submit() else None
    members = db_session().scalars(
        select(Membership).where(Membership.firm_id == firm.id).options(selectinload(Membership.user))
    )
    return render_template(
        "admin/firm.html", firm=firm, form=form, link=link, members=list(members), member_form=MemberForm()
    )


@bp.post("/firms/<int:firm_id>/members/<int:membership_id>")
def member(firm_id: int, membership_id: int):
    membership = db_session().get(Membership, membership_id)
    if membership is None or membership.firm_id != firm_id:
        abort(404)
    form = MemberForm()
    if form.validate_on_submit():
        if form.role.data == "remove":
            db_session().delete(membership)
        else:
            membership.role = form.role.data
        db_session().commit()
        flash(_("Member updated."), "success")
    return redirect(url_for("admin.firm", firm_id=firm_id))


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = AdminInviteForm()
    link = _invite(form, admin=True) if form.validate_on_submit() else None
    rows = db_session().scalars(
        select(User)
        .options(selectinload(User.memberships).selectinload(Membership.firm))
        .order_by(User.email)
    )
    return render_template("admin/users.html", users=list(rows), form=form, link=link)
