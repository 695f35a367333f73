"""The firm's pages: its profile (who the employer is, its headcount by worker category), who has access
to it (members and open invitations, with revoke) and its audit log.

The legal name and the VAT number say which firm this is: only an administrator changes them
(``web/admin.py``), so that nobody takes the number of a firm that is not theirs."""

from __future__ import annotations

import ateco
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, FieldList, Form, FormField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from .. import accounts, audit
from ..db import db_session
from ..domain.territory import Municipality, gazetteer
from ..models import Invitation, Membership, WorkerCategory
from .access import can_edit, firm_for
from .fields import options, validate_unique_names, validate_vat
from .labels import SIZE_CLASSES
from .plan_forms import ActionForm

bp = Blueprint("firms", __name__, url_prefix="/firms")


def validate_ateco(form, field) -> None:
    if field.data and ateco.lookup(field.data.strip()) is None:
        raise ValidationError(_l("This is not an ATECO 2025 code: write it as 25.62.00."))


def validate_municipality(form, field) -> None:
    if field.data and not isinstance(gazetteer().find(field.data), Municipality):
        # eager gettext: the message holds user input (see web/catalog.py)
        raise ValidationError(_("No Italian municipality is called “%(name)s”.", name=field.data))


class CategoryRow(Form):
    name = StringField(_l("Category"), validators=[Optional(), Length(max=120)])
    headcount = IntegerField(
        _l("Workers"), validators=[Optional(), NumberRange(min=0, max=1_000_000)], default=0
    )


