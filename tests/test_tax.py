"""The Italian tax rules, tested as a tax adviser would: a table of worked cases with the outcome written
down from the rules (shared/domain/README.md, "Figures by year"), then properties that hold for any amount.
"""

import json
import shutil
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from welfare_plans import (
    BasketItem,
    BeneficiaryGroup,
    CategoryBudget,
    FundingKind,
    FundingSource,
    LegalBasis,
    Territory,
)
from welfare_plans.domain.plan import WelfarePlan
from welfare_plans.domain.tax import DEFAULT_RULES, check, compare_bonus, compare_with_cash, load_rules

D = Decimal
WORKERS = 10


def item(need_area, per_worker, *, modes=("voucher",), group="workers", code=None, declared=None):
    """A basket line worth ``per_worker`` euro for each of the plan's workers (price 1, quantity = total)."""
    return BasketItem(
        service_code=code or f"{need_area}.{group}.{'-'.join(modes)}", name=f"Servizio {need_area}", provider="P",
        need_area=need_area, price=D("1.00"), unit="flat", quantity=D(per_worker) * WORKERS,
        beneficiary_group=BeneficiaryGroup(group), beneficiary_groups=(group,), delivery_modes=tuple(modes),
        territory=Territory(provinces=("001",)), declared_tax_basis=declared,
    )  # fmt: skip


def plan(year=2026, basket=(), basis=LegalBasis.COMPANY_AGREEMENT, bonus_per_worker=None, headcount=WORKERS):
    funding = (FundingSource(FundingKind.EMPLOYER, D("1000") * headcount),)
    if bonus_per_worker is not None:
        funding += (FundingSource(FundingKind.PRODUCTIVITY_BONUS, D(bonus_per_worker) * headcount),)
    return WelfarePlan(
        title="Piano", fiscal_year=year, period_start=date(year, 1, 1), period_end=date(year, 12, 31),
        legal_basis=basis, objectives="", needs=(), territory=Territory(provinces=("001",)),
        categories=(CategoryBudget("Impiegati", headcount, True, D("1000")),), family_count=None,
        former_count=None, citizens_count=None, funding=funding, basket=tuple(basket), partners=(),
    )  # fmt: skip


# (case, plan, expected) where expected is a set of (severity, words in the message); empty: nothing to say
CASES = [
    *[
        (f"fringe {year} {amount}", plan(year, [item("economic_support", amount)]), expected)
        for year in (2025, 2026, 2027)
        for amount, expected in (
            ("999.99", set()),
            ("1000.00", set()),  # at the threshold: still exempt
            ("1000.01", {("warning", "whole amount becomes taxable")}),
        )
    ],
    ("fringe 2026 at the higher threshold", plan(2026, [item("economic_support", "2000.00")]),
     {("warning", "have a threshold of 2.000,00 euro")}),
    ("fringe 2026 above the higher threshold", plan(2026, [item("economic_support", "2000.01")]),
     {("warning", "exceed even the 2.000,00 euro threshold")}),
    ("fringe for family members counts for the worker", plan(2026, [item("economic_support", "1200", group="family_members")]),
     {("warning", "whole amount becomes taxable")}),
    ("health fund at the cap", plan(2026, [item("health", "3615.20", modes=("contribution",))]), set()),
    ("health fund under the cap", plan(2026, [item("health", "3615.19", modes=("contribution",))]), set()),
    ("health fund over the cap", plan(2026, [item("health", "3615.21", modes=("contribution",))]),
     {("warning", "Health-fund contributions come to 3.615,21 euro")}),
    ("pension at the cap", plan(2025, [item("pension", "5164.57", modes=("contribution",))]), set()),
    ("pension under the cap", plan(2025, [item("pension", "5164.56", modes=("contribution",))]), set()),
    ("pension over the cap", plan(2025, [item("pension", "5164.58", modes=("contribution",))]),
     {("warning", "Supplementary pension contributions come to 5.164,58 euro")}),
    ("bonus 2025 at the cap", plan(2025, bonus_per_worker="3000.00"), set()),
    ("bonus 2025 over the cap", plan(2025, bonus_per_worker="3000.01"), {("error", "above the 3.000,00 euro cap of 2025")}),
    ("bonus 2026 at the cap", plan(2026, bonus_per_worker="5000.00"), set()),
    ("bonus 2026 over the cap", plan(2026, bonus_per_worker="5000.01"), {("error", "above the 5.000,00 euro cap of 2026")}),
    ("bonus 2027 over the cap", plan(2027, bonus_per_worker="5000.01"), {("error", "above the 5.000,00 euro cap of 2027")}),
    ("bonus under a voluntary regulation", plan(2026, basis=LegalBasis.REGULATION_VOLUNTARY, bonus_per_worker="500"),
     {("error", "only under a company or territorial agreement"), ("info", "5 per thousand")}),
    ("bonus under a binding regulation", plan(2026, basis=LegalBasis.REGULATION_BINDING, bonus_per_worker="500"),
     {("error", "only under a company or territorial agreement")}),
    ("bonus under a company agreement", plan(2026, basis=LegalBasis.COMPANY_AGREEMENT, bonus_per_worker="500"), set()),
    ("bonus under a territorial agreement", plan(2026, basis=LegalBasis.TERRITORIAL_AGREEMENT, bonus_per_worker="500"), set()),
    ("voluntary regulation, deductibility", plan(2026, basis=LegalBasis.REGULATION_VOLUNTARY), {("info", "5 per thousand")}),
    ("binding regulation, fully deductible", plan(2026, basis=LegalBasis.REGULATION_BINDING), set()),
    ("citizens: no exemption", plan(2026, [item("culture_leisure", "50", group="citizens")]), {("info", "no tax exemption")}),
    ("former employees: health fund stays exempt", plan(2026, [item("health", "300", modes=("contribution",), group="former_employees")]), set()),
    ("former employees: a check-up is taxable", plan(2026, [item("health", "100", modes=("in_kind",), group="former_employees")]),
     {("warning", "is taxable for them")}),
    ("family members: childcare is exempt", plan(2026, [item("childcare_education", "500", modes=("reimbursement",), group="family_members")]), set()),
    ("letter f refunded in cash", plan(2026, [item("culture_leisure", "100", modes=("in_kind", "reimbursement"))]),
     {("warning", "never refunded in cash")}),
    ("letter f-ter may be refunded", plan(2026, [item("elderly_care", "300", modes=("reimbursement",))]), set()),
    ("one-worker category", plan(2026, headcount=1), {("warning", "never to named individuals")}),
    ("provider states another basis", plan(2026, [item("childcare_education", "100", declared="art51_c2_a")]),
     {("warning", "its provider states art51_c2_a")}),
]  # fmt: skip


