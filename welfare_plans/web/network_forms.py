"""Forms of networks and of a member firm's part of a joint plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..domain.network import NetworkKind
from ..domain.plan import MAX_QUANTITY
from .fields import AmountField, CountField, RowList, options, validate_unique_names, validate_vat
from .plan_forms import CategoryRow, FundingRow, TerritoryField

NETWORK_KINDS = {
    NetworkKind.NETWORK_CONTRACT: _l("Network contract (rete d'impresa)"),
    NetworkKind.ASSOCIATION: _l("Employers' association"),
    NetworkKind.TERRITORIAL_PACT: _l("Territorial pact"),
    NetworkKind.TEMPORARY_GROUPING: _l("Temporary grouping of firms"),
}
MEMBER_STATUSES = {
    "invited": _l("invited"),
    "active": _l("member"),
    "declined": _l("declined"),
    "left": _l("left"),
}


class NetworkForm(FlaskForm):
    name = StringField(_l("Name of the network"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=options((k.value, label) for k, label in NETWORK_KINDS.items()))
    coordinating_body = StringField(
        _l("Coordinating body"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Who leads the network: the lead firm, the association, the mutual aid society…"),
    )
    description = StringField(_l("Description"), validators=[Optional(), Length(max=2000)])
    territory = TerritoryField(
        _l("Territory"),
        validators=[DataRequired(), Length(max=3000)],
        description=_l("One municipality or province per line, for example Pinerolo or Provincia di Torino"),
        render_kw={"rows": 3},
    )


class InviteFirmForm(FlaskForm):
    vat_number = StringField(
        _l("VAT number of the firm"),
        validators=[DataRequired(), Length(max=20), validate_vat],
        description=_l("The firm must be registered on the platform; an administrator registers new firms."),
    )


class PartCategoryRow(CategoryRow):
    """A worker category of the plan's, with the credit the member firm gives it."""

    credit_per_worker = AmountField(
        _l("Welfare credit per worker (euro)"), validators=[Optional(), NumberRange(min=0)]
    )


class ChoiceRow(Form):
    service_code = HiddenField()
    opted_in = BooleanField(_l("We offer it"))
    people = CountField(_l("People expected"), validators=[Optional()])
    quantity = AmountField(_l("Quantity"), validators=[Optional(), NumberRange(min=0)], maximum=MAX_QUANTITY)


class PartForm(FlaskForm):
    categories = RowList(FormField(PartCategoryRow), min_entries=1)
    funding = RowList(FormField(FundingRow), min_entries=1)
    choices = RowList(FormField(ChoiceRow))

    validate_categories = validate_unique_names
