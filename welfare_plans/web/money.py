"""Amounts in euro as the page's language writes them ("1.234,50 €", "€1,234.50"): the ``euro`` filter.

A page of a large network shows thousands of amounts, and Babel reads its locale data again for each one
(symbols, the currency's digits, the pattern's parts). Here the pattern of each locale is read from Babel
once; an amount is then rounded and grouped by Python's own formatting. A locale whose pattern is not of
that plain kind (other grouping, scaling, significant digits, quoted text) is left to Babel. A test
compares the two on many amounts in both languages.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import NamedTuple

from babel import Locale
from babel.numbers import get_currency_precision, get_currency_symbol
from flask_babel import format_currency, get_locale

CURRENCY = "EUR"


class CurrencyPattern(NamedTuple):
    """What a locale writes around and inside an amount of the currency."""

    prefix: tuple[str, str]  # before a positive and a negative amount
    suffix: tuple[str, str]
    separators: dict[int, str]  # str.translate table from Python's "," and "." to the locale's symbols
    quantum: Decimal


@functools.cache
def currency_pattern(locale: str) -> CurrencyPattern | None:
    """The locale's standard pattern for euro, or None when it needs Babel's general formatting."""
    parsed = Locale.parse(locale)
    pattern = parsed.currency_formats["standard"]
    digits = get_currency_precision(CURRENCY)
    symbols = parsed.number_symbols["latn"]
    symbol = get_currency_symbol(CURRENCY, parsed)
    plain = (
        pattern.grouping == (3, 3)
        and pattern.int_prec[0] == 1
        and not pattern.scale
        and not pattern.exp_prec
        and "@" not in pattern.pattern
        # Babel reads text between apostrophes as quoted, even a group separator written "'"
        and not any(
            "'" in text for text in (*pattern.prefix, *pattern.suffix, symbols["group"], symbols["decimal"])
        )
        and digits > 0
    )
    if not plain:
        return None
    return CurrencyPattern(
        prefix=tuple(text.replace("¤", symbol) for text in pattern.prefix),
        suffix=tuple(text.replace("¤", symbol) for text in pattern.suffix),
        separators=str.maketrans({",": symbols["group"], ".": symbols["decimal"]}),
        quantum=Decimal(1).scaleb(-digits),
    )


def euro(amount: Decimal | float | int | str) -> str:
    """The amount in euro in the request's language, exactly as ``flask_babel.format_currency`` writes it."""
    locale = get_locale()
    pattern = currency_pattern(str(locale)) if locale is not None else None
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    if pattern is None or not value.is_finite():
        return format_currency(value, CURRENCY)
    negative = int(value.is_signed())
    number = f"{abs(value).normalize().quantize(pattern.quantum):,f}".translate(pattern.separators)
    return f"{pattern.prefix[negative]}{number}{pattern.suffix[negative]}"
