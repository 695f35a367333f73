"""Form fields that read and write numbers the way the page's language writes them, and shared validators."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import lazy_gettext as _l
from stdnum.it import iva
from wtforms import SelectMultipleField, widgets
from wtforms.fields import DecimalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..i18n import current_language


class AmountField(DecimalField):
    """An amount in euro: "1.234,50" on Italian pages, "1,234.50" on English ones; plain "1234.5" on both."""

    widget = widgets.TextInput()

    def __init__(self, label=None, validators=None, places: int = 2, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, places=places, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip().replace("€", "").replace("\xa0", "").replace(" ", "")
        if not text:
            self.data = None
            return
        try:
            self.data = self._parse(text)
        except (NumberFormatError, InvalidOperation, ValueError):
            self.data = None
            raise ValueError(_l("Write an amount such as 1.250,00")) from None

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
        return format_decimal(self.data, format="#,##0.00", locale=current_language())


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
