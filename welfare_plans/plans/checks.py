"""The checks of a plan: every ``validate_plan`` implementation's problems, errors first.

The checks fail closed: when a plugin's checks could not run (it raised) or gave an answer that is not a
list of valid :class:`PlanProblem`, the plan gets an error naming that plugin, so it cannot be finalised
without them. Why they failed goes on the plugin's record, for the plugins page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from ..domain import N_
from ..domain.plan import PlanProblem, Severity, WelfarePlan
from ..domain.problems import Problem
from ..plugins import Plugins

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
HOOK = "validate_plan"


def check_plan(plugins: Plugins, plan: WelfarePlan) -> list[PlanProblem]:
    """Every problem every plugin finds, errors first; an error for each plugin whose checks could not
    run or whose answer could not be read (what was wrong with it is reported on the plugin)."""
    results = plugins.call_each(HOOK, plan=plan)
    problems = []
    not_run = list(results.raised)
    for plugin, result in results.items():
        accepted, rejected = _read(plugin, result)
        problems.extend(accepted)
        for problem in rejected:
            plugins.add_problem(problem)
        if rejected:
            not_run.append(plugin)
    problems.extend(
        PlanProblem(
            Severity.ERROR,
            N_(
                "The checks of %(plugin)s could not run, so the plan cannot be finalised until they do. An administrator finds the reason on the plugins page."
            ),
            None,
            {"plugin": plugin},
            plugin=plugin,
        )
        for plugin in dict.fromkeys(not_run)
    )
    return sorted(problems, key=lambda problem: SEVERITY_ORDER[problem.severity])


def _read(plugin: str, result: Any) -> tuple[list[PlanProblem], list[Problem]]:
    """The problems in one plugin's answer, and what is wrong with the answer itself."""

    def wrong(message: str, **params: Any) -> Problem:
        return Problem(plugin, message, HOOK, {"hook": HOOK, **params})

    if isinstance(result, str | bytes | Mapping) or not isinstance(result, Iterable):
        return [], [wrong(N_("%(hook)s must return a list, not %(type)s"), type=type(result).__name__)]
    accepted, rejected = [], []
    for problem in result:
        if not isinstance(problem, PlanProblem):
            message = N_("%(hook)s returned a %(type)s where a %(expected)s was expected")
            rejected.append(wrong(message, type=type(problem).__name__, expected="PlanProblem"))
        elif not isinstance(problem.severity, str) or problem.severity not in SEVERITY_ORDER:
            message = N_(
                "%(hook)s returned a PlanProblem whose severity %(value)r is not one of: %(allowed)s"
            )
            allowed = ", ".join(severity.value for severity in Severity)
            rejected.append(wrong(message, value=problem.severity, allowed=allowed))
        elif not isinstance(problem.message, str):
            message = N_("%(hook)s returned a PlanProblem whose message is not text")
            rejected.append(wrong(message))
        else:
            accepted.append(dataclasses.replace(problem, severity=Severity(problem.severity), plugin=plugin))
    return accepted, rejected


def blocking(problems: list[PlanProblem]) -> bool:
    """Whether any problem stops the plan from being finalised."""
    return any(problem.severity == Severity.ERROR for problem in problems)
