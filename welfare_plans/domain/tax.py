"""Italian tax rules for corporate welfare: figures by year, classification, checks, welfare versus cash.

The rules are data (``builtin/tax_rules/<year>.json`` and ``classification.json``), each figure with its
legal source; a maintainer updates them without touching code. Nothing here imports Flask.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from . import N_
from .plan import FundingKind, LegalBasis, PlanProblem, Severity, WelfarePlan

CENT = Decimal("0.01")
DEFAULT_RULES = Path(__file__).resolve().parent.parent / "builtin" / "tax_rules"


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class NoRulesForYear(LookupError):
    def __init__(self, year: int, folder: Path):
        self.year, self.folder = year, folder
        super().__init__(f"no tax rules for fiscal year {year} in {folder}")


@dataclass(frozen=True)
class Figure:
    value: Decimal
    source: str


@dataclass(frozen=True)
class TaxBasis:
    code: str
    label: str
    refundable: bool
    modes: tuple[str, ...]
    cap: str | None = None
    fringe: bool = False
    taxable: bool = False


@dataclass(frozen=True)
class RuleSet:
    """The rules of one fiscal year."""

    year: int
    figures: dict[str, Figure]
    brackets: tuple[tuple[Decimal | None, Decimal], ...]
    brackets_source: str
    bases: dict[str, TaxBasis]
    classification: dict[str, dict[str, str]]

    def __getitem__(self, name: str) -> Decimal:
        return self.figures[name].value

    def source(self, name: str) -> str:
        return self.figures[name].source

    def marginal_rate(self, income: Decimal) -> Decimal:
        for up_to, rate in self.brackets:
            if up_to is None or income <= up_to:
                return rate
        return self.brackets[-1][1]

    def classify(self, need_area: str, delivery_modes: tuple[str, ...]) -> TaxBasis:
        """The tax basis of a service from its need area and how it is paid (its first mode decides)."""
        table = self.classification.get(need_area, {})
        for mode in delivery_modes:
            if mode in table:
                return self.bases[table[mode]]
        return self.bases[table.get("*", "none")]


def tax_basis_codes(folder: Path | str | None = None) -> frozenset[str]:
    """The codes of the tax bases in ``classification.json`` (what a provider may state as
    ``extra["tax_basis"]``), from ``folder`` or the built-in rules."""
    path = Path(folder or DEFAULT_RULES) / "classification.json"
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["bases"])


def load_rules(year: int, folder: Path | str | None = None) -> RuleSet:
    """The rules of ``year``; a year without a file raises :class:`NoRulesForYear`, never a silent fallback."""
    folder = Path(folder or DEFAULT_RULES)
    path = folder / f"{year}.json"
    if not path.is_file():
        raise NoRulesForYear(year, folder)
    data = json.loads(path.read_text(encoding="utf-8"))
    classification = json.loads((folder / "classification.json").read_text(encoding="utf-8"))
    figures = {
        name: Figure(Decimal(str(item["value"])), item["source"]) for name, item in data["figures"].items()
    }
    brackets = tuple(
        (Decimal(b["up_to"]) if b["up_to"] is not None else None, Decimal(b["rate"]))
        for b in data["irpef_brackets"]["brackets"]
    )
    bases = {
        code: TaxBasis(code, item["label"], item["refundable"], tuple(item["modes"]), item.get("cap"),
                       item.get("fringe", False), item.get("taxable", False))
        for code, item in classification["bases"].items()
    }  # fmt: skip
    return RuleSet(
        year, figures, brackets, data["irpef_brackets"]["source"], bases, classification["need_areas"]
    )


# -- welfare versus cash -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CashComparison:
    """What one worker gets from an employer spending ``employer_cost`` as welfare or as gross pay."""

    employer_cost: Decimal
    welfare_received: Decimal
    gross_pay: Decimal
    employer_contributions: Decimal
    employee_contributions: Decimal
    income_tax: Decimal
    net_cash: Decimal
    marginal_rate: Decimal

    @property
    def advantage(self) -> Decimal:
        return self.welfare_received - self.net_cash


def compare_with_cash(
    rules: RuleSet, employer_cost: Decimal, income: Decimal | None = None
) -> CashComparison:
    """The same employer cost as exempt welfare or as gross pay taxed at the worker's marginal rate.

    Every step is rounded to the cent so that the parts always add up to the whole.
    """
    income = rules["reference_income"] if income is None else income
    gross = cents(employer_cost / (1 + rules["employer_contribution_rate"]))
    employee = cents(gross * rules["employee_contribution_rate"])
    rate = rules.marginal_rate(income) + rules["local_surcharge_rate"]
    tax = cents((gross - employee) * rate)
    return CashComparison(
        employer_cost=employer_cost,
        welfare_received=employer_cost,
        gross_pay=gross,
        employer_contributions=employer_cost - gross,
        employee_contributions=employee,
        income_tax=tax,
        net_cash=gross - employee - tax,
        marginal_rate=rate,
    )


@dataclass(frozen=True)
class BonusComparison:
    """A productivity bonus paid in cash at the substitute rate, or converted into welfare (c.184)."""

    bonus: Decimal
    employee_contributions: Decimal
    substitute_tax: Decimal
    net_cash: Decimal
    employer_cost_cash: Decimal
    welfare_received: Decimal
    employer_cost_welfare: Decimal


def compare_bonus(rules: RuleSet, bonus: Decimal) -> BonusComparison:
    employee = cents(bonus * rules["employee_contribution_rate"])
    tax = cents((bonus - employee) * rules["productivity_bonus_substitute_rate"])
    return BonusComparison(
        bonus=bonus,
        employee_contributions=employee,
        substitute_tax=tax,
        net_cash=bonus - employee - tax,
        employer_cost_cash=bonus + cents(bonus * rules["employer_contribution_rate"]),
        welfare_received=bonus,
        employer_cost_welfare=bonus,
    )


def assumptions(rules: RuleSet) -> list[tuple[str, dict]]:
    """What the comparison assumes, each as a translatable sentence with its figures."""
    return [
        (N_("Rules of fiscal year %(year)d."), {"year": rules.year}),
        (N_("Welfare services fully exempt under TUIR art. 51: the worker receives the whole credit."), {}),
        (N_("Employer social contributions of %(rate)s%% on gross pay (%(source)s)."),
         {"rate": _percent(rules["employer_contribution_rate"]), "source": rules.source("employer_contribution_rate")}),
        (N_("Worker social contributions of %(rate)s%% (%(source)s)."),
         {"rate": _percent(rules["employee_contribution_rate"]), "source": rules.source("employee_contribution_rate")}),
        (N_("Income tax at the marginal rate of a worker earning %(income)s euro a year (%(source)s), plus %(local)s%% of local surcharges."),
         {"income": rules["reference_income"], "source": rules.brackets_source, "local": _percent(rules["local_surcharge_rate"])}),
        (N_("A productivity bonus paid in cash bears the substitute tax of %(rate)s%% (%(source)s), for workers who earned up to %(limit)s euro the year before."),
         {"rate": _percent(rules["productivity_bonus_substitute_rate"]), "source": rules.source("productivity_bonus_substitute_rate"),
          "limit": rules["productivity_bonus_income_limit"]}),
    ]  # fmt: skip


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


# -- checks ------------------------------------------------------------------------------------------------
def per_worker(plan: WelfarePlan, amount: Decimal) -> Decimal:
    return cents(amount / plan.workers_covered) if plan.workers_covered else Decimal("0.00")


def check(plan: WelfarePlan, rules: RuleSet) -> list[PlanProblem]:
    """Every rule the plan breaks or should know about, each naming the rule and its source."""
    problems: list[PlanProblem] = []

    def add(severity, message, field, **params):
        problems.append(PlanProblem(severity, message, field, params))

    error, warning, info = Severity.ERROR, Severity.WARNING, Severity.INFO
    by_basis: dict[str, Decimal] = defaultdict(lambda: Decimal("0"))
    for item in plan.basket:
        basis = rules.classify(item.need_area, item.delivery_modes)
        field = f"items.{item.service_code}"
        if item.beneficiary_group in ("workers", "family_members"):
            by_basis[basis.code] += item.budget
        if item.declared_tax_basis and item.declared_tax_basis != basis.code:
            add(warning, N_("“%(service)s”: its provider states %(declared)s, but a %(area)s service paid this way falls under %(basis)s."),
                field, service=item.name, declared=item.declared_tax_basis, area=item.need_area, basis=basis.label)  # fmt: skip
        if "reimbursement" in item.delivery_modes and not basis.refundable:
            add(warning, N_("“%(service)s” falls under %(basis)s: it must be offered in kind or by voucher, never refunded in cash."),
                field, service=item.name, basis=basis.label)  # fmt: skip
        if item.beneficiary_group == "citizens" and item.budget:
            add(info, N_("“%(service)s” for citizens of the territory carries no tax exemption for them: it is a cost of the plan, not a benefit under art. 51 TUIR."),
                field, service=item.name)  # fmt: skip
        if item.beneficiary_group == "former_employees" and basis.code != "art51_c2_a":
            add(warning, N_("“%(service)s” for former employees is taxable for them: only health-fund contributions (%(source)s) stay exempt after employment ends."),
                field, service=item.name, source=rules.source("health_fund_cap"))  # fmt: skip

    fringe = per_worker(
        plan, sum((v for code, v in by_basis.items() if rules.bases[code].fringe), Decimal("0"))
    )
    threshold, higher = rules["fringe_benefit_threshold"], rules["fringe_benefit_threshold_with_children"]
    if fringe > higher:
        add(warning, N_("Fringe benefits of %(amount)s euro per worker exceed even the %(higher)s euro threshold for workers with dependent children (%(source)s): the whole amount becomes taxable, not only the excess."),
            "items", amount=fringe, higher=higher, source=rules.source("fringe_benefit_threshold_with_children"))  # fmt: skip
    elif fringe > threshold:
        add(warning, N_("Fringe benefits of %(amount)s euro per worker exceed the %(threshold)s euro threshold (%(source)s): the whole amount becomes taxable, not only the excess. Only workers with fiscally dependent children, who declare them, have a threshold of %(higher)s euro."),
            "items", amount=fringe, threshold=threshold, higher=higher, source=rules.source("fringe_benefit_threshold"))  # fmt: skip
    caps = (
        ("art51_c2_a", "health_fund_cap",
         N_("Health-fund contributions come to %(amount)s euro per worker, above the yearly cap of %(cap)s euro (%(source)s): the excess is taxable.")),
        ("dlgs_252_2005", "pension_cap",
         N_("Supplementary pension contributions come to %(amount)s euro per worker, above the yearly cap of %(cap)s euro (%(source)s): the excess is taxable.")),
    )  # fmt: skip
    for basis_code, figure, message in caps:
        amount = per_worker(plan, by_basis.get(basis_code, Decimal("0")))
        if amount > rules[figure]:
            add(warning, message, "items", amount=amount, cap=rules[figure], source=rules.source(figure))

    for category in plan.categories:
        if category.included and category.headcount == 1:
            add(warning, N_("Category “%(name)s” has one worker: benefits must go to all workers or to categories, never to named individuals (TUIR art. 51 c.2 lett. f and art. 100)."),
                "categories", name=category.name)  # fmt: skip

    bonus = sum((s.amount for s in plan.funding if s.kind == FundingKind.PRODUCTIVITY_BONUS), Decimal("0"))
    if bonus:
        agreement = plan.legal_basis in (LegalBasis.COMPANY_AGREEMENT, LegalBasis.TERRITORIAL_AGREEMENT)
        if not agreement:
            add(error, N_("A productivity bonus can be converted into welfare only under a company or territorial agreement (%(source)s)."),
                "funding", source=rules.source("productivity_bonus_cap"))  # fmt: skip
        if per_worker(plan, bonus) > rules["productivity_bonus_cap"]:
            add(error, N_("The productivity bonus converted comes to %(amount)s euro per worker, above the %(cap)s euro cap of %(year)d (%(source)s)."),
                "funding", amount=per_worker(plan, bonus), cap=rules["productivity_bonus_cap"], year=rules.year,
                source=rules.source("productivity_bonus_cap"))  # fmt: skip
    if plan.legal_basis == LegalBasis.REGULATION_VOLUNTARY:
        add(info, N_("A voluntary regulation is deductible for the employer only up to %(rate)s per thousand of the payroll (%(source)s); a binding regulation or an agreement is fully deductible (TUIR art. 95)."),
            "legal_basis", rate=_percent(rules["voluntary_deductibility_rate"] * 10), source=rules.source("voluntary_deductibility_rate"))  # fmt: skip
    return problems
