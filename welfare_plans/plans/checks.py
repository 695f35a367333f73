"""The checks of a plan: every ``validate_plan`` implementation's problems, errors first."""

from __future__ import annotations

import dataclasses

from ..domain import N_
from ..domain.plan import PlanProblem, Severity, WelfarePlan
from ..domain.problems import Problem
from ..plugins import Plugins

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


UNREADABLE = N_("A value stored here is not one a plan can hold, and it is read as zero: enter it again.")


def check_plan(plugins: Plugins, plan: WelfarePlan) -> list[PlanProblem]:
    """Every problem every plugin finds, errors first. Results that are not ``PlanProblem`` are reported.
    A stored value no plan can hold (``plan.unreadable``) is an error at its field."""
    problems = [PlanProblem(Severity.ERROR, UNREADABLE, field) for field in plan.unreadable]
    for plugin, result in plugins.call_each("validate_plan", plan=plan).items():
        for problem in result or ():
            if isinstance(problem, PlanProblem) and problem.severity in SEVERITY_ORDER:
                problems.append(dataclasses.replace(problem, plugin=plugin))
            else:
                plugins.add_problem(
                    Problem(
                        plugin,
                        N_("validate_plan returned %(type)s instead of a PlanProblem"),
                        "validate_plan",
                        {"type": type(problem).__name__},
                    )
                )
    return sorted(problems, key=lambda problem: SEVERITY_ORDER[problem.severity])


def blocking(problems: list[PlanProblem]) -> bool:
    """Whether any problem stops the plan from being finalised."""
    return any(problem.severity == Severity.ERROR for problem in problems)
