"""Checks of single fields of what plugins contribute: each returns the canonical value or raises
:class:`Rejected` naming the field; :class:`Fields` runs several and keeps every rejection."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from stdnum.it import codicefiscale, iva

from ..types import Territory
from . import N_
from .tax import tax_basis_codes
from .territory import gazetteer

CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
AREA_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_PRICE = Decimal("1000000")


class Rejected(Exception):
    """One field of one contributed item is invalid; the item is dropped."""

    def __init__(self, field_name: str, message: str, **params: Any):
        super().__init__(message)
        self.field = field_name
        self.message = message
        self.params = params


class ItemRejected(Exception):
    """Some fields of one contributed item are invalid: every one of them, in the order checked."""

    def __init__(self, rejections: list[Rejected]):
        super().__init__(", ".join(rejection.field for rejection in rejections))
        self.rejections = rejections


class Fields:
    """Checks the fields of one item and keeps every rejection, so a plugin hears of all its mistakes
    at once: ``fields(check, *args)`` returns what ``check`` returns, or None when it rejects."""

    def __init__(self) -> None:
        self.rejections: list[Rejected] = []

    def __call__(self, check, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except Rejected as rejected:
            self.rejections.append(rejected)
            return None

    def done(self) -> None:
        """Raise :class:`ItemRejected` when any field was rejected."""
        if self.rejections:
            raise ItemRejected(self.rejections)


def text(value: Any, field_name: str, *, required: bool, max_length: int) -> str | None:
    """Text, stripped, at most ``max_length`` characters; None or "" when not ``required``."""
    if value is None or value == "":
        if required:
            raise Rejected(field_name, N_("is required"))
        return None if value is None else ""
    if not isinstance(value, str):
        raise Rejected(field_name, N_("must be text"))
    value = value.strip()
    if required and not value:
        raise Rejected(field_name, N_("is required"))
    if len(value) > max_length:
        raise Rejected(field_name, N_("is longer than %(max)d characters"), max=max_length)
    return value


def enum_member(value: Any, enum: type[StrEnum], field_name: str) -> StrEnum:
    """A member of ``enum``, given as itself or as its value."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise Rejected(
            field_name, N_("%(value)r is not one of: %(allowed)s"), value=value, allowed=allowed
        ) from None


def enum_tuple(values: Any, enum: type[StrEnum], field_name: str) -> tuple:
    """At least one member of ``enum``, each once, in the order given."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise Rejected(field_name, N_("must be a list"))
    members = tuple(dict.fromkeys(enum_member(value, enum, field_name) for value in values))
    if not members:
        raise Rejected(field_name, N_("must name at least one value"))
    return members


def boolean(value: Any, field_name: str) -> bool:
    """True or False, nothing that merely looks like them."""
    if not isinstance(value, bool):
        raise Rejected(field_name, N_("must be true or false"))
    return value


def code(value: Any, pattern: re.Pattern, message: str, field_name: str = "code") -> str:
    """A code matching ``pattern``; ``message`` says what it must look like."""
    if not isinstance(value, str) or not pattern.match(value):
        raise Rejected(field_name, message)
    return value


def whole_number(value: Any, field_name: str) -> int:
    """An int that is not a bool."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise Rejected(field_name, N_("must be a whole number"))
    return value


def tax_id(value: Any) -> str:
    """A valid partita IVA or codice fiscale, in compact form."""
    if not isinstance(value, str):
        raise Rejected("tax_id", N_("must be text"))
    compact = iva.compact(value) if value.strip().isdigit() else codicefiscale.compact(value)
    if iva.is_valid(compact) or codicefiscale.is_valid(compact):
        return compact
    raise Rejected("tax_id", N_("%(value)r is neither a valid VAT number nor a valid tax code"), value=value)


def municipality(value: Any, field_name: str) -> str:
    """The ISTAT code of an existing municipality."""
    if not isinstance(value, str) or gazetteer().municipality(value) is None:
        raise Rejected(field_name, N_("%(value)r is not an ISTAT municipality code"), value=value)
    return value


def email(value: Any) -> str | None:
    """An e-mail address, or None."""
    address = text(value, "email", required=False, max_length=200)
    if address and not EMAIL.match(address):
        raise Rejected("email", N_("%(value)r is not an e-mail address"), value=address)
    return address


def website(value: Any) -> str | None:
    """An http(s) URL, or None."""
    url = text(value, "website", required=False, max_length=300)
    if url and not url.startswith(("https://", "http://")):
        raise Rejected("website", N_("must start with https:// or http://"))
    return url


def price(value: Any) -> Decimal:
    """An amount in euro from 0 to :data:`MAX_PRICE`, rounded to the cent."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise Rejected("price", N_("must be an amount in euro"))
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise Rejected("price", N_("must be an amount in euro")) from None
    if not amount.is_finite():
        raise Rejected("price", N_("must be an amount in euro"))
    if amount < 0:
        raise Rejected("price", N_("must not be negative (%(value)s)"), value=str(amount))
    if amount > MAX_PRICE:
        raise Rejected("price", N_("must not exceed %(max)s euro"), max=str(MAX_PRICE))
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def territory(value: Any) -> Territory:
    """At least one existing ISTAT municipality or province, each once."""
    if not isinstance(value, Territory):
        raise Rejected("territory", N_("must be a Territory"))
    places = gazetteer()
    municipalities = tuple(
        dict.fromkeys(municipality(place, "territory.municipalities") for place in value.municipalities)
    )
    provinces = []
    for place in dict.fromkeys(value.provinces):
        if not isinstance(place, str) or places.province(place) is None:
            raise Rejected("territory.provinces", N_("%(value)r is not an ISTAT province code"), value=place)
        provinces.append(place)
    if not municipalities and not provinces:
        raise Rejected("territory", N_("must name at least one municipality or province"))
    return Territory(municipalities=municipalities, provinces=tuple(provinces))


@functools.cache
def known_tax_bases() -> frozenset[str]:
    """The codes of the built-in tax rules' bases (``builtin/tax_rules/classification.json``)."""
    return tax_basis_codes()


def extra(value: Any) -> dict[str, str]:
    """Text keys to text values; a stated ``tax_basis`` must be one of the tax rules' codes."""
    if not isinstance(value, Mapping):
        raise Rejected("extra", N_("must be a mapping of text to text"))
    for key, item in value.items():
        if not isinstance(key, str):
            message = N_("must be a mapping of text to text: the key %(key)r is a %(type)s")
            raise Rejected("extra", message, key=key, type=type(key).__name__)
        if not isinstance(item, str):
            message = N_("must be a mapping of text to text: the value of %(key)r is a %(type)s")
            raise Rejected("extra", message, key=key, type=type(item).__name__)
    basis = value.get("tax_basis")
    if basis is not None and basis not in known_tax_bases():
        raise Rejected(
            "extra.tax_basis",
            N_("%(value)r is not a tax basis of the tax rules (known: %(known)s)"),
            value=basis,
            known=", ".join(sorted(known_tax_bases())),
        )
    return dict(value)