def rendered(problems):
    """Messages as an Italian page shows their figures (the message templates themselves stay English here)."""

    def amount(value):
        whole, cents = f"{value:.2f}".split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + cents

    return {
        (
            p.severity.value,
            p.message % {k: amount(v) if isinstance(v, Decimal) else v for k, v in p.params.items()},
        )
        for p in problems
    }


@pytest.mark.parametrize(("case", "welfare_plan", "expected"), CASES, ids=[case for case, _, _ in CASES])
def test_worked_case(case, welfare_plan, expected):
    found = rendered(check(welfare_plan, load_rules(welfare_plan.fiscal_year)))
    for severity, words in expected:
        assert any(s == severity and words in text for s, text in found), (case, found)
    assert len(found) == len(expected), (case, found)


COMPARISONS = [  # year, employer cost, annual income, gross, worker contributions, income tax, net pay
    (2026, "1000.00", "25000", "769.23", "70.69", "174.64", "523.90"),  # 23% + 2% local
    (2025, "1000.00", "30000", "769.23", "70.69", "258.46", "440.08"),  # 35% in 2025
    (2026, "1000.00", "30000", "769.23", "70.69", "244.49", "454.05"),  # 33% from 2026
    (2026, "1000.00", "60000", "769.23", "70.69", "314.34", "384.20"),  # 43%
]


@pytest.mark.parametrize(("year", "cost", "income", "gross", "employee", "tax", "net"), COMPARISONS)
def test_worked_case_welfare_against_pay(year, cost, income, gross, employee, tax, net):
    result = compare_with_cash(load_rules(year), D(cost), D(income))
    assert (result.gross_pay, result.employee_contributions, result.income_tax, result.net_cash) == (
        D(gross), D(employee), D(tax), D(net))  # fmt: skip
    assert result.welfare_received == D(cost) and result.advantage == D(cost) - D(net)


BONUS_COMPARISONS = [  # year, substitute tax and net pay of a 1.000,00 euro productivity bonus taken in cash
    (2025, "45.41", "862.69"),
    (2026, "9.08", "899.02"),
]


@pytest.mark.parametrize(("year", "tax", "net"), BONUS_COMPARISONS)
def test_worked_case_bonus_in_cash_or_as_welfare(year, tax, net):
    result = compare_bonus(load_rules(year), D("1000.00"))
    assert result.employee_contributions == D("91.90")
    assert (result.substitute_tax, result.net_cash) == (D(tax), D(net))
    assert result.welfare_received == D("1000.00") and result.employer_cost_cash == D("1300.00")


