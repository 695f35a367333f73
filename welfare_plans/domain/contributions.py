"""Validate what plugins contribute before it reaches the catalog.

Plugins are third-party code: anything they return is checked here, converted to canonical values
(enums, tuples, prices in cents) and either accepted or rejected with a :class:`Problem` that names the
plugin and the field. One bad service type does not sink the provider's other services.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from stdnum.it import codicefiscale, iva

from ..types import (
    BeneficiaryGroup,
    DeliveryMode,
    LegalForm,
    NeedArea,
    PriceUnit,
    Provider,
    ServiceType,
    Territory,
)
from . import N_
from .ownership import Owners, contested, namespace_of, taken
from .problems import Problem
from .territory import gazetteer

_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_AREA_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_PRICE = Decimal("1000000")


class Rejected(Exception):
    """One field of one contributed item is invalid; the item is dropped."""

    def __init__(self, field_name: str, message: str, **params: Any):
        super().__init__(message)
        self.field = field_name
        self.message = message
        self.params = params


@dataclass
class PluginContribution:
    """The raw results of one plugin's ``register_*`` hooks (None where it does not implement one)."""

    need_areas: Any = None
    providers: Any = None
    service_types: Any = None


@dataclass
class Contributions:
    """Everything accepted, keyed by code, with the name of the plugin each item came from."""

    need_areas: dict[str, tuple[str, NeedArea]] = field(default_factory=dict)
    providers: dict[str, tuple[str, Provider]] = field(default_factory=dict)
    service_types: dict[str, tuple[str, ServiceType]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def ordered_need_areas(self) -> list[NeedArea]:
        """The need areas in display order."""
        return sorted(
            (area for _, area in self.need_areas.values()), key=lambda area: (area.position, area.code)
        )


def validate_contributions(
    raw: Mapping[str, PluginContribution],
    recorded_owners: Callable[[set[str], set[str]], Owners] | None = None,
) -> Contributions:
    """Check every plugin's contributions; plugins are taken in name order so conflicts resolve the same way.

    A provider key or service code belongs to the plugin that first brought it into the catalog (see
    :mod:`.ownership`): ``recorded_owners(keys, codes)`` looks up the recorded owners of the names that
    several plugins bring at once, so that the owner keeps them and the others are rejected. A name no
    plugin owns yet goes to the plugin whose name sorts first. (The sync checks every name against the
    catalog again, whoever else brings it.)
    """
    result = Contributions()
    plugins = sorted(raw)
    for plugin in plugins:
        for item in _items(result, plugin, "register_need_areas", raw[plugin].need_areas, NeedArea):
            _accept(result, plugin, item, _check_need_area, result.need_areas, "code")
    providers = {
        plugin: _items(result, plugin, "register_providers", raw[plugin].providers, Provider)
        for plugin in plugins
    }
    services = {
        plugin: _items(result, plugin, "register_service_types", raw[plugin].service_types, ServiceType)
        for plugin in plugins
    }
    owners = Owners()
    if recorded_owners is not None:
        keys = contested({plugin: _names(items, "key") for plugin, items in providers.items()})
        codes = contested({plugin: _names(items, "code") for plugin, items in services.items()})
        if keys or codes:
            owners = recorded_owners(keys, codes)
    for plugin in plugins:
        for item in providers[plugin]:
            _accept(result, plugin, item, _check_provider, result.providers, "key", owners.providers)
    for plugin in plugins:
        for item in services[plugin]:
            _accept(result, plugin, item, _check_service_type, result.service_types, "code", owners.services)
    return result


def _names(items: Iterable[Any], key_field: str) -> list[str]:
    return [name for name in (getattr(item, key_field) for item in items) if isinstance(name, str)]


def _items(result: Contributions, plugin: str, hook: str, value: Any, kind: type) -> Iterable[Any]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        result.problems.append(
            Problem(
                plugin,
                N_("%(hook)s must return a list, not %(type)s"),
                hook,
                {"hook": hook, "type": type(value).__name__},
            )
        )
        return []
    items = []
    for item in value:
        if isinstance(item, kind):
            items.append(item)
        else:
            result.problems.append(
                Problem(
                    plugin,
                    N_("%(hook)s returned a %(type)s where a %(expected)s was expected"),
                    hook,
                    {"hook": hook, "type": type(item).__name__, "expected": kind.__name__},
                )
            )
    return items


def _accept(
    result: Contributions,
    plugin: str,
    item: Any,
    check,
    registry: dict,
    key_field: str,
    owners: Mapping[str, str] | None = None,
) -> None:
    label = f"{type(item).__name__}[{getattr(item, key_field, '?')!s}]"
    key = getattr(item, key_field, None)
    if isinstance(key, str):  # a taken name is the first thing to say about an item
        owner = (owners or {}).get(key)
        if owner is not None and owner != plugin:
            result.problems.append(taken(plugin, label, key_field, key, owner))
            return
        if key in registry:
            other = registry[key][0]
            result.problems.append(
                Problem(
                    plugin,
                    N_("%(field)s %(value)s is already registered by plugin %(other)s"),
                    f"{label}.{key_field}",
                    {"field": key_field, "value": key, "other": other},
                )
            )
            return
    try:
        clean = check(result, plugin, item)
    except Rejected as rejected:
        result.problems.append(
            Problem(plugin, rejected.message, f"{label}.{rejected.field}", rejected.params)
        )
        return
    registry[getattr(clean, key_field)] = (plugin, clean)


def _text(value: Any, field_name: str, *, required: bool, max_length: int) -> str | None:
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


def _enum(value: Any, enum: type[StrEnum], field_name: str) -> StrEnum:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise Rejected(
            field_name, N_("%(value)r is not one of: %(allowed)s"), value=value, allowed=allowed
        ) from None


def _enum_tuple(values: Any, enum: type[StrEnum], field_name: str) -> tuple:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise Rejected(field_name, N_("must be a list"))
    members = tuple(dict.fromkeys(_enum(value, enum, field_name) for value in values))
    if not members:
        raise Rejected(field_name, N_("must name at least one value"))
    return members


def _bool(value: Any, field_name: str) -> bool:
    if not isinstance(value, bool):
        raise Rejected(field_name, N_("must be true or false"))
    return value


def _check_need_area(result: Contributions, plugin: str, area: NeedArea) -> NeedArea:
    if not isinstance(area.code, str) or not _AREA_CODE.match(area.code):
        raise Rejected("code", N_("must be lower-case letters, digits and underscores"))
    if not isinstance(area.position, int) or isinstance(area.position, bool):
        raise Rejected("position", N_("must be a whole number"))
    return dataclasses.replace(
        area,
        name=_text(area.name, "name", required=True, max_length=120),
        name_en=_text(area.name_en, "name_en", required=False, max_length=120),
    )


def _check_tax_id(value: Any) -> str:
    if not isinstance(value, str):
        raise Rejected("tax_id", N_("must be text"))
    compact = iva.compact(value) if value.strip().isdigit() else codicefiscale.compact(value)
    if iva.is_valid(compact) or codicefiscale.is_valid(compact):
        return compact
    raise Rejected("tax_id", N_("%(value)r is neither a valid VAT number nor a valid tax code"), value=value)


def _check_municipality(code: Any, field_name: str) -> str:
    if not isinstance(code, str) or gazetteer().municipality(code) is None:
        raise Rejected(field_name, N_("%(value)r is not an ISTAT municipality code"), value=code)
    return code


def _check_provider(result: Contributions, plugin: str, provider: Provider) -> Provider:
    if not isinstance(provider.key, str) or not _CODE.match(provider.key):
        raise Rejected("key", N_("must be lower-case letters, digits, dots, dashes and underscores"))
    email = _text(provider.email, "email", required=False, max_length=200)
    if email and not _EMAIL.match(email):
        raise Rejected("email", N_("%(value)r is not an e-mail address"), value=email)
    website = _text(provider.website, "website", required=False, max_length=300)
    if website and not website.startswith(("https://", "http://")):
        raise Rejected("website", N_("must start with https:// or http://"))
    return dataclasses.replace(
        provider,
        name=_text(provider.name, "name", required=True, max_length=200),
        legal_form=_enum(provider.legal_form, LegalForm, "legal_form"),
        tax_id=_check_tax_id(provider.tax_id),
        municipality=_check_municipality(provider.municipality, "municipality"),
        email=email,
        phone=_text(provider.phone, "phone", required=False, max_length=40),
        website=website,
        address=_text(provider.address, "address", required=False, max_length=300),
        applies_national_contract=_bool(provider.applies_national_contract, "applies_national_contract"),
        has_safety_policy=_bool(provider.has_safety_policy, "has_safety_policy"),
        description=_text(provider.description, "description", required=False, max_length=5000) or "",
        description_en=_text(provider.description_en, "description_en", required=False, max_length=5000),
    )


def _check_price(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise Rejected("price", N_("must be an amount in euro"))
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise Rejected("price", N_("must be an amount in euro")) from None
    if not price.is_finite():
        raise Rejected("price", N_("must be an amount in euro"))
    if price < 0:
        raise Rejected("price", N_("must not be negative (%(value)s)"), value=str(price))
    if price > MAX_PRICE:
        raise Rejected("price", N_("must not exceed %(max)s euro"), max=str(MAX_PRICE))
    return price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _check_territory(territory: Any) -> Territory:
    if not isinstance(territory, Territory):
        raise Rejected("territory", N_("must be a Territory"))
    places = gazetteer()
    municipalities = tuple(
        dict.fromkeys(
            _check_municipality(code, "territory.municipalities") for code in territory.municipalities
        )
    )
    provinces = []
    for code in dict.fromkeys(territory.provinces):
        if not isinstance(code, str) or places.province(code) is None:
            raise Rejected("territory.provinces", N_("%(value)r is not an ISTAT province code"), value=code)
        provinces.append(code)
    if not municipalities and not provinces:
        raise Rejected("territory", N_("must name at least one municipality or province"))
    return Territory(municipalities=municipalities, provinces=tuple(provinces))


def _check_service_type(result: Contributions, plugin: str, service: ServiceType) -> ServiceType:
    if not isinstance(service.code, str) or not _CODE.match(service.code):
        raise Rejected("code", N_("must be lower-case letters, digits, dots, dashes and underscores"))
    owner = result.providers.get(service.provider) if isinstance(service.provider, str) else None
    if owner is None or owner[0] != plugin:
        raise Rejected(
            "provider", N_("%(value)r is not a provider registered by this plugin"), value=service.provider
        )
    if not service.code.startswith(namespace_of(service.provider)):
        raise Rejected(
            "code",
            N_("must start with its provider's key and a dot (%(prefix)s)"),
            prefix=namespace_of(service.provider),
        )
    if service.need_area not in result.need_areas:
        raise Rejected(
            "need_area",
            N_("%(value)r is not a known need area (known: %(known)s)"),
            value=service.need_area,
            known=", ".join(sorted(result.need_areas)),
        )
    if not isinstance(service.extra, Mapping):
        raise Rejected("extra", N_("must be a mapping of text to text"))
    return dataclasses.replace(
        service,
        name=_text(service.name, "name", required=True, max_length=200),
        name_en=_text(service.name_en, "name_en", required=False, max_length=200),
        description=_text(service.description, "description", required=False, max_length=5000) or "",
        description_en=_text(service.description_en, "description_en", required=False, max_length=5000),
        beneficiary_groups=_enum_tuple(service.beneficiary_groups, BeneficiaryGroup, "beneficiary_groups"),
        delivery_modes=_enum_tuple(service.delivery_modes, DeliveryMode, "delivery_modes"),
        price=_check_price(service.price),
        unit=_enum(service.unit, PriceUnit, "unit"),
        territory=_check_territory(service.territory),
        extra={str(k): str(v) for k, v in service.extra.items()},
    )
