"""Build the application's plugin manager and keep a record of every plugin it knows of.

Plugins come from three places, in this order: the built-ins (the core's own features, written as
plugins), the ``welfare_plans`` entry-point group (a provider's pip package) and the local plugins
folder (``PLUGINS_DIR``: ``.py`` files and packages, and ``.toml`` data files read by the built-in
:mod:`~welfare_plans.builtin.data_providers`; an installed data package is read the same way).
``PLUGINS_BLOCKED`` names plugins never to load;
``PLUGINS_ALLOWED``, when set, is the only installed and local plugins to load. A plugin that fails to
import, states a range of contract versions that excludes :data:`~welfare_plans.hookspecs.CONTRACT_VERSION`
or is not a valid plugin is recorded as failed, with the reason, and the app goes on without it;
``PLUGINS_STRICT`` turns any such problem into a startup error.

pluggy calls the hooks, in its order, with ``tryfirst``/``trylast``, wrappers and ``firstresult``. Each
implementation is isolated for one call (:mod:`welfare_plans.hookcalls`): one that raises is logged,
counted on its plugin's record (last error, error count) and skipped for that call only; the plugin
stays loaded. :meth:`Plugins.call_each` gives a call's results by plugin and names those that raised.

A plugin may ship Jinja templates: it names their folder in a ``template_folder`` attribute, and the
app's loader finds them under the plugin's name (``"italian_tax/panel.html"``), after the core's own
templates, so a plugin never replaces a core page.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import logging
import sys
import threading
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from . import hookspecs
from .builtin.data_providers import DataFileError, DataProvider, data_file_of, read_data_file
from .domain import N_
from .domain.problems import Problem
from .hookcalls import HookResults, call_by_plugin, isolate_plugin

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "welfare_plans"
BUILTIN_PLUGINS = ("need_areas", "plan_checks", "italian_tax", "plan_document", "pdf_renderer")
EXTENSION_KEY = "welfare_plans.plugins"


class PluginError(RuntimeError):
    """Raised at startup in strict mode when any plugin failed or contributed invalid data."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("plugin problems:\n" + "\n".join(f"- {problem}" for problem in problems))


@dataclass
class PluginRecord:
    """What the app knows of one plugin: where it came from, how loading it went, how its calls go."""

    name: str
    source: str  # "builtin", "installed" or "local"
    version: str | None = None
    status: str = "active"  # "active", "degraded", "failed", "blocked" or "not_allowed"
    hooks: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    distribution: str | None = None
    location: str | None = None
    contract: str | None = None  # the range of contract versions the plugin says it supports
    deprecations: list[str] = field(default_factory=list)  # what it uses that the contract deprecates
    error_count: int = 0  # how many calls of its hooks raised since the app started
    last_error: Problem | None = None
    last_error_at: datetime | None = None

    def to_dict(self, gettext=None) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "source": self.source,
            "status": self.status,
            "hooks": sorted(self.hooks),
            "distribution": self.distribution,
            "location": self.location,
            "contract": self.contract,
            "deprecations": list(self.deprecations),
            "problems": [problem.to_dict(gettext) for problem in self.problems],
            "error_count": self.error_count,
            "last_error": self.last_error.to_dict(gettext) if self.last_error else None,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
        }


