"""Platform administration: firms and their members, users, invitations, installed plugins."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from .. import accounts, audit
from ..accounts import HR_MANAGER, VIEWER
from ..clock import now
from ..db import db_session
from ..models import Firm, Membership, User
from ..plugins import get_plugins
from .fields import options, validate_vat
from .firms import apply_firm_form, firm_form, firm_members, remove_member, revoke_and_say
from .plan_forms import ActionForm
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


class IdentityForm(FlaskForm):
    """Which firm this is: its legal name and VAT number, changed by administrators only."""

    legal_name = StringField(_l("Legal name"), validators=[DataRequired(), Length(max=200)])
    vat_number = StringField(_l("VAT number"), validators=[DataRequired(), validate_vat])


class MemberForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options([*ROLE_CHOICES, ("remove", _l("Remove from the firm"))]))


@bp.before_request
@admin_required
def only_administrators():
    """Every page here is for platform administrators (the decorator answers 403 to anyone else)."""


def _invite(form, **grant) -> str:
    """Create the invitation and return its link, shown once to the administrator to send on."""
    token = accounts.invite(db_session(), email=form.email.data, invited_by=current_user, **grant)
    role = grant.get("role") or (audit.PLATFORM_ADMIN if grant.get("admin") else None)
    audit.record(db_session(), audit.INVITATION_CREATED, actor=current_user, firm_id=grant.get("firm_id"),
                 subject=form.email.data.strip().lower(), role=role, remote_addr=request.remote_addr)  # fmt: skip
    db_session().commit()
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


def _vat_taken(vat_number: str, firm_id: int | None = None) -> bool:
    query = select(Firm.id).where(Firm.vat_number == vat_number)
    if firm_id is not None:
        query = query.where(Firm.id != firm_id)
    return db_session().scalar(query) is not None


def _commit_unique_vat(field) -> bool:
    """Commit; a VAT number registered meanwhile by another request answers at the field, not as a 500."""
    try:
        db_session().commit()
    except IntegrityError:
        db_session().rollback()
        field.errors.append(_("A firm with this VAT number already exists."))
        return False
    return True


@bp.route("/firms/new", methods=["GET", "POST"])
def new_firm():
    firm = Firm(legal_name="", vat_number="", created_at=now())
    form = firm_form(firm, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        if _vat_taken(form.vat_number.data):
            form.vat_number.errors.append(_("A firm with this VAT number already exists."))
        else:
            apply_firm_form(firm, form)
            db_session().add(firm)
            if _commit_unique_vat(form.vat_number):
                flash(_("Firm created. Invite its HR manager."), "success")
                return redirect(url_for("admin.firm", firm_id=firm.id))
    return render_template("admin/firm_new.html", form=form)


def _firm_or_404(firm_id: int) -> Firm:
    firm = db_session().get(Firm, firm_id)
    if firm is None:
        abort(404)
    return firm


def _firm_page(firm: Firm, *, form=None, identity_form=None, link=None, status: int = 200):
    identity = identity_form or IdentityForm(
        data={"legal_name": firm.legal_name, "vat_number": firm.vat_number}
    )
    page = render_template(
        "admin/firm.html", firm=firm, form=form or InviteForm(), link=link, members=firm_members(firm.id),
        invitations=accounts.open_invitations(db_session(), firm.id), member_form=MemberForm(),
        identity_form=identity, action_form=ActionForm(),
    )  # fmt: skip
    return page, status


@bp.route("/firms/<int:firm_id>", methods=["GET", "POST"])
def firm(firm_id: int):
    firm = _firm_or_404(firm_id)
    form = InviteForm()
    link = _invite(form, firm_id=firm.id, role=form.role.data) if form.validate_on_submit() else None
    return _firm_page(firm, form=form, link=link)


@bp.post("/firms/<int:firm_id>/identity")
def identity(firm_id: int):
    """Change the firm's legal name or VAT number: a number another firm has answers at the field."""
    firm = _firm_or_404(firm_id)
    form = IdentityForm()
    if not form.validate_on_submit():
        return _firm_page(firm, identity_form=form, status=400)
    if _vat_taken(form.vat_number.data, firm.id):
        form.vat_number.errors.append(_("A firm with this VAT number already exists."))
        return _firm_page(firm, identity_form=form, status=409)
    before = f"{firm.legal_name} ({firm.vat_number})"
    firm.legal_name, firm.vat_number = form.legal_name.data.strip(), form.vat_number.data
    audit.record(db_session(), audit.FIRM_IDENTITY_CHANGED, actor=current_user, firm_id=firm.id,
                 subject=f"{before} → {firm.legal_name} ({firm.vat_number})", remote_addr=request.remote_addr)  # fmt: skip
    if not _commit_unique_vat(form.vat_number):
        return _firm_page(_firm_or_404(firm_id), identity_form=form, status=409)
    flash(_("The firm's legal name and VAT number are saved."), "success")
    return redirect(url_for("admin.firm", firm_id=firm.id))


@bp.post("/firms/<int:firm_id>/members/<int:membership_id>")
def member(firm_id: int, membership_id: int):
    membership = db_session().get(Membership, membership_id)
    if membership is None or membership.firm_id != firm_id:
        abort(404)
    form = MemberForm()
    if form.validate_on_submit():
        if form.role.data == "remove":
            remove_member(firm_id, membership_id)
        else:
            membership.role = form.role.data
            audit.record(db_session(), audit.ROLE_CHANGED, actor=current_user, firm_id=firm_id,
                         subject=membership.user.email, role=membership.role, remote_addr=request.remote_addr)  # fmt: skip
            db_session().commit()
        flash(_("Member updated."), "success")
    return redirect(url_for("admin.firm", firm_id=firm_id))


@bp.post("/firms/<int:firm_id>/invitations/revoke")
def revoke(firm_id: int):
    firm = _firm_or_404(firm_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    revoke_and_say(firm.id)
    return redirect(url_for("admin.firm", firm_id=firm.id))


@bp.get("/audit")
def audit_log():
    """Every security event of the platform, newest first; ``?kind=`` keeps one kind."""
    kind = request.args.get("kind") if request.args.get("kind") in audit.KINDS else None
    events = audit.all_events(db_session(), kind=kind)
    return render_template("admin/audit.html", events=events, kind=kind, audit_kinds=audit.KINDS)


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
