"""The firm profile: who the employer is and its headcount by worker category."""

from __future__ import annotations

import ateco
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..db import db_session
from ..domain.territory import Municipality, gazetteer
from ..models import WorkerCategory
from .access import can_edit, firm_for
from .fields import CountField, RowList, options, validate_unique_names, validate_vat
from .labels import SIZE_CLASSES

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
    headcount = CountField(_l("Workers"), validators=[Optional()], default=0)


class FirmForm(FlaskForm):
    legal_name = StringField(_l("Legal name"), validators=[DataRequired(), Length(max=200)])
    vat_number = StringField(_l("VAT number"), validators=[DataRequired(), validate_vat])
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
    categories = RowList(FormField(CategoryRow), min_entries=1)

    validate_categories = validate_unique_names


def firm_form(firm, formdata=None) -> FirmForm:
    place = gazetteer().municipality(firm.municipality_code) if firm.municipality_code else None
    return FirmForm(
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


def apply_firm_form(firm, form: FirmForm) -> None:
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
    form = firm_form(firm, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if form.validate():
            apply_firm_form(firm, form)
            db_session().commit()
            flash(_("Firm profile saved."), "success")
            if "add_row" in request.form:
                return redirect(url_for("firms.profile", firm_id=firm.id, rows=1) + "#rows")
            return redirect(url_for("firms.profile", firm_id=firm.id))
        flash(_("Nothing was saved: correct the fields marked below."), "danger")
    elif request.args.get("rows") and form.categories.can_add_row():
        form.categories.append_entry()
    sector = ateco.lookup(firm.ateco_code) if firm.ateco_code else None
    return render_template(
        "firms/profile.html", firm=firm, form=form, sector=sector, editable=can_edit(firm.id)
    )