class Plugins:
    """The app's :class:`pluggy.PluginManager` together with the record of every plugin."""

    def __init__(self) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self.template_loaders: dict[str, FileSystemLoader] = {}
        self._errors_lock = threading.Lock()

    # -- loading ---------------------------------------------------------------------------------------
    def register(self, record: PluginRecord, plugin: object) -> None:
        """Register ``plugin`` under ``record.name``, each of its hooks isolated per call (see
        :mod:`welfare_plans.hookcalls`); a plugin refused by its contract range or by pluggy is failed."""
        if record.name in self.records:
            self.records[record.name + f" ({record.source})"] = record
            self.fail(record, N_("a plugin named %(name)s is already loaded"), name=record.name)
            return
        self.records[record.name] = record
        if not self._supports_contract(record, plugin):
            return
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", hookspecs.ContractDeprecationWarning)
                self.manager.register(plugin, name=record.name)
        except (pluggy.PluginValidationError, ValueError) as error:
            self.fail(record, N_("not a valid plugin: %(reason)s"), reason=str(error))
            return
        finally:
            _pass_on_warnings(record, caught)
        unknown = [
            caller.name for caller in self.manager.get_hookcallers(plugin) or [] if not caller.has_spec()
        ]
        if unknown:
            self.manager.unregister(plugin)
            self.fail(
                record, N_("implements hooks that do not exist: %(hooks)s"), hooks=", ".join(sorted(unknown))
            )
            return
        record.hooks = sorted(caller.name for caller in self.manager.get_hookcallers(plugin) or [])
        if hasattr(plugin, "template_folder"):
            folder = _template_folder(plugin)
            if folder is None or not folder.is_dir():
                self.manager.unregister(plugin)
                self.fail(
                    record,
                    N_("its template_folder %(folder)s is not a folder"),
                    "template_folder",
                    folder=str(folder or plugin.template_folder),
                )
                return
            self.template_loaders[record.name] = FileSystemLoader(folder)
        isolate_plugin(self.manager, plugin, self.record_error)

    def _supports_contract(self, record: PluginRecord, plugin: object) -> bool:
        """Whether the range of contract versions ``plugin`` states (if any) includes ours; fail it if not."""
        record.contract, refusal = hookspecs.contract_refusal(plugin)
        if refusal is not None:
            self.fail(record, refusal[0], hookspecs.CONTRACT_ATTRIBUTE, **refusal[1])
        return refusal is None

    def fail(self, record: PluginRecord, message: str, field_name: str | None = None, **params: Any) -> None:
        record.status = "failed"
        record.problems.append(Problem(record.name, message, field_name, params))
        log.error("plugin %s failed: %s", record.name, record.problems[-1].render())

    def add_problem(self, problem: Problem) -> None:
        """Record invalid data a plugin contributed; the plugin stays loaded, marked degraded."""
        record = self.records.get(problem.plugin)
        if record is None or problem in record.problems:
            return
        record.problems.append(problem)
        if record.status == "active":
            record.status = "degraded"
        log.warning("plugin %s", problem)

    def record_error(self, plugin_name: str, hook_name: str, error: Exception) -> None:
        """Note that an implementation of ``hook_name`` raised ``error`` and was skipped for that call.

        The plugin stays loaded. Its record counts the errors and keeps the last one; the first error of
        each hook is also one of its problems (degraded), so the plugins page shows it however often it
        comes back."""
        log.error("plugin %s raised in %s", plugin_name, hook_name, exc_info=error)
        record = self.records.get(plugin_name)
        if record is None:
            return
        problem = Problem(
            plugin_name,
            N_("%(hook)s raised %(error)s"),
            hook_name,
            {"hook": hook_name, "error": _describe(error)},
        )
        with self._errors_lock:
            record.error_count += 1
            record.last_error = problem
            record.last_error_at = datetime.now(UTC)
        if not any(
            known.field == hook_name and known.message == problem.message for known in record.problems
        ):
            self.add_problem(problem)

    # -- calling ---------------------------------------------------------------------------------------
    def call_each(
        self, hook_name: str, only_taking: str | None = None, excluding: Iterable[str] = (), **kwargs: Any
    ) -> HookResults:
        """Call ``hook_name`` through pluggy and return the results by plugin name, in pluggy's order.

        Each implementation is isolated (:mod:`welfare_plans.hookcalls`): one that raises is reported and
        left out of this call's results, named in ``.raised``, and stays loaded. With ``only_taking``,
        the implementations that do not take that argument (added to the hook after they were written)
        are left out of the call; ``excluding`` leaves out the named plugins.
        """
        caller = getattr(self.manager.hook, hook_name)
        skipped = set(excluding)
        if only_taking is not None:
            skipped.update(
                impl.plugin_name
                for impl in caller.get_hookimpls()
                if not (impl.wrapper or impl.hookwrapper) and only_taking not in impl.argnames
            )
        plugins = [plugin for plugin in map(self.manager.get_plugin, skipped) if plugin is not None]
        if plugins:
            caller = self.manager.subset_hook_caller(hook_name, plugins)
        return call_by_plugin(caller, **kwargs)

    def contributed_items(self, hook_name: str, results: HookResults) -> list[tuple[str, Any]]:
        """Every item of every list in ``results`` (a call of ``hook_name``), in pluggy's order, with the
        plugin that made it (:meth:`HookResults.origin`). A result that is not a list is reported."""
        items = []
        for plugin, result in results.items():
            if isinstance(result, str | bytes | Mapping) or not isinstance(result, Iterable):
                message, params = (
                    N_("%(hook)s must return a list, not %(type)s"),
                    {"type": type(result).__name__},
                )
                self.add_problem(Problem(plugin, message, hook_name, {"hook": hook_name, **params}))
                continue
            items.extend((results.origin(item, plugin), item) for item in result)
        return items

    def builtins_first(self, items: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """``items`` by plugin, the built-ins' first, the others' in the order given: where plugins
        contribute things with keys, a key a built-in uses stays the built-in's."""
        return sorted(items, key=lambda item: getattr(self.records.get(item[0]), "source", "") != "builtin")

    def add_templates_to(self, app: Flask) -> None:
        """Put every plugin's templates in the Jinja loader of ``app``, under the plugin's name and after
        the core's own templates."""
        app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, PrefixLoader(self.template_loaders)])

    @property
    def problems(self) -> list[Problem]:
        return [problem for record in self.records.values() for problem in record.problems]

    def list(self) -> list[PluginRecord]:
        order = {"builtin": 0, "installed": 1, "local": 2}
        return sorted(self.records.values(), key=lambda record: (order[record.source], record.name))


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _pass_on_warnings(record: PluginRecord, caught: list[warnings.WarningMessage]) -> None:
    """Note on ``record`` what the contract deprecates that the plugin uses, and warn on as pluggy did."""
    for warning in caught:
        if issubclass(warning.category, hookspecs.ContractDeprecationWarning):
            record.deprecations.append(str(warning.message))
            log.warning("plugin %s: %s", record.name, warning.message)
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def _template_folder(plugin: object) -> Path | None:
    """The folder a plugin names in ``template_folder``: absolute, or relative to the plugin's module."""
    try:
        folder = Path(plugin.template_folder)  # type: ignore[attr-defined]
        if folder.is_absolute():
            return folder
        source = plugin if isinstance(plugin, ModuleType) else type(plugin)
        return Path(inspect.getfile(source)).parent / folder
    except (TypeError, OSError):  # not a path, or a plugin defined where no file says where it is
        return None


