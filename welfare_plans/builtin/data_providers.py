"""Providers without a programmer: need areas, providers and services published as a TOML data file.

A data file is a plugin of its own, named like one (``coop-girotondo.toml`` in the local plugins folder is
the plugin ``coop-girotondo``; an installed data package is named by its entry point). This module reads
the file into a :class:`DataProvider`, whose ``register_*`` hooks return the very values a Python plugin
builds (:class:`welfare_plans.Provider`, :class:`welfare_plans.ServiceType`, ...), so the core validates
them in the same way and reports the same messages, naming the plugin, the item and the field.

The file's fields are those of the Python types, with TOML's arrays for tuples and tables for
territories. Two sections save repeating oneself: ``[territories]`` names territories that services
refer to by name, and ``[service_defaults]`` holds values every service takes unless it sets its own::

    version = "1.0.0"                       # a file in the plugins folder; a package has its own

    [territories]
    valley = { municipalities = ["001139", "001275"] }

    [service_defaults]
    provider = "girotondo"
    need_area = "childcare_education"

    [[providers]]
    key = "girotondo"
    name = "Girotondo Cooperativa Sociale"
    legal_form = "social_cooperative"
    tax_id = "08456780017"
    municipality = "001139"

    [[services]]
    code = "girotondo.summer-camp"
    name = "Centro estivo"
    beneficiary_groups = ["family_members"]
    delivery_modes = ["in_kind", "voucher"]
    price = "125.00"
    unit = "week"
    territory = "valley"

What a Python plugin gets wrong at import time (a misspelt field, a missing one) fails the data file
as a whole, with every such mistake listed; a wrong value (a negative price, an unknown town) rejects
that item alone, with the message the same value gets from Python.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ..domain import N_, format_message
from ..hookspecs import hookimpl
from ..types import NeedArea, Provider, ServiceType, Territory
from . import data_reader

DATA_FILE_NAME = "welfare_plans.toml"  # what the package folder of a data package holds
SECTIONS = ("version", "territories", "service_defaults", "need_areas", "providers", "services")
_LISTS = {"need_areas": NeedArea, "providers": Provider, "services": ServiceType}
_KEY_FIELDS = {NeedArea: "code", Provider: "key", ServiceType: "code"}
_TERRITORY_FIELDS = ("municipalities", "provinces")
_TERRITORY_SET = frozenset(_TERRITORY_FIELDS)


@dataclass(frozen=True)
class FileProblem:
    """Why a data file cannot be read: a message template marked with ``N_``, where, and its values."""

    message: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class DataFileError(ValueError):
    """A data file that cannot be read as a whole; ``problems`` lists every reason found."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {format_message(p.message, p.params)}" for p in problems))


class DataProvider:
    """The plugin one data file becomes: its items, read once, returned by the ``register_*`` hooks."""

    def __init__(
        self,
        need_areas: tuple[NeedArea, ...],
        providers: tuple[Provider, ...],
        services: tuple[ServiceType, ...],
        version: str | None = None,
        location: str | None = None,
    ):
        self.need_areas = need_areas
        self.providers = providers
        self.services = services
        self.version = version
        self.location = location

    def __repr__(self) -> str:
        return f"<DataProvider {self.location or ''}>"

    @hookimpl
    def register_need_areas(self) -> list[NeedArea]:
        return list(self.need_areas)

    @hookimpl
    def register_providers(self) -> list[Provider]:
        return list(self.providers)

    @hookimpl
    def register_service_types(self) -> list[ServiceType]:
        return list(self.services)