def test_a_year_without_rules_is_an_error_that_says_so(make_app):
    from welfare_plans.plans import check_plan

    app = make_app()
    with app.app_context():
        problems = check_plan(app.extensions["welfare_plans.plugins"], plan(2024))
    (missing,) = [p for p in problems if p.plugin == "italian_tax"]
    assert missing.severity == "error" and missing.field == "fiscal_year"
    assert missing.render() == ("There are no tax rules for the fiscal year 2024: the plan cannot be checked. "
                                "A maintainer adds them as 2024.json.")  # fmt: skip


def test_changing_a_figure_in_the_rule_data_changes_the_outcome(make_app, tmp_path):
    from welfare_plans.plans import check_plan

    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, folder)
    rules = json.loads((folder / "2026.json").read_text())
    rules["figures"]["fringe_benefit_threshold"]["value"] = "500.00"
    (folder / "2026.json").write_text(json.dumps(rules))
    fringe_800 = plan(2026, [item("economic_support", "800")])

    def tax_problems(app):
        with app.app_context():
            return [
                p
                for p in check_plan(app.extensions["welfare_plans.plugins"], fringe_800)
                if p.plugin == "italian_tax"
            ]

    assert tax_problems(make_app()) == []
    (warning,) = tax_problems(make_app(TAX_RULES_DIR=str(folder)))
    assert warning.params["threshold"] == D("500.00")


amounts = st.decimals(min_value=0, max_value=200_000, places=2, allow_nan=False, allow_infinity=False)


@given(cost=amounts, income=amounts, year=st.sampled_from([2025, 2026, 2027]))
def test_welfare_against_pay_conserves_every_cent_and_never_loses(cost, income, year):
    result = compare_with_cash(load_rules(year), cost, income)
    parts = (
        result.gross_pay,
        result.employer_contributions,
        result.employee_contributions,
        result.income_tax,
        result.net_cash,
    )
    assert all(part >= 0 for part in parts)
    assert result.gross_pay + result.employer_contributions == cost
    assert result.net_cash + result.employee_contributions + result.income_tax == result.gross_pay
    assert result.welfare_received >= result.net_cash  # fully exempt welfare is never worse than pay


@given(bonus=amounts, year=st.sampled_from([2025, 2026, 2027]))
def test_a_converted_bonus_conserves_every_cent_and_never_loses(bonus, year):
    result = compare_bonus(load_rules(year), bonus)
    assert min(result.employee_contributions, result.substitute_tax, result.net_cash) >= 0
    assert result.net_cash + result.employee_contributions + result.substitute_tax == bonus
    assert (
        result.welfare_received >= result.net_cash
        and result.employer_cost_welfare <= result.employer_cost_cash
    )


def test_the_worked_cases_are_at_least_thirty():
    """Each table of worked cases counted as it is, and no case counted twice."""
    names = [case for case, _, _ in CASES]
    assert len(set(names)) == len(names)
    assert len(set(COMPARISONS)) == len(COMPARISONS) and len(set(BONUS_COMPARISONS)) == len(BONUS_COMPARISONS)
    assert len(CASES) + len(COMPARISONS) + len(BONUS_COMPARISONS) >= 30


def test_every_need_area_and_payment_has_a_tax_basis():
    rules = load_rules(2026)
    from welfare_plans.types import DeliveryMode

    areas = [
        a["code"] for a in json.loads((DEFAULT_RULES.parent / "need_areas.json").read_text())["need_areas"]
    ]
    for area in areas:
        for mode in DeliveryMode:
            assert rules.classify(area, (mode.value,)).code in rules.bases


def test_the_demo_plan_shows_a_tax_warning_the_comparison_and_a_tax_section(app):
    import io

    import pypdf
    from helpers import login
    from sqlalchemy import select

    from welfare_plans import documents
    from welfare_plans.db import db_session
    from welfare_plans.demo import DEMO_HR, load_demo
    from welfare_plans.models import Plan
    from welfare_plans.plans import to_domain

    with app.app_context():
        load_demo(app)
        demo = db_session().scalar(select(Plan))
        plan_id, domain = demo.id, to_domain(demo)
    client = app.test_client()
    login(client, DEMO_HR["email"], DEMO_HR["password"])
    review = client.get(f"/plans/{plan_id}/review").get_data(as_text=True)
    assert "Avviso:</strong> La categoria “Dirigenti” ha un solo lavoratore" in review
    assert "Welfare a confronto con la retribuzione" in review
    assert "Il lavoratore riceve come retribuzione" in review and "Ipotesi" in review
    assert "Regole dell&#39;anno fiscale 2026." in review
    text = " ".join(
        page.extract_text()
        for page in pypdf.PdfReader(io.BytesIO(documents.render(app, domain, "it").content)).pages
    )
    assert "Trattamento fiscale: welfare a confronto con la retribuzione" in " ".join(text.split())
    assert "TUIR art. 51 c.2 lett. f-bis" in text
