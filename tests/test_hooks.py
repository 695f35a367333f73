"""One test per hook: a plugin implementing it is called and what it returns reaches the app.

tests/test_docs.py fails when a hook in welfare_plans/hookspecs.py has no ``test_hook_<name>`` here.
"""

from decimal import Decimal

from welfare_plans import (
    BeneficiaryGroup,
    CategoryBudget,
    DeliveryMode,
    FundingKind,
    FundingSource,
    LegalBasis,
    LegalForm,
    NeedArea,
    PlanProblem,
    PriceUnit,
    Provider,
    ServiceType,
    Severity,
    Territory,
    WelfarePlan,
    hookimpl,
)
from welfare_plans.testing import validate_plugin


class RegionalPlugin:
    @hookimpl
    def register_need_areas(self):
        return [NeedArea(code="housing", name="Casa e abitare", name_en="Housing", position=50)]

    @hookimpl
    def register_providers(self):
        return [
            Provider(
                key="fondazione-casa",
                name="Fondazione Casa Pinerolese",
                legal_form=LegalForm.FOUNDATION,
                tax_id="94120010015",
                municipality="001191",
            )
        ]

    @hookimpl
    def register_service_types(self):
        return [
            ServiceType(
                code="casa.rent-advice",
                provider="fondazione-casa",
                name="Consulenza sull'affitto",
                need_area="housing",
                beneficiary_groups=[BeneficiaryGroup.WORKERS, "citizens"],
                delivery_modes=["in_kind"],
                price=30,
                unit="session",
                territory=Territory(provinces=("001",)),
            )
        ]


def test_hook_register_need_areas():
    result = validate_plugin(RegionalPlugin())
    codes = [area.code for area in result.ordered_need_areas()]
    assert "housing" in codes and "health" in codes
    assert result.need_areas["housing"] == (
        "plugin-under-test",
        NeedArea("housing", "Casa e abitare", "Housing", 50),
    )


def test_hook_register_providers():
    result = validate_plugin(RegionalPlugin())
    plugin, provider = result.providers["fondazione-casa"]
    assert plugin == "plugin-under-test"
    assert provider.legal_form is LegalForm.FOUNDATION


def test_hook_register_service_types():
    # plain strings, lists and an int price are accepted and made canonical
    result = validate_plugin(RegionalPlugin())
    assert result.problems == []
    _, service = result.service_types["casa.rent-advice"]
    assert service.beneficiary_groups == (BeneficiaryGroup.WORKERS, BeneficiaryGroup.CITIZENS)
    assert service.delivery_modes == (DeliveryMode.IN_KIND,)
    assert service.price == Decimal("30.00")
    assert service.unit is PriceUnit.SESSION


class CitizensNeedAPartner:
    @hookimpl
    def validate_plan(self, plan):
        if plan.citizens_count and not plan.partners:
            return [
                PlanProblem(
                    Severity.WARNING, "Piani aperti ai cittadini: indicare il Comune partner.", "partners"
                )
            ]
        return []


def test_hook_validate_plan(make_app):
    from datetime import date

    from welfare_plans.plans import check_plan
    from welfare_plans.plugins import PluginRecord

    app = make_app()
    plugins = app.extensions["welfare_plans.plugins"]
    plugins.register(PluginRecord("citizens-check", "local"), CitizensNeedAPartner())
    plan = WelfarePlan(
        title="Piano 2026", fiscal_year=2026, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        legal_basis=LegalBasis.REGULATION_BINDING, objectives="", needs=("health",),
        territory=Territory(municipalities=("001191",)),
        categories=(CategoryBudget("Impiegati", 10, True, Decimal("500")),),
        family_count=None, former_count=None, citizens_count=40,
        funding=(FundingSource(FundingKind.EMPLOYER, Decimal("4000")),), basket=(), partners=(),
    )  # fmt: skip
    problems = check_plan(plugins, plan)
    by_plugin = {(p.plugin, p.field): p for p in problems}
    # ours, and the built-in structural check that funding (4,000) does not match the credit (5,000)
    assert by_plugin[("citizens-check", "partners")].severity == Severity.WARNING
    assert by_plugin[("plan_checks", "funding")].severity == Severity.ERROR
    assert problems[0].severity == Severity.ERROR  # errors come first
