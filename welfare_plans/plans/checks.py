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
    for plugin, item in plugins.contributed_items(HOOK, results):
        wrong = _wrong(item)
        if wrong is None:
            problems.append(dataclasses.replace(item, severity=Severity(item.severity), plugin=plugin))
        else:
            plugins.add_problem(Problem(plugin, wrong[0], HOOK, {"hook": HOOK, **wrong[1]}))
            not_run.append(plugin)
    not_run.extend(plugin for plugin, result in results.items() if not _is_list(result))
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


def _is_list(result: Any) -> bool:
    return isinstance(result, Iterable) and not isinstance(result, str | bytes | Mapping)


def _wrong(problem: Any) -> tuple[str, dict[str, Any]] | None:
    """What is wrong with one item of an answer (a message and its parameters), or None."""
    if not isinstance(problem, PlanProblem):
        message = N_("%(hook)s returned a %(type)s where a %(expected)s was expected")
        return message, {"type": type(problem).__name__, "expected": "PlanProblem"}
    if not isinstance(problem.severity, str) or problem.severity not in SEVERITY_ORDER:
        message = N_("%(hook)s returned a PlanProblem whose severity %(value)r is not one of: %(allowed)s")
        return message, {
            "value": problem.severity,
            "allowed": ", ".join(severity.value for severity in Severity),
        }
    if not isinstance(problem.message, str):
        return N_("%(hook)s returned a PlanProblem whose message is not text"), {}
    return None


def blocking(problems: list[PlanProblem]) -> bool:
    """Whether any problem stops the plan from being finalised."""
    return any(problem.severity == Severity.ERROR for problem in problems)
