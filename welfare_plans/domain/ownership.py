"""Who owns a name in the catalog: provider keys and service codes belong to the plugin that first
brought them in.

The catalog records the owner of every provider key and service code it holds (the ``plugin`` of each
row, which a sync never changes; only an administrator's transfer does). Whatever another plugin
contributes under a taken name is rejected and reported on that plugin; the owner and its rows are left
as they are. A service's code starts with the key of its provider and a dot, so a provider's key is also
the namespace of its services' codes.

When two plugins loaded together bring the same name and the catalog has no owner for it yet, the plugin
whose name sorts first takes it (plain string order of the plugin names, as ``plugins list`` shows them).

These rules are pure: the catalog package reads the recorded owners and hands them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import N_
from .problems import Problem

TAKEN = N_("%(field)s %(value)s belongs to plugin %(other)s, which brought it into the catalog first")
NOT_ITS_PROVIDER = N_("%(value)r is not a provider registered by this plugin")
PROVIDER_TAKEN = N_("provider %(value)s belongs to plugin %(other)s, which brought it into the catalog first")


@dataclass(frozen=True)
class Owners:
    """The recorded owner (a plugin name) of provider keys and of service codes."""

    providers: Mapping[str, str] = field(default_factory=dict)
    services: Mapping[str, str] = field(default_factory=dict)


def namespace_of(provider_key: str) -> str:
    """The prefix every code of ``provider_key``'s services starts with."""
    return f"{provider_key}."


def contested(claims: Mapping[str, Iterable[str]]) -> set[str]:
    """The names more than one plugin claims, given the names each plugin (the keys) brings."""
    seen: dict[str, str] = {}
    found: set[str] = set()
    for plugin, names in claims.items():
        for name in names:
            if seen.setdefault(name, plugin) != plugin:
                found.add(name)
    return found


def taken(plugin: str, label: str, field_name: str, value: str, owner: str) -> Problem:
    """The problem reported on ``plugin`` for contributing ``value``, which ``owner`` owns."""
    return Problem(
        plugin, TAKEN, f"{label}.{field_name}", {"field": field_name, "value": value, "other": owner}
    )


def keep_owned_providers(
    contributed: Mapping[str, tuple[str, Any]], owners: Mapping[str, str]
) -> tuple[dict[str, tuple[str, Any]], list[Problem]]:
    """The contributed providers whose key is unowned or owned by the plugin contributing it.

    Every other one is left out and reported on the plugin that contributed it.
    """
    kept: dict[str, tuple[str, Any]] = {}
    problems = []
    for key, (plugin, provider) in contributed.items():
        owner = owners.get(key)
        if owner is None or owner == plugin:
            kept[key] = (plugin, provider)
        else:
            problems.append(taken(plugin, f"Provider[{key}]", "key", key, owner))
    return kept, problems


def keep_owned_services(
    contributed: Mapping[str, tuple[str, Any]],
    owners: Mapping[str, str],
    providers: Mapping[str, tuple[str, Any]],
    provider_owners: Mapping[str, str],
) -> tuple[dict[str, tuple[str, Any]], list[Problem]]:
    """The contributed services whose code is unowned or owned by the plugin contributing it, and whose
    provider (in ``providers``, those kept) is that plugin's too.

    ``provider_owners`` are the recorded owners of provider keys: a service whose provider was left out
    because another plugin owns it says so.
    """
    kept: dict[str, tuple[str, Any]] = {}
    problems = []
    for code, (plugin, service) in contributed.items():
        owner = owners.get(code)
        provider = providers.get(service.provider)
        label = f"ServiceType[{code}]"
        if owner is not None and owner != plugin:
            problems.append(taken(plugin, label, "code", code, owner))
        elif provider is None or provider[0] != plugin:
            other = provider_owners.get(service.provider)
            if other is not None and other != plugin:
                params = {"value": service.provider, "other": other}
                problems.append(Problem(plugin, PROVIDER_TAKEN, f"{label}.provider", params))
            else:
                params = {"value": service.provider}
                problems.append(Problem(plugin, NOT_ITS_PROVIDER, f"{label}.provider", params))
        else:
            kept[code] = (plugin, service)
    return kept, problems
