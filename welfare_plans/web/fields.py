"""Form fields that read and write numbers the way the page's language writes them, and shared validators.

Every amount and count a plan holds is checked against the domain's bounds
(:mod:`welfare_plans.domain.plan`): a finite number, not negative, not above the maximum, two decimals at
most; lists of rows refuse more rows than a plan can hold instead of dropping them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from stdnum.it import iva
from wtforms import FieldList, FormField, HiddenField, IntegerField, SelectMultipleField, widgets
from wtforms.fields import DecimalField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import NumberRange, StopValidation, ValidationError

from ..domain.plan import MAX_AMOUNT, MAX_PEOPLE, MAX_ROWS, amount_problem
from ..i18n import current_language

LONGEST_AMOUNT = 40  # characters: "999.999.999,99 €" with room to spare; longer text is no amount


def _number_text(value) -> str:
    """A bound in a message, written the way the page's language writes numbers."""
    places = "#,##0.00" if isinstance(value, Decimal) else "#,##0"
    return format_decimal(value, format=places, locale=current_language())


class AmountField(DecimalField):
    """An amount in euro: "1.234,50" on Italian pages, "1,234.50" on English ones; plain "1234.5" on both.

    Only what a plan can hold passes: finite, from zero to ``maximum``, at most two decimals."""

    widget = widgets.TextInput()

    def __init__(self, label=None, validators=None, places: int = 2, maximum: Decimal = MAX_AMOUNT, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, places=places, **kwargs)
        self.maximum = maximum

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip().replace("€", "").replace("\xa0", "").replace(" ", "")
        if not text:
            self.data = None
            return
        try:
            if len(text) > LONGEST_AMOUNT:
                raise ValueError(text[:LONGEST_AMOUNT])
            self.data = self._parse(text)
        except (NumberFormatError, InvalidOperation, ValueError):
            self.data = None
            raise ValueError(_l("Write an amount such as 1.250,00")) from None

    def pre_validate(self, form):
        """What no plan can hold is refused here, before validators that compare it (NaN cannot be)."""
        if self.data is None:
            return
        problem = amount_problem(self.data, self.maximum)
        if problem is not None:
            message, params = problem
            raise StopValidation(gettext(message, **{key: _number_text(v) for key, v in params.items()}))

    def _parse(self, text: str) -> Decimal:
        locale = current_language()
        # "1234.5" typed on an Italian page is a decimal point, not a thousands separator
        if locale == "it" and text.count(".") == 1 and "," not in text and len(text.split(".")[1]) != 3:
            return Decimal(text)
        return Decimal(str(parse_decimal(text, locale=locale, strict=False)))

    def _value(self):
        if self.raw_data is not None and self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        if amount_problem(self.data, self.maximum) is not None:
            return str(self.data)  # a stored value no plan can hold, as it is: its error is shown beside it
        return format_decimal(self.data, format="#,##0.00", locale=current_language())


class WholeNumberField(IntegerField):
    """A whole number, refused with a message when it is longer than any number the app holds (WTForms'
    ``NumberRange`` cannot compare an integer of hundreds of digits: it fails converting it to a float)."""

    longest = 15  # digits and sign

    def process_formdata(self, valuelist):
        if valuelist and len(valuelist[0].strip()) > self.longest:
            self.data = None
            raise ValueError(_l("Write a whole number."))
        super().process_formdata(valuelist)


class CountField(WholeNumberField):
    """A whole number of people (or days): from ``minimum`` to ``maximum``, the bounds a plan can hold."""

    def __init__(self, label=None, validators=None, minimum: int = 0, maximum: int = MAX_PEOPLE, **kwargs):
        super().__init__(label, [*(validators or []), NumberRange(min=minimum, max=maximum)], **kwargs)


class RowList(FieldList):
    """Rows of a form (worker categories, funding sources, partners...) that refuses more than ``limit``
    rows, with a message, instead of dropping the rest silently as ``FieldList`` does. "Add a row" adds
    none beyond the limit (:meth:`can_add_row`), so a form as the page shows it always fits."""

    def __init__(self, unbound_field, label=None, validators=None, limit: int = MAX_ROWS, **kwargs):
        super().__init__(unbound_field, label, validators, max_entries=limit, **kwargs)
        self.limit = limit
        self.too_many = False

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.too_many = bool(formdata) and len(set(self._extract_indices(self.name, formdata))) > self.limit
        super().process(formdata, data, extra_filters)

    def validate(self, form, extra_validators=()):
        valid = super().validate(form, extra_validators)
        if self.too_many:
            self.errors.append(gettext("At most %(count)d rows.", count=self.limit))
            return False
        return valid

    def can_add_row(self) -> bool:
        """Whether "add a row" may add one more."""
        return len(self.entries) < self.limit


def flag_stored_values(form) -> None:
    """Show, at their fields, the stored values no plan can hold (saved before the checks existed, or
    written by hand): a form built from a plan runs the checks of its amount and count fields."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                if isinstance(entry, FormField):
                    flag_stored_values(entry.form)
        elif isinstance(field, (AmountField, IntegerField)) and field.data is not None:
            field.errors = _stored_value_errors(form, field)


def _stored_value_errors(form, field) -> list[str]:
    """The bounds of an amount or count field checked on the value it was built with (no input to require)."""
    try:
        if isinstance(field, AmountField):
            field.pre_validate(form)
        for validator in field.validators:
            if isinstance(validator, NumberRange):
                validator(form, field)
    except (ValidationError, StopValidation) as error:
        return [str(error)]
    return []


class RowIdField(HiddenField):
    """The id of the stored row a form's row was built from (a worker category, a partner). Read from the
    submitted form only: a row submitted without one is a new row, never the one that stands at its place
    in the list now (WTForms would fill a missing value in from the data the form was built with)."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None and not self.raw_data:
            self.data = None


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def options(pairs) -> list[SelectChoice]:
    """Choices of a select field from ``(value, label)`` pairs."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def validate_vat(form, field) -> None:
    """An Italian VAT number, written with or without spaces or the IT prefix; kept in its compact form."""
    if not iva.is_valid(field.data or ""):
        raise ValidationError(_l("This is not a valid Italian VAT number (11 digits)."))
    field.data = iva.compact(field.data)


def validate_unique_names(form, field) -> None:
    """Rows of a list (worker categories) whose names, ignoring case and blank rows, are all different."""
    names = [row.form.name.data.strip().lower() for row in field if (row.form.name.data or "").strip()]
    if len(names) != len(set(names)):
        raise ValidationError(_l("Two categories have the same name."))
