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


def refuse_services_of(
    services: Mapping[str, tuple[str, Any]], refused_providers: Mapping[str, str]
) -> tuple[Mapping[str, tuple[str, Any]], list[Problem]]:
    """``services`` without those of the providers refused (key: owner), and a problem for each of them."""
    if not refused_providers:
        return services, []
    kept: dict[str, tuple[str, Any]] = {}
    problems = []
    for code, (plugin, service) in services.items():
        owner = refused_providers.get(service.provider)
        if owner is None:
            kept[code] = (plugin, service)
        else:
            params = {"value": service.provider, "other": owner}
            problems.append(Problem(plugin, PROVIDER_TAKEN, f"ServiceType[{code}].provider", params))
    return kept, problems
