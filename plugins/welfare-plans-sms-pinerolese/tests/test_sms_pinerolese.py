from importlib.metadata import entry_points

import welfare_sms_pinerolese

from welfare_plans.testing import validate_plugin


def test_installed_under_the_welfare_plans_entry_point():
    (entry_point,) = entry_points(group="welfare_plans", name="sms-pinerolese")
    assert entry_point.load() is welfare_sms_pinerolese


def test_every_contribution_is_accepted():
    result = validate_plugin(welfare_sms_pinerolese)
    assert result.problems == []
    ((_, provider),) = result.providers.values()
    assert provider.legal_form == "mutual_aid_society"


def test_cover_spans_the_whole_province_of_turin():
    for _, service in validate_plugin(welfare_sms_pinerolese).service_types.values():
        assert service.territory.provinces == ("001",)
        assert service.need_area in {"health", "ltc_insurance"}


def test_its_coverage_terms_join_the_document_of_a_plan_that_uses_its_services():
    from decimal import Decimal

    from welfare_plans import BasketItem, BeneficiaryGroup, Territory
    from welfare_plans.domain.plan import WelfarePlan

    def plan_with(*codes):
        basket = tuple(
            BasketItem(code, "<b>Piano</b>", "SMS", "health", Decimal("1"), "year", Decimal("1"),
                       BeneficiaryGroup.WORKERS, ("workers",), ("contribution",), Territory(provinces=("001",)))
            for code in codes
        )  # fmt: skip
        return WelfarePlan(
            "P", 2026, None, None, None, "", (), Territory(), (), None, None, None, (), basket, ()
        )

    assert welfare_sms_pinerolese.plan_document_sections(plan_with("girotondo.summer-camp"), "it") == []
    (section,) = welfare_sms_pinerolese.plan_document_sections(plan_with("sms-pinerolese.health-plan"), "it")
    assert section.position == 75 and "Condizioni delle coperture" in section.title
    assert "&lt;b&gt;Piano&lt;/b&gt;" in section.html  # names are escaped