def build_plugins(config: dict[str, Any], version: str) -> Plugins:
    """Load the built-in, installed and local plugins that the configuration lets in."""
    plugins = Plugins()
    blocked = set(config.get("PLUGINS_BLOCKED") or ())
    allowed = config.get("PLUGINS_ALLOWED")
    allowed = None if allowed is None else set(allowed)

    def admitted(record: PluginRecord) -> bool:
        if record.name in blocked:
            record.status = "blocked"
        elif record.source != "builtin" and allowed is not None and record.name not in allowed:
            record.status = "not_allowed"
        else:
            return True
        plugins.records[record.name] = record
        return False

    for name in BUILTIN_PLUGINS:
        record = PluginRecord(
            name=name, source="builtin", version=version, location=f"welfare_plans.builtin.{name}"
        )
        if admitted(record):
            plugins.register(record, importlib.import_module(f"welfare_plans.builtin.{name}"))

    for entry_point in sorted(
        importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name
    ):
        record = PluginRecord(
            name=entry_point.name,
            source="installed",
            version=entry_point.dist.version if entry_point.dist else None,
            distribution=entry_point.dist.name if entry_point.dist else None,
            location=entry_point.value,
        )
        if not admitted(record):
            continue
        try:
            plugin = entry_point.load()
        except Exception as error:  # noqa: BLE001 - a broken package must not take the app down
            plugins.records[record.name] = record
            plugins.fail(record, N_("could not be imported: %(error)s"), error=_describe(error))
            continue
        data_file = data_file_of(plugin)  # a data package: its TOML file is the plugin
        if data_file is not None:
            plugin = _read_data_file(plugins, record, data_file)
        if plugin is not None:
            plugins.register(record, plugin)

    folder = config.get("PLUGINS_DIR")
    if folder and Path(folder).is_dir():
        for path in sorted(Path(folder).iterdir()):
            if path.name.startswith(("_", ".")) or not (
                path.suffix in (".py", ".toml") or (path / "__init__.py").is_file()
            ):
                continue
            record = PluginRecord(name=path.stem, source="local", location=str(path))
            if not admitted(record):
                continue
            if path.suffix == ".toml":  # a data file: providers and services without code
                data_plugin = _read_data_file(plugins, record, path)
                if data_plugin is not None:
                    record.version = data_plugin.version
                    plugins.register(record, data_plugin)
                continue
            try:
                module = _import_local(path)
            except Exception as error:  # noqa: BLE001
                plugins.records[record.name] = record
                plugins.fail(record, N_("could not be imported: %(error)s"), error=_describe(error))
                continue
            record.version = getattr(module, "__version__", None)
            plugins.register(record, module)
    return plugins


def _read_data_file(plugins: Plugins, record: PluginRecord, path: Path) -> DataProvider | None:
    """The plugin of a TOML data file, or None with every reason it cannot be read recorded as failed."""
    try:
        return read_data_file(path)
    except DataFileError as error:
        plugins.records[record.name] = record
        for problem in error.problems:
            plugins.fail(record, problem.message, problem.field, **problem.params)
        return None


def _import_local(path: Path, namespace: str = "welfare_plans_local_plugins") -> ModuleType:
    """Import a plugin file or package from the local folder under a private module name."""
    module_name = f"{namespace}.{path.stem}"
    location = path / "__init__.py" if path.is_dir() else path
    spec = importlib.util.spec_from_file_location(
        module_name, location, submodule_search_locations=[str(path)] if path.is_dir() else None
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def get_plugins(app) -> Plugins:
    """The plugins of ``app`` (a Flask app)."""
    return app.extensions[EXTENSION_KEY]
