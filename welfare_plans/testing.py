"""Helpers for plugin authors' tests.

``validate_plugin(my_plugin)`` runs a plugin's hooks and the core's validation exactly as the app
does at startup, with the built-in need areas, and returns what was accepted and every problem::

    from welfare_plans.testing import validate_plugin
    import my_provider_plugin

    def test_contributions_are_valid():
        assert validate_plugin(my_provider_plugin).problems == []
"""

from __future__ import annotations

import importlib

from .catalog import collect
from .domain.contributions import Contributions
from .plugins import BUILTIN_PLUGINS, PluginRecord, Plugins


def validate_plugin(plugin: object, name: str = "plugin-under-test") -> Contributions:
    plugins = Plugins()
    for builtin in BUILTIN_PLUGINS:
        plugins.register(
            PluginRecord(builtin, "builtin"), importlib.import_module(f"welfare_plans.builtin.{builtin}")
        )
    plugins.register(PluginRecord(name, "local"), plugin)
    return collect(plugins)
