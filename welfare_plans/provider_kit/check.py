"""Checking a plugin that is not installed: a package folder, a ``.py`` file or a ``.toml`` data file.

The plugin is loaded beside the built-ins alone and validated by the catalog's own code
(:func:`welfare_plans.catalog.collect`), so the messages are those the app would record on it.
"""

from __future__ import annotations

import configparser
import importlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..builtin.data_providers import DATA_FILE_NAME, DataFileError, data_file_of, read_data_file
from ..catalog import collect
from ..domain import N_
from ..domain.contributions import Contributions
from ..domain.problems import Problem
from ..plugins import BUILTIN_PLUGINS, ENTRY_POINT_GROUP, PluginRecord, Plugins, _import_local

CHECKED_MODULES = "welfare_plans_checked_plugins"  # where checked code is imported, away from the app's


@dataclass
class CheckReport:
    """What checking one plugin found: how many items the catalog would accept, and every problem."""

    name: str
    location: str
    problems: list[Problem] = field(default_factory=list)
    need_areas: int = 0
    providers: int = 0
    services: int = 0


def as_plugin(plugin: object) -> object:
    """What the app registers for ``plugin``: a data package or a ``.toml`` path becomes the plugin read
    from its data file; anything else is a plugin already."""
    if isinstance(plugin, str | Path):
        return read_data_file(plugin)
    data_file = data_file_of(plugin)
    return read_data_file(data_file) if data_file is not None else plugin


def validate(plugin: object, name: str) -> Contributions:
    """Register ``plugin`` as ``name`` beside the built-ins, collect and validate as the app does at
    start-up; the result's ``problems`` are every problem recorded on the plugin (hooks that do not
    exist, a hook that raised, each invalid item)."""
    plugins = Plugins()
    for builtin in BUILTIN_PLUGINS:
        plugins.register(
            PluginRecord(builtin, "builtin"), importlib.import_module(f"welfare_plans.builtin.{builtin}")
        )
    record = PluginRecord(name, "local")
    plugins.register(record, as_plugin(plugin))
    result = collect(plugins)
    result.problems = list(record.problems)
    return result


def check_path(path: Path) -> list[CheckReport]:
    """Check the plugins at ``path``: a ``.toml`` data file, a ``.py`` file, a package folder, or a
    project folder whose ``pyproject.toml`` or ``setup.cfg`` declares ``welfare_plans`` entry points
    (one report each)."""
    path = Path(path).resolve()
    reports = []
    for name, location in _plugins_at(path):
        where = f"{location[1]} in {location[0]}" if isinstance(location, tuple) else str(location)
        report = CheckReport(name, where)
        try:
            plugin = _load(location)
        except DataFileError as error:
            report.problems = [Problem(name, p.message, p.field, p.params) for p in error.problems]
        except Exception as error:  # noqa: BLE001 - the author's code: report it, as the app would
            report.problems = [
                Problem(
                    name,
                    N_("could not be imported: %(error)s"),
                    None,
                    {"error": f"{type(error).__name__}: {error}"},
                )
            ]
        else:
            result = validate(plugin, name)
            report.problems = result.problems
            report.need_areas = sum(1 for owner, _ in result.need_areas.values() if owner == name)
            report.providers = sum(1 for owner, _ in result.providers.values() if owner == name)
            report.services = sum(1 for owner, _ in result.service_types.values() if owner == name)
        reports.append(report)
    return reports


def _plugins_at(path: Path) -> list[tuple[str, Path | tuple[Path, str]]]:
    """(name, where its code or data is) for each plugin at ``path``."""
    if path.is_file():
        if path.suffix not in (".toml", ".py"):
            raise ValueError(f"{path.name}: a plugin is a .py file, a .toml data file or a folder")
        return [(path.stem, path)]
    if not path.is_dir():
        raise ValueError(f"{path} does not exist")
    declared = _declared_entry_points(path)
    if declared:
        return [(name, (path, value)) for name, value in sorted(declared.items())]
    if (path / DATA_FILE_NAME).is_file() or (path / "__init__.py").is_file():
        return [(path.name, path)]
    raise ValueError(
        f"{path} holds no plugin: no welfare_plans entry point in pyproject.toml or setup.cfg, "
        f"no __init__.py and no {DATA_FILE_NAME}"
    )


def _declared_entry_points(folder: Path) -> dict[str, str]:
    """The ``welfare_plans`` entry points a project declares, in pyproject.toml or setup.cfg."""
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        declared = project.get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
        if declared:
            return dict(declared)
    setup_cfg = folder / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser()
        parser.read(setup_cfg, encoding="utf-8")
        lines = parser.get("options.entry_points", ENTRY_POINT_GROUP, fallback="").splitlines()
        return {
            name.strip(): value.strip()
            for name, _, value in (line.partition("=") for line in lines if "=" in line)
        }
    return {}


def _load(location: Path | tuple[Path, str]) -> object:
    """The plugin at ``location``: a file or folder, or (project folder, entry point value)."""
    if isinstance(location, Path):
        if location.suffix == ".toml" or (location.is_dir() and (location / DATA_FILE_NAME).is_file()):
            return read_data_file(location if location.suffix == ".toml" else location / DATA_FILE_NAME)
        return _import_local(location, CHECKED_MODULES)
    folder, value = location
    module_name, _, attribute = (part.strip() for part in value.partition(":"))
    top, *inner = module_name.split(".")
    for base in (folder, folder / "src"):
        if (base / top / DATA_FILE_NAME).is_file() and not inner:
            return read_data_file(base / top / DATA_FILE_NAME)
        for candidate in (base / top, base / f"{top}.py"):
            if (candidate / "__init__.py").is_file() or candidate.suffix == ".py" and candidate.is_file():
                module = _import_local(candidate, CHECKED_MODULES)
                if inner:
                    module = importlib.import_module(".".join([module.__name__, *inner]))
                return getattr(module, attribute) if attribute else module
    raise ImportError(f"the entry point names {module_name}, which is not in {folder}")
