"""Collecting the catalog: what plugins contribute through the ``register_*`` hooks, validated.

The app collects once, at start-up, and keeps the result on itself (:func:`set_contributions`);
everything else reads it back with :func:`get_contributions`, as :func:`welfare_plans.plugins.get_plugins`
gives the plugins. :func:`sync_contributions` writes them into the catalog and reports on the plugins
what the catalog refused.
"""

from __future__ import annotations

from collections import defaultdict

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ..domain.contributions import Contributions, PluginContribution, validate_contributions
from ..plugins import Plugins, get_plugins
from .ownership import recorded_owners
from .sync import SyncReport, sync_catalog

# where the app keeps its contributions; read and written only through the two functions below
_EXTENSION_KEY = "welfare_plans.contributions"

_HOOKS = {
    "register_need_areas": "need_areas",
    "register_providers": "providers",
    "register_service_types": "service_types",
}


def collect(plugins: Plugins, engine: Engine | None = None) -> Contributions:
    """Call the ``register_*`` hooks of every plugin and validate what comes back.

    A plugin that raises in any of them contributes nothing; invalid items are dropped one by one. Every
    problem is recorded on the plugin's record, so ``plugins list`` and the admin page show it. When
    several plugins bring the same provider key or service code, the catalog in ``engine``'s database
    says which of them owns it (see :mod:`welfare_plans.domain.ownership`).
    """
    raw: dict[str, PluginContribution] = defaultdict(PluginContribution)
    for hook, attribute in _HOOKS.items():
        results = plugins.call_each(hook)
        for plugin_name, result in results.items():
            setattr(raw[plugin_name], attribute, result)
        for plugin_name in results.raised:  # its catalog is incomplete: it contributes none of it
            plugins.records[plugin_name].status = "failed"
    working = {name: value for name, value in raw.items() if plugins.records[name].status != "failed"}
    contributions = validate_contributions(working, recorded_owners(engine) if engine is not None else None)
    for problem in contributions.problems:
        plugins.add_problem(problem)
    return contributions


def set_contributions(app: Flask, contributions: Contributions) -> None:
    """Keep ``contributions`` on ``app`` as the catalog it offers (``create_app`` does this once)."""
    app.extensions[_EXTENSION_KEY] = contributions


def get_contributions(app: Flask) -> Contributions:
    """The validated contributions of ``app``'s plugins: need areas, providers and service types."""
    return app.extensions[_EXTENSION_KEY]


def sync_contributions(app: Flask, session: Session, *, dry_run: bool = False) -> SyncReport:
    """Sync ``app``'s contributions into its catalog (see :func:`.sync.sync_catalog`) and record on each
    plugin what the catalog refused of it (a key or code another plugin owns)."""
    report = sync_catalog(session, get_contributions(app), dry_run=dry_run)
    plugins = get_plugins(app)
    for problem in report.problems:
        plugins.add_problem(problem)
    return report
