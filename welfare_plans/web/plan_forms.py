"""The plan wizard's forms, one per step."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..domain.plan import (
    MAX_QUANTITY,
    FundingKind,
    LegalBasis,
    NewHiresRule,
    PartnerKind,
    UnusedCreditRule,
)
from ..domain.territory import Municipality, gazetteer
from .fields import (
    AmountField,
    CountField,
    MultiCheckboxField,
    RowIdField,
    RowList,
    WholeNumberField,
    options,
    validate_unique_names,
)

LEGAL_BASES = {
    LegalBasis.REGULATION_VOLUNTARY: _l("Company regulation, voluntary (revocable)"),
    LegalBasis.REGULATION_BINDING: _l("Company regulation, binding for its term"),
    LegalBasis.COMPANY_AGREEMENT: _l("Company agreement with the unions"),
    LegalBasis.TERRITORIAL_AGREEMENT: _l("Territorial agreement"),
}
FUNDING_KINDS = {
    FundingKind.EMPLOYER: _l("Employer, on top of pay"),
    FundingKind.PRODUCTIVITY_BONUS: _l("Conversion of the productivity bonus"),
    FundingKind.CO_PAYMENT: _l("Co-payment by beneficiaries"),
    FundingKind.FOUNDATION: _l("Foundation contribution"),
    FundingKind.PUBLIC: _l("Public contribution"),
}
PARTNER_KINDS = {
    PartnerKind.MUNICIPALITY: _l("Municipality"),
    PartnerKind.HEALTH_AUTHORITY: _l("Health authority"),
    PartnerKind.UNION: _l("Trade union"),
    PartnerKind.EMPLOYER_ASSOCIATION: _l("Employer association"),
    PartnerKind.FOUNDATION: _l("Foundation"),
    PartnerKind.THIRD_SECTOR: _l("Third-sector body"),
    PartnerKind.OTHER: _l("Other"),
}
NEW_HIRES_RULES = {
    NewHiresRule.PRO_RATA: _l("The credit in proportion to the months worked"),
    NewHiresRule.FULL: _l("The whole credit"),
    NewHiresRule.NEXT_PERIOD: _l("Nothing in this period: they join the next plan"),
}
UNUSED_CREDIT_RULES = {
    UnusedCreditRule.EXPIRES: _l("It expires at the end of the period"),
    UnusedCreditRule.CARRIED_OVER: _l("It is carried over to the next period"),
    UnusedCreditRule.PENSION_FUND: _l("It is paid into the worker's supplementary pension fund"),
}


def _this_year() -> int:
    """The default fiscal year, read when a form is built: a preloaded app server outlives New Year."""
    return date.today().year


class NewPlanForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    fiscal_year = WholeNumberField(
        _l("Fiscal year"), validators=[InputRequired(), NumberRange(min=2020, max=2100)], default=_this_year
    )


class TerritoryField(TextAreaField):
    """Places one per line or separated by commas: "Pinerolo", "Provincia di Torino", "TO"..."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.places, self.unknown = [], []
        for part in (self.data or "").replace(";", "\n").replace(",", "\n").splitlines():
            if part.strip():
                place = gazetteer().find(part)
                (self.places.append(place) if place else self.unknown.append(part.strip()))

    def pre_validate(self, form):
        if getattr(self, "unknown", None):
            raise ValidationError(
                _l(
                    "Not found: %(names)s. Write one municipality or province per line.",
                    names=", ".join(self.unknown),
                )
            )


EARLIEST_PERIOD, LATEST_PERIOD = date(2000, 1, 1), date(2199, 12, 31)


def validate_period_date(form, field) -> None:
    """A plan's period lies between 2000 and 2199: a year later (next year's copy) is still a date."""
    if field.data and not EARLIEST_PERIOD <= field.data <= LATEST_PERIOD:
        raise ValidationError(_l("Write a date between the years 2000 and 2199."))


class BasicsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    fiscal_year = WholeNumberField(
        _l("Fiscal year"), validators=[InputRequired(), NumberRange(min=2020, max=2100)]
    )
    period_start = DateField(_l("Starts on"), validators=[InputRequired(), validate_period_date])
    period_end = DateField(_l("Ends on"), validators=[InputRequired(), validate_period_date])
    legal_basis = SelectField(_l("Legal basis"), validators=[Optional()])
    agreement_reference = StringField(
        _l("Agreement or regulation referred to"),
        validators=[Optional(), Length(max=300)],
        description=_l("For example: company agreement signed on 12 March 2026 with FILCAMS-CGIL"),
    )
    objectives = TextAreaField(_l("Objectives"), validators=[Optional(), Length(max=5000)])
    needs = MultiCheckboxField(_l("Needs the plan answers"), validators=[Optional()])
    territory = TerritoryField(
        _l("Territory served"),
        validators=[Optional(), Length(max=3000)],
        description=_l("One municipality or province per line, for example Pinerolo or Provincia di Torino"),
        render_kw={"rows": 3},
    )

    def validate_period_end(self, field):
        if self.period_start.data and field.data and field.data <= self.period_start.data:
            raise ValidationError(_l("The plan must end after it starts."))