def read_data_file(path: Path | str) -> DataProvider:
    """Read a TOML data file into its plugin; :class:`DataFileError` lists what makes it unreadable."""
    path = Path(path)
    try:
        document = data_reader.loads(path.read_bytes().decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DataFileError(
            [FileProblem(N_("could not be read: %(error)s"), path.name, {"error": str(error)})]
        ) from None
    return data_provider(document, location=str(path))


def data_file_of(plugin: object) -> Path | None:
    """The data file of a data package (a package folder holding ``welfare_plans.toml``), else None."""
    if not isinstance(plugin, ModuleType):
        return None
    for folder in getattr(plugin, "__path__", None) or ():
        candidate = Path(folder) / DATA_FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def data_provider(document: Mapping[str, Any], location: str | None = None) -> DataProvider:
    """The plugin of an already parsed data file."""
    problems: list[FileProblem] = []
    for name in document:
        if name not in SECTIONS:
            problems.append(
                FileProblem(
                    N_("%(name)s is not a section of a data file (sections: %(known)s)"),
                    name,
                    {"name": name, "known": ", ".join(SECTIONS)},
                )
            )
    version = document.get("version")
    if version is not None and not isinstance(version, str):
        problems.append(FileProblem(N_("must be text"), "version"))
    territories = _named_territories(document.get("territories", {}), problems)
    defaults = dict(_table(document.get("service_defaults", {}), "service_defaults", problems))
    for name in list(defaults):
        if name == "code" or name not in _field_names(ServiceType):
            problems.append(_unknown_field("service_defaults", name, ServiceType))
            del defaults[name]  # reported once here, not again on every service
    items: dict[str, tuple] = {}
    for section, kind in _LISTS.items():
        entries = document.get(section, [])
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            problems.append(
                FileProblem(N_("must be written as [[%(name)s]] tables"), section, {"name": section})
            )
            entries = []
        base = defaults if kind is ServiceType else {}
        items[section] = tuple(
            _item(kind, {**base, **entry}, number, territories, problems)
            for number, entry in enumerate(entries, start=1)
        )
    if problems:
        raise DataFileError(problems)
    return DataProvider(items["need_areas"], items["providers"], items["services"], version, location)


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(item.name for item in dataclasses.fields(kind))


@functools.cache
def _field_set(kind: type) -> frozenset[str]:
    return frozenset(_field_names(kind))


@functools.cache
def _required_set(kind: type) -> frozenset[str]:
    return frozenset(
        item.name
        for item in dataclasses.fields(kind)
        if item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
    )


def _unknown_field(where: str, name: str, kind: type) -> FileProblem:
    return FileProblem(
        N_("is not a field of %(kind)s (its fields: %(known)s)"),
        f"{where}.{name}",
        {"kind": kind.__name__, "known": ", ".join(_field_names(kind))},
    )


def _table(value: Any, where: str, problems: list[FileProblem]) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    problems.append(FileProblem(N_("must be a table"), where))
    return {}


def _territory(value: Any, where: str, problems: list[FileProblem]) -> Territory | None:
    """A territory written as a table: ``{ municipalities = [...], provinces = [...] }``."""
    if not isinstance(value, dict):
        problems.append(
            FileProblem(
                N_("must be a table of municipalities and provinces, or the name of a territory"), where
            )
        )
        return None
    fine = True
    for name, codes in value.items():
        if name not in _TERRITORY_FIELDS:
            problems.append(_unknown_field(where, name, Territory))
            fine = False
        elif not isinstance(codes, list):
            problems.append(FileProblem(N_("must be a list"), f"{where}.{name}"))
            fine = False
    if not fine:
        return None
    return Territory(
        municipalities=tuple(value.get("municipalities", ())), provinces=tuple(value.get("provinces", ()))
    )


def _named_territories(value: Any, problems: list[FileProblem]) -> dict[str, Territory]:
    named = {}
    for name, territory in _table(value, "territories", problems).items():
        found = _territory(territory, f"territories.{name}", problems)
        if found is not None:
            named[name] = found
    return named


def _item(
    kind: type,
    values: dict[str, Any],
    number: int,
    territories: dict[str, Territory],
    problems: list[FileProblem],
) -> Any:
    """One ``[[...]]`` table as the Python value it stands for; None (and problems) when it cannot be.

    Called once per service of a catalog (100,000 of them in the benchmark): the common case costs a
    few set operations, and the labels of messages are made only when there is something to say."""
    unknown = values.keys() - _field_set(kind)
    missing = _required_set(kind) - values.keys()
    territory = values.get("territory")
    if kind is ServiceType:
        if isinstance(territory, dict) and territory.keys() <= _TERRITORY_SET:
            municipalities, provinces = territory.get("municipalities", ()), territory.get("provinces", ())
            if isinstance(municipalities, list | tuple) and isinstance(provinces, list | tuple):
                territory = values["territory"] = Territory(tuple(municipalities), tuple(provinces))
        elif isinstance(territory, str) and territory in territories:
            territory = values["territory"] = territories[territory]
        for name in ("beneficiary_groups", "delivery_modes"):
            if isinstance(values.get(name), list):
                values[name] = tuple(values[name])
    if not unknown and not missing and (kind is not ServiceType or isinstance(territory, Territory)):
        return kind(**values)
    key = values.get(_KEY_FIELDS[kind])
    label = f"{kind.__name__}[{key}]" if isinstance(key, str) and key else f"{kind.__name__}[#{number}]"
    problems.extend(_unknown_field(label, name, kind) for name in sorted(unknown))
    problems.extend(FileProblem(N_("is required"), f"{label}.{name}") for name in sorted(missing))
    if kind is ServiceType and "territory" in values and not isinstance(territory, Territory):
        where = f"{label}.territory"
        if isinstance(territory, str):
            problems.append(
                FileProblem(
                    N_("%(value)r is not one of the [territories] of this file (%(known)s)"),
                    where,
                    {"value": territory, "known": ", ".join(sorted(territories)) or "-"},
                )
            )
        else:
            _territory(territory, where, problems)  # says what is wrong with it
    return None
