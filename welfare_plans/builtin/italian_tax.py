"""Italian tax rules as a built-in plugin: checks through ``validate_plan``, a document section, and the
welfare-versus-cash comparison on a plan's overview and review through ``plan_page_panels``. The rules
are data: ``TAX_RULES_DIR`` (by default the files beside this module), one file per fiscal year. Its
templates are in ``templates/italian_tax/``, addressed as ``"italian_tax/..."``.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext

from ..domain import N_
from ..domain.document import DocumentSection
from ..domain.plan import FundingKind, PlanProblem, Severity, WelfarePlan
from ..domain.tax import (
    DEFAULT_RULES,
    NoRulesForYear,
    RuleSet,
    assumptions,
    check,
    compare_bonus,
    compare_with_cash,
    load_rules,
)
from ..hookspecs import hookimpl
from ..markup import render_markup
from ..types import PagePanel

template_folder = "templates/italian_tax"
PANEL_PAGES = ("overview", "review")


def rules_folder() -> Path:
    return Path(current_app.config.get("TAX_RULES_DIR") or DEFAULT_RULES)


@functools.lru_cache(maxsize=32)
def _cached_rules(folder: str, year: int, modified: int) -> RuleSet:
    return load_rules(year, folder)


def rules_for(year: int) -> RuleSet:
    """The year's rules, read again whenever a maintainer changes the file."""
    folder = rules_folder()
    path = folder / f"{year}.json"
    if not path.is_file():
        raise NoRulesForYear(year, folder)
    return _cached_rules(str(folder), year, path.stat().st_mtime_ns)


def comparison(plan: WelfarePlan) -> dict | None:
    """Welfare versus cash for each included category and for the productivity bonus, or None without rules."""
    try:
        rules = rules_for(plan.fiscal_year)
    except NoRulesForYear:
        return None
    categories = [
        (category, compare_with_cash(rules, category.credit_per_worker))
        for category in plan.categories
        if category.included and category.credit_per_worker
    ]
    bonus_total = sum(
        (s.amount for s in plan.funding if s.kind == FundingKind.PRODUCTIVITY_BONUS), Decimal("0")
    )
    bonus = (
        compare_bonus(rules, (bonus_total / plan.workers_covered).quantize(Decimal("0.01")))
        if bonus_total and plan.workers_covered
        else None
    )
    plan_total = {
        "welfare": sum((c.budget for c, _ in categories), Decimal("0")),
        "cash": sum((r.net_cash * c.headcount for c, r in categories), Decimal("0")),
    }
    return {"rules": rules, "categories": categories, "bonus": bonus, "plan": plan_total,
            "assumptions": assumptions(rules)}  # fmt: skip


@hookimpl
def validate_plan(plan: WelfarePlan) -> list[PlanProblem]:
    try:
        rules = rules_for(plan.fiscal_year)
    except NoRulesForYear as missing:
        return [
            PlanProblem(
                Severity.ERROR,
                N_(
                    "There are no tax rules for the fiscal year %(year)d: the plan cannot be checked. A maintainer adds them as %(file)s."
                ),
                "fiscal_year",
                {"year": missing.year, "file": f"{missing.year}.json"},
            )
        ]
    return check(plan, rules)


@hookimpl
def plan_document_sections(plan: WelfarePlan, language: str) -> list[DocumentSection]:
    figures = comparison(plan)
    if figures is None:
        return []
    return [
        DocumentSection(
            key="tax",
            title=gettext("Tax treatment: welfare compared with pay"),
            html=render_template("italian_tax/document_section.html", plan=plan, tax=figures),
            position=65,
        )
    ]


@hookimpl
def plan_page_panels(plan: WelfarePlan, page: str, language: str) -> list[PagePanel]:
    """The comparison of welfare with pay; on a joint plan, the network's totals only (members see them)."""
    figures = comparison(plan) if page in PANEL_PAGES else None
    if figures is None or not figures["categories"]:
        return []
    return [
        PagePanel(
            key="tax-comparison",
            title=gettext("Welfare compared with pay"),
            html=render_markup("italian_tax/panel.html", plan=plan, tax=figures),
            position=10,
        )
    ]
