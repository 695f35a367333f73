"""Validate what plugins contribute before it reaches the catalog.

Plugins are third-party code: anything they return is checked here, converted to canonical values
(enums, tuples, prices in cents) and either accepted or rejected with a :class:`Problem` for each field
that is wrong, naming the plugin and the field. One bad service type does not sink the provider's other
services; the services of a rejected provider say which provider was rejected and why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..types import BeneficiaryGroup, DeliveryMode, LegalForm, NeedArea, PriceUnit, Provider, ServiceType
from . import N_
from . import field_checks as check
from .field_checks import ItemRejected, Rejected
from .ownership import Owners, contested, namespace_of, taken
from .problems import Problem

__all__ = ["Contributions", "PluginContribution", "Rejected", "validate_contributions"]


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
    # the providers rejected, by (plugin, key), with the fields that were wrong: their services say so
    rejected_providers: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

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
    validate,
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
        clean = validate(result, plugin, item)
    except ItemRejected as rejected:
        for rejection in rejected.rejections:
            result.problems.append(
                Problem(plugin, rejection.message, f"{label}.{rejection.field}", rejection.params)
            )
        key = getattr(item, key_field, None)
        if isinstance(item, Provider) and isinstance(key, str):
            fields = tuple(dict.fromkeys(rejection.field for rejection in rejected.rejections))
            result.rejected_providers[(plugin, key)] = fields
        return
    registry[getattr(clean, key_field)] = (plugin, clean)


def _check_need_area(result: Contributions, plugin: str, area: NeedArea) -> NeedArea:
    fields = check.Fields()
    fields(check.code, area.code, check.AREA_CODE, N_("must be lower-case letters, digits and underscores"))
    fields(check.whole_number, area.position, "position")
    name = fields(check.text, area.name, "name", required=True, max_length=120)
    name_en = fields(check.text, area.name_en, "name_en", required=False, max_length=120)
    fields.done()
    return dataclasses.replace(area, name=name, name_en=name_en)


_KEY_MESSAGE = N_("must be lower-case letters, digits, dots, dashes and underscores")


def _check_provider(result: Contributions, plugin: str, provider: Provider) -> Provider:
    fields = check.Fields()
    fields(check.code, provider.key, check.CODE, _KEY_MESSAGE, "key")
    values = {
        "name": fields(check.text, provider.name, "name", required=True, max_length=200),
        "legal_form": fields(check.enum_member, provider.legal_form, LegalForm, "legal_form"),
        "tax_id": fields(check.tax_id, provider.tax_id),
        "municipality": fields(check.municipality, provider.municipality, "municipality"),
        "email": fields(check.email, provider.email),
        "phone": fields(check.text, provider.phone, "phone", required=False, max_length=40),
        "website": fields(check.website, provider.website),
        "address": fields(check.text, provider.address, "address", required=False, max_length=300),
        "applies_national_contract": fields(
            check.boolean, provider.applies_national_contract, "applies_national_contract"
        ),
        "has_safety_policy": fields(check.boolean, provider.has_safety_policy, "has_safety_policy"),
        "description": fields(
            check.text, provider.description, "description", required=False, max_length=5000
        ),
        "description_en": fields(
            check.text, provider.description_en, "description_en", required=False, max_length=5000
        ),
    }
    fields.done()
    values["description"] = values["description"] or ""
    return dataclasses.replace(provider, **values)


def _check_provider_of(result: Contributions, plugin: str, key: Any) -> str:
    """``key`` names a provider the same plugin registered and got accepted."""
    owner = result.providers.get(key) if isinstance(key, str) else None
    if owner is not None and owner[0] == plugin:
        return key
    rejected = result.rejected_providers.get((plugin, key)) if isinstance(key, str) else None
    if rejected:
        raise Rejected(
            "provider",
            N_(
                "the provider %(value)r was rejected (see Provider[%(key)s]: %(fields)s), and its services with it"
            ),
            value=key,
            key=key,
            fields=", ".join(rejected),
        )
    raise Rejected("provider", N_("%(value)r is not a provider registered by this plugin"), value=key)


def _check_namespace(code: Any, provider: Any) -> Any:
    """A service's code starts with its provider's key and a dot: the provider's names are its own."""
    if isinstance(code, str) and isinstance(provider, str) and not code.startswith(namespace_of(provider)):
        raise Rejected(
            "code",
            N_("must start with its provider's key and a dot (%(prefix)s)"),
            prefix=namespace_of(provider),
        )
    return code


def _check_need_area_of(result: Contributions, code: Any) -> str:
    if not isinstance(code, str) or code not in result.need_areas:
        raise Rejected(
            "need_area",
            N_("%(value)r is not a known need area (known: %(known)s)"),
            value=code,
            known=", ".join(sorted(result.need_areas)),
        )
    return code


def _check_service_type(result: Contributions, plugin: str, service: ServiceType) -> ServiceType:
    fields = check.Fields()
    code = fields(check.code, service.code, check.CODE, _KEY_MESSAGE)
    provider = fields(_check_provider_of, result, plugin, service.provider)
    # a malformed code or a provider the plugin never registered says so once; a rejected provider's key
    # is still known, so its services hear of their codes too
    rejected = isinstance(service.provider, str) and (plugin, service.provider) in result.rejected_providers
    if code is not None and (provider is not None or rejected):
        fields(_check_namespace, code, service.provider)
    fields(_check_need_area_of, result, service.need_area)
    values = {
        "name": fields(check.text, service.name, "name", required=True, max_length=200),
        "name_en": fields(check.text, service.name_en, "name_en", required=False, max_length=200),
        "description": fields(
            check.text, service.description, "description", required=False, max_length=5000
        ),
        "description_en": fields(
            check.text, service.description_en, "description_en", required=False, max_length=5000
        ),
        "beneficiary_groups": fields(
            check.enum_tuple, service.beneficiary_groups, BeneficiaryGroup, "beneficiary_groups"
        ),
        "delivery_modes": fields(check.enum_tuple, service.delivery_modes, DeliveryMode, "delivery_modes"),
        "price": fields(check.price, service.price),
        "unit": fields(check.enum_member, service.unit, PriceUnit, "unit"),
        "territory": fields(check.territory, service.territory),
        "extra": fields(check.extra, service.extra),
    }
    fields.done()
    values["description"] = values["description"] or ""
    return dataclasses.replace(service, **values)