class CategoryRow(Form):
    row_id = RowIdField()  # the category's id: a row changes the category it was built from
    name = StringField(_l("Category"), validators=[Optional(), Length(max=120)])
    headcount = CountField(_l("Workers"), validators=[Optional()], default=0)
    included = BooleanField(_l("Included"), default=True)


class BeneficiariesForm(FlaskForm):
    categories = RowList(FormField(CategoryRow), min_entries=1)
    open_to_member_employees = BooleanField(
        _l("Open the services to the employees of every member firm, whichever firm funds them")
    )
    include_family = BooleanField(_l("Family members of the workers"))
    family_count = CountField(_l("How many family members"), validators=[Optional()], default=0)
    include_former = BooleanField(_l("Former employees"))
    former_count = CountField(_l("How many former employees"), validators=[Optional()], default=0)
    include_citizens = BooleanField(_l("Citizens of the territory"))
    citizens_count = CountField(_l("How many citizens"), validators=[Optional()], default=0)

    validate_categories = validate_unique_names


class CreditRow(Form):
    category_id = RowIdField()  # the credit is the category's with this id, wherever it now stands
    credit_per_worker = AmountField(
        _l("Welfare credit per worker (euro)"), validators=[Optional(), NumberRange(min=0)]
    )


class FundingRow(Form):
    kind = SelectField(
        _l("Source"), choices=options((kind.value, label) for kind, label in FUNDING_KINDS.items())
    )
    amount = AmountField(_l("Amount (euro)"), validators=[Optional(), NumberRange(min=0)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


class BudgetForm(FlaskForm):
    credits = RowList(FormField(CreditRow))
    funding = RowList(FormField(FundingRow), min_entries=1)


class ItemRow(Form):
    item_id = HiddenField()
    quantity = AmountField(_l("Quantity"), validators=[Optional(), NumberRange(min=0)], maximum=MAX_QUANTITY)
    budget = AmountField(_l("or budget (euro)"), validators=[Optional(), NumberRange(min=0)])
    beneficiary_group = SelectField(_l("For"), validate_choice=False)
    remove = BooleanField(_l("Remove"))


class BasketForm(FlaskForm):
    items = RowList(FormField(ItemRow))


class PartnerRow(Form):
    row_id = RowIdField()  # the partner's id: a row changes the partner it was built from
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    kind = SelectField(
        _l("Kind"), choices=options((kind.value, label) for kind, label in PARTNER_KINDS.items())
    )
    role = StringField(_l("Role in the plan"), validators=[Optional(), Length(max=300)])
    signatory = BooleanField(_l("Signs the plan"))


class GovernanceForm(FlaskForm):
    steering_committee = TextAreaField(
        _l("Steering committee"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Who sits on it, how often it meets, what it decides"),
        render_kw={"rows": 4},
    )
    partners = RowList(FormField(PartnerRow), min_entries=1)
    new_hires_rule = SelectField(
        _l("Workers hired during the period get"),
        choices=options((rule.value, label) for rule, label in NEW_HIRES_RULES.items()),
    )
    unused_credit_rule = SelectField(
        _l("Credit not used by the end of the period"),
        choices=options((rule.value, label) for rule, label in UNUSED_CREDIT_RULES.items()),
    )
    claims_deadline_days = WholeNumberField(
        _l("Days to ask for a reimbursement after the expense"),
        validators=[InputRequired(), NumberRange(min=1, max=365)],
        default=60,
    )
    usage_notes = TextAreaField(
        _l("How to use the benefits"),
        validators=[Optional(), Length(max=5000)],
        description=_l("The platform or office to contact, documents to keep, anything workers should know"),
        render_kw={"rows": 3},
    )


class DuplicateForm(FlaskForm):
    title = StringField(_l("Title of the new plan"), validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):
    """A button that changes something (finalise, archive, new version): only its CSRF token."""


def territory_text(municipalities: list[str], provinces: list[str]) -> str:
    places = gazetteer()
    lines = [places.municipality(code).label for code in municipalities if places.municipality(code)]
    lines += [f"Provincia di {places.province(code).name}" for code in provinces if places.province(code)]
    return "\n".join(lines)


def split_places(places) -> tuple[list[str], list[str]]:
    municipalities = [p.code for p in places if isinstance(p, Municipality)]
    provinces = [p.code for p in places if not isinstance(p, Municipality)]
    return list(dict.fromkeys(municipalities)), list(dict.fromkeys(provinces))
