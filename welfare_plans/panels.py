"""What plugins add to a plan's pages through ``plan_page_panels``, checked and ordered."""

from __future__ import annotations

import dataclasses

from .domain import N_
from .domain.plan import WelfarePlan
from .domain.problems import Problem
from .plugins import Plugins
from .types import PagePanel


def plan_page_panels(plugins: Plugins, plan: WelfarePlan, page: str, language: str) -> list[PagePanel]:
    """The panels plugins add to ``page`` of ``plan`` through ``plan_page_panels``, ordered by position.

    A result that is not a list of :class:`PagePanel`, or a panel whose key another plugin already used,
    is reported and left out. Titles become plain text, so they are escaped wherever they are shown.
    """
    hook = "plan_page_panels"
    panels: dict[str, PagePanel] = {}
    results = plugins.call_each(hook, plan=plan, page=page, language=language)
    for plugin, panel in plugins.builtins_first(plugins.contributed_items(hook, results)):
        if not isinstance(panel, PagePanel):
            message = N_("%(hook)s returned a %(type)s where a %(expected)s was expected")
            params = {"hook": hook, "type": type(panel).__name__, "expected": "PagePanel"}
        elif not isinstance(panel.key, str) or not isinstance(panel.position, int):
            message = N_("%(hook)s: a panel needs a text key and a whole number as its position")
            params = {"hook": hook}
        elif panel.key in panels:
            message = N_("%(hook)s: the panel key %(key)s is already taken")
            params = {"hook": hook, "key": panel.key}
        else:
            panels[panel.key] = dataclasses.replace(panel, title=str(panel.title))
            continue
        plugins.add_problem(Problem(plugin, message, hook, params))
    return sorted(panels.values(), key=lambda panel: panel.position)