class FirmProfileForm(FlaskForm):
    """What the firm's HR managers keep up to date."""

    ateco_code = StringField(
        _l("ATECO sector"),
        validators=[Optional(), Length(max=10), validate_ateco],
        description=_l("The ATECO 2025 code of the main activity, for example 25.62.00"),
    )
    size_class = SelectField(
        _l("Size"), choices=options([("", "–"), *SIZE_CLASSES.items()]), validators=[Optional()]
    )
    municipality = StringField(
        _l("Municipality"), validators=[Optional(), Length(max=120), validate_municipality]
    )
    national_contract = StringField(
        _l("National collective contract applied"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: CCNL Metalmeccanica industria"),
    )
    has_union_representation = BooleanField(_l("There is union representation in the firm (RSU or RSA)"))
    categories = FieldList(FormField(CategoryRow), min_entries=1)

    validate_categories = validate_unique_names


class FirmForm(FirmProfileForm):
    """A whole firm, as an administrator registers it."""

    legal_name = StringField(_l("Legal name"), validators=[DataRequired(), Length(max=200)])
    vat_number = StringField(_l("VAT number"), validators=[DataRequired(), validate_vat])


def firm_form(firm, formdata=None, *, identity: bool = True) -> FirmProfileForm:
    """The firm's form; without ``identity``, the profile its HR managers change (no name, no VAT)."""
    place = gazetteer().municipality(firm.municipality_code) if firm.municipality_code else None
    return (FirmForm if identity else FirmProfileForm)(
        formdata=formdata,
        data={
            "legal_name": firm.legal_name,
            "vat_number": firm.vat_number,
            "ateco_code": firm.ateco_code,
            "size_class": firm.size_class or "",
            "municipality": place.label if place else "",
            "national_contract": firm.national_contract,
            "has_union_representation": firm.has_union_representation,
            "categories": [{"name": c.name, "headcount": c.headcount} for c in firm.categories]
            or [{"name": "", "headcount": 0}],
        },
    )


def apply_firm_form(firm, form: FirmProfileForm) -> None:
    """Copy the form into the firm; the legal name and VAT number only from an administrator's form."""
    if isinstance(form, FirmForm):
        firm.legal_name = form.legal_name.data.strip()
        firm.vat_number = form.vat_number.data
    firm.ateco_code = (form.ateco_code.data or "").strip() or None
    firm.size_class = form.size_class.data or None
    place = gazetteer().find(form.municipality.data) if form.municipality.data else None
    firm.municipality_code = place.code if place else None
    firm.national_contract = (form.national_contract.data or "").strip() or None
    firm.has_union_representation = form.has_union_representation.data
    rows = [row.form for row in form.categories if (row.form.name.data or "").strip()]
    existing = {category.name: category for category in firm.categories}
    firm.categories = [
        _category(existing, row.name.data.strip(), row.headcount.data or 0, position)
        for position, row in enumerate(rows)
    ]


def _category(existing, name, headcount, position) -> WorkerCategory:
    category = existing.get(name) or WorkerCategory(name=name)
    category.headcount, category.position = headcount, position
    return category


@bp.route("/<int:firm_id>", methods=["GET", "POST"])
def profile(firm_id: int):
    firm = firm_for(firm_id, write=request.method == "POST")
    form = firm_form(firm, formdata=request.form if request.method == "POST" else None, identity=False)
    if request.method == "POST":
        if form.validate():
            apply_firm_form(firm, form)
            db_session().commit()
            flash(_("Firm profile saved."), "success")
            if "add_row" in request.form:
                return redirect(url_for("firms.profile", firm_id=firm.id, rows=1) + "#rows")
            return redirect(url_for("firms.profile", firm_id=firm.id))
        flash(_("Nothing was saved: correct the fields marked below."), "danger")
    elif request.args.get("rows"):
        form.categories.append_entry()
    sector = ateco.lookup(firm.ateco_code) if firm.ateco_code else None
    return render_template(
        "firms/profile.html", firm=firm, form=form, sector=sector, editable=can_edit(firm.id)
    )


# -- who has access ----------------------------------------------------------------------------------------
def firm_members(firm_id: int) -> list[Membership]:
    """The people who belong to the firm, with their accounts, by name."""
    rows = db_session().scalars(
        select(Membership).where(Membership.firm_id == firm_id).options(selectinload(Membership.user))
    )
    return sorted(rows, key=lambda membership: (membership.user.name.lower(), membership.user.email))


@bp.get("/<int:firm_id>/access")
def access(firm_id: int):
    """Everyone who can read or change the firm's plans, and every invitation still open: administrators
    who invite themselves show here like anyone else."""
    firm = firm_for(firm_id)
    return render_template(
        "firms/access.html",
        firm=firm,
        members=firm_members(firm.id),
        invitations=accounts.open_invitations(db_session(), firm.id),
        editable=can_edit(firm.id),
        action_form=ActionForm(),
    )


def revoke_invitation(firm_id: int, invitation_id: str | None) -> Invitation:
    """Revoke the firm's open invitation ``invitation_id`` (from the form), recorded in the audit log."""
    invitation = db_session().get(Invitation, int(invitation_id)) if (invitation_id or "").isdigit() else None
    if invitation is None or invitation.firm_id != firm_id:
        abort(404)
    accounts.revoke_invitation(db_session(), invitation)
    audit.record(db_session(), audit.INVITATION_REVOKED, actor=current_user, firm_id=firm_id,
                 subject=invitation.email, role=invitation.role, remote_addr=request.remote_addr)  # fmt: skip
    db_session().commit()
    return invitation


def remove_member(firm_id: int, membership_id: int) -> Membership:
    """Take a person out of the firm (their open invitations to it go too), recorded in the audit log."""
    membership = db_session().get(Membership, membership_id)
    if membership is None or membership.firm_id != firm_id:
        abort(404)
    audit.record(db_session(), audit.MEMBER_REMOVED, actor=current_user, firm_id=firm_id,
                 subject=membership.user.email, role=membership.role, remote_addr=request.remote_addr)  # fmt: skip
    accounts.remove_membership(db_session(), membership)
    db_session().commit()
    return membership


def revoke_and_say(firm_id: int) -> None:
    """Revoke the firm's invitation named in the form and tell the person it is done."""
    invitation = revoke_invitation(firm_id, request.form.get("invitation"))
    flash(
        _("The invitation for %(email)s is revoked: its link no longer works.", email=invitation.email),
        "info",
    )


@bp.post("/<int:firm_id>/invitations/revoke")
def revoke(firm_id: int):
    firm = firm_for(firm_id, write=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    revoke_and_say(firm.id)
    return redirect(url_for("firms.access", firm_id=firm.id))


@bp.post("/<int:firm_id>/members/remove")
def remove(firm_id: int):
    """An HR manager takes someone's access to the firm away (the membership's id comes in the form)."""
    firm = firm_for(firm_id, write=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    membership_id = request.form.get("membership", "")
    if not membership_id.isdigit():
        abort(404)
    membership = db_session().get(Membership, int(membership_id))
    if membership is not None and membership.user_id == current_user.id:
        flash(_("You cannot remove yourself: ask another HR manager or an administrator."), "danger")
        return redirect(url_for("firms.access", firm_id=firm.id))
    removed = remove_member(firm.id, int(membership_id))
    flash(_("%(email)s no longer has access to the firm.", email=removed.user.email), "info")
    return redirect(url_for("firms.access", firm_id=firm.id))


@bp.get("/<int:firm_id>/audit")
def audit_log(firm_id: int):
    """The firm's security events, for its HR managers."""
    firm = firm_for(firm_id, write=True)
    return render_template(
        "firms/audit.html",
        firm=firm,
        events=audit.firm_events(db_session(), firm.id),
        audit_kinds=audit.KINDS,
    )
