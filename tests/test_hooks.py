"""One test per hook: a plugin implementing it is called and what it returns reaches the app.

tests/test_docs.py fails when a hook in welfare_plans/hookspecs.py has no ``test_hook_<name>`` here.
"""

from decimal import Decimal

import pytest
from markupsafe import Markup

from welfare_plans import (
    BeneficiaryGroup,
    CategoryBudget,
    DeliveryMode,
    FundingKind,
    FundingSource,
    LegalBasis,
    LegalForm,
    NeedArea,
    PagePanel,
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
                key="casa",
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
                provider="casa",
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
    plugin, provider = result.providers["casa"]
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


class NoticeBoard:
    @hookimpl
    def plan_page_panels(self, plan, page, language):
        if page != "overview":
            return []
        return [
            PagePanel("plain", "Testo", "<p>shown as text</p>", position=20),
            PagePanel("notice", Markup("<b>Bacheca</b>"), Markup("<p>Affissa il piano.</p>"), position=5),
            PagePanel("tax-comparison", "Doppione", Markup("<p>taken</p>")),
            PagePanel("late", "Tardi", Markup("<p>late</p>"), position="last"),
            "not a panel",
        ]


def test_hook_plan_page_panels(make_app):
    from datetime import date

    from flask import render_template_string

    from welfare_plans.panels import plan_page_panels
    from welfare_plans.plugins import PluginRecord, get_plugins

    app = make_app()
    plugins = get_plugins(app)
    plugins.register(PluginRecord("notice-board", "local"), NoticeBoard())
    plan = WelfarePlan(
        title="Piano 2026", fiscal_year=2026, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        legal_basis=LegalBasis.REGULATION_BINDING, objectives="", needs=("health",),
        territory=Territory(municipalities=("001191",)),
        categories=(CategoryBudget("Impiegati", 10, True, Decimal("500")),),
        family_count=None, former_count=None, citizens_count=None,
        funding=(FundingSource(FundingKind.EMPLOYER, Decimal("5000")),), basket=(), partners=(),
    )  # fmt: skip
    with app.test_request_context():
        overview = plan_page_panels(plugins, plan, "overview", "it")
        review = plan_page_panels(plugins, plan, "review", "it")
        page = render_template_string(
            '{% from "_panels.html" import plan_panels %}{{ plan_panels(plan, "overview") }}', plan=plan
        )
    # ordered by position; the built-in tax comparison (10) keeps its key, ours is dropped and reported
    assert [(panel.key, panel.position) for panel in overview] == [
        ("notice", 5),
        ("tax-comparison", 10),
        ("plain", 20),
    ]
    assert [panel.key for panel in review] == ["tax-comparison"]
    assert type(overview[0].title) is str  # a title is text, whatever the plugin gave
    assert "&lt;b&gt;Bacheca&lt;/b&gt;</h2>" in page and "<p>Affissa il piano.</p>" in page
    assert "&lt;p&gt;shown as text&lt;/p&gt;" in page  # a plain string is not markup
    assert "Welfare a confronto con la retribuzione" in page and "taken" not in page
    assert {problem.render() for problem in plugins.records["notice-board"].problems} == {
        "plan_page_panels: the panel key tax-comparison is already taken",
        "plan_page_panels returned a str where a PagePanel was expected",
        "plan_page_panels: a panel needs a text key and a whole number as its position",
    }
    assert plugins.records["notice-board"].status == "degraded"


def test_render_markup_refuses_a_template_that_is_not_autoescaped(make_app):
    from welfare_plans import render_markup

    app = make_app()
    with app.test_request_context(), pytest.raises(ValueError, match="not autoescaped"):
        render_markup("italian_tax/panel.txt")
