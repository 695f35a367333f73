"""Syncing a catalog from TOML data files against syncing the same services from a Python plugin.

The generated catalog of ``catalog_plugin.GeneratedCatalog`` is written as data files as a network or a
register of providers would publish it, twenty providers (1,000 services) to a file, the groups, delivery
modes and unit that every service shares in ``[service_defaults]``, into a temporary plugins folder. Each run times what a deployment does
after installing the plugins: build the app (which reads the files), collect and validate the
contributions, and sync them into an empty catalog on SQLite; the two alternate, twice, and the
faster run of each counts. The ratio is of CPU time (SQLite works inside the process), which a machine
busy with other work disturbs less than the wall clock, printed beside it. Target (issue 13): at 100,000 services the
data files take at most 1.3 times as long as the Python plugin.

``python -m benchmarks.catalog_data_files [SIZE ...]``; figures vary with the machine, compare the ratio.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from welfare_plans import create_app, schema
from welfare_plans.catalog import collect, get_contributions, set_contributions, sync_catalog
from welfare_plans.db import get_db
from welfare_plans.domain.territory import gazetteer
from welfare_plans.plugins import PluginRecord, get_plugins

from .catalog_plugin import GeneratedCatalog

SIZES = [int(size) for size in sys.argv[1:] if size.isdigit()] or [100_000]
TARGET = 1.3
ROUNDS = 2
PROVIDERS_PER_FILE = 20  # a network's or a register's file: 1,000 services in the benchmark's catalog
SHARED = ("beneficiary_groups", "delivery_modes", "unit")  # the same for every generated service


def toml_value(value) -> str:
    """A TOML literal for the values a catalog holds (JSON's string escapes are TOML's too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def write_data_files(catalog: GeneratedCatalog, folder: Path) -> int:
    """``catalog`` as data files of ``PROVIDERS_PER_FILE`` providers each; the number of bytes written."""
    services = defaultdict(list)
    for service in catalog.register_service_types():
        services[service.provider].append(service)
    providers = catalog.register_providers()
    written = 0
    for first in range(0, len(providers), PROVIDERS_PER_FILE):
        mine = providers[first : first + PROVIDERS_PER_FILE]
        sample = services[mine[0].key][0]
        lines = ['version = "1.0.0"', "", "[service_defaults]"]
        lines += [f"{name} = {toml_value(getattr(sample, name))}" for name in SHARED]
        for provider in mine:
            lines += ["", "[[providers]]"]
            lines += [
                f"{name} = {toml_value(getattr(provider, name))}"
                for name in ("key", "name", "legal_form", "tax_id", "municipality")
            ]
        for provider in mine:
            for service in services[provider.key]:
                territory = toml_value(service.territory.municipalities)
                lines += [
                    "",
                    "[[services]]",
                    f"code = {toml_value(service.code)}",
                    f"provider = {toml_value(service.provider)}",
                    f"name = {toml_value(service.name)}",
                    f"need_area = {toml_value(service.need_area)}",
                    f'price = "{service.price}"',
                    f"territory = {{ municipalities = {territory} }}",
                ]
        text = "\n".join(lines) + "\n"
        (folder / f"bench-data-{first // PROVIDERS_PER_FILE:04d}.toml").write_text(text, encoding="utf-8")
        written += len(text.encode())
    return written


@dataclass(frozen=True)
class Timing:
    collect: float  # CPU seconds: build the app (reading the files) and collect the contributions
    sync: float  # CPU seconds: write them into the catalog (SQLite works in this process)
    wall: float
    created: int

    @property
    def cpu(self) -> float:
        return self.collect + self.sync


def new_database(folder: Path, name: str) -> dict:
    config = {
        "DATABASE_URL": f"sqlite:///{folder / f'{name}.db'}",
        "SECRET_KEY": "bench",
        "CATALOG_SYNC_ON_STARTUP": False,
        "PLUGINS_DIR": "",
        "PLUGINS_ALLOWED": [],  # the generated catalog alone, with the built-ins
        "DOCUMENTS_DIR": str(folder / "documents"),
    }
    app = create_app(config)
    schema.upgrade(app)
    app.extensions["welfare_plans.db"].engine.dispose()
    return config


def timed_sync(config: dict, register=None) -> Timing:
    """How long building the app, collecting and syncing took, and how many services it created."""
    wall, cpu = time.perf_counter(), time.process_time()
    app = create_app(config)
    if register is not None:
        plugins = get_plugins(app)
        register(plugins)
        set_contributions(app, collect(plugins))
    contributions = get_contributions(app)
    collected_cpu = time.process_time()
    with app.app_context():
        report = sync_catalog(get_db(app).session(), contributions)
    timing = Timing(
        collect=collected_cpu - cpu,
        sync=time.process_time() - collected_cpu,
        wall=time.perf_counter() - wall,
        created=report.services.created,
    )
    app.extensions["welfare_plans.db"].engine.dispose()
    return timing


def register_generated(plugins, catalog: GeneratedCatalog) -> None:
    plugins.register(PluginRecord("generated", "local"), catalog)


def run(size: int) -> float:
    catalog = GeneratedCatalog(size)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        data = folder / "plugins"
        data.mkdir()
        size_bytes = write_data_files(catalog, data)
        allowed = [path.stem for path in data.glob("*.toml")]  # the files, not the installed providers
        gazetteer()  # loaded once per process, whichever goes first: not part of either figure
        runs: dict[str, list[Timing]] = {"python": [], "data": []}
        for round_number in range(ROUNDS):  # alternated, each on an empty catalog; the best of each
            python_config = new_database(folder, f"python-{round_number}")
            runs["python"].append(
                timed_sync(python_config, lambda plugins: register_generated(plugins, catalog))
            )
            data_config = {
                **new_database(folder, f"data-{round_number}"),
                "PLUGINS_DIR": str(data),
                "PLUGINS_ALLOWED": allowed,
            }
            runs["data"].append(timed_sync(data_config))
        python = min(runs["python"], key=lambda timing: timing.cpu)
        files = min(runs["data"], key=lambda timing: timing.cpu)
    assert python.created == files.created == size, (python, files)
    ratio = files.cpu / python.cpu
    files_count = -(-catalog.provider_count // PROVIDERS_PER_FILE)
    print(
        f"  {size:>7,} services in {files_count:,} files ({size_bytes / 1e6:.1f} MB); CPU seconds (wall clock)\n"
        f"    Python plugin: collect {python.collect:6.2f} + sync {python.sync:6.2f} = {python.cpu:6.2f} s ({python.wall:.2f} s)\n"
        f"    data files:    collect {files.collect:6.2f} + sync {files.sync:6.2f} = {files.cpu:6.2f} s ({files.wall:.2f} s)\n"
        f"    ratio {ratio:.2f}x   target <= {TARGET}x: {'met' if ratio <= TARGET else 'NOT met'}"
    )
    return ratio


def main() -> None:
    print(
        f"target (issue 13): syncing services from data files takes at most {TARGET}x the Python plugin (SQLite)"
    )
    for size in SIZES:
        run(size)


if __name__ == "__main__":
    main()
