"""welfare_plans.testing, the plugin authors' helpers: sample plans, basket lines, an app with one plugin."""

import importlib.util
from dataclasses import replace
from decimal import Decimal

import pytest
import welfare_sms_pinerolese
from helpers import TEST_PLUGINS

from welfare_plans import BeneficiaryGroup, CategoryBudget, Severity, Territory
from welfare_plans.domain.network import MemberAnnex
from welfare_plans.plugins import PluginError, get_plugins
from welfare_plans.testing import (
    basket_item,
    document_section,
    installed_name,
    plan_problems,
    plugin_app,
    sample_plan,
    validate_plugin,
)

GIROTONDO = (
    TEST_PLUGINS.parent.parent / "plugins/welfare-plans-coop-girotondo/welfare_girotondo/welfare_plans.toml"
)


def load(name):
    spec = importlib.util.spec_from_file_location(
        f"welfare_plans_testing_{name}", TEST_PLUGINS / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def errors(app, plan):
    return [(p.plugin, p.field, p.render()) for p in plan_problems(app, plan) if p.severity == Severity.ERROR]


def test_a_sample_plan_passes_every_built_in_check_and_takes_overrides(app):
    plan = sample_plan()
    assert errors(app, plan) == []
    assert plan.funding_total == plan.total_budget == Decimal("10000.00") and not plan.is_joint
    bigger = sample_plan(categories=[*plan.categories, CategoryBudget("Operai", 30, True, Decimal("500"))])
    assert (
        bigger.funding_total == bigger.total_budget == Decimal("25000.00")
    )  # funding follows the categories
    assert errors(app, bigger) == []
    unfunded = sample_plan(funding=())
    assert [field for _, field, _ in errors(app, unfunded)] == ["funding"]
    with pytest.raises(TypeError, match="WelfarePlan has no field budget"):
        sample_plan(budget=1)


def test_a_basket_line_from_a_service_is_what_a_plan_holds_once_it_is_added(app):
    (_, camp) = validate_plugin(
        TEST_PLUGINS.parent.parent
        / "plugins/welfare-plans-coop-girotondo/welfare_girotondo/welfare_plans.toml"
    ).service_types["girotondo.summer-camp"]
    camp = replace(camp, extra={"tax_basis": "art51_c2_f_bis"})
    item = basket_item(camp, quantity=8, provider="Girotondo Cooperativa Sociale")
    assert (item.service_code, item.price, item.unit, item.quantity) == (
        "girotondo.summer-camp",
        Decimal("125.00"),
        "week",
        Decimal("8"),
    )
    assert item.beneficiary_group == BeneficiaryGroup.FAMILY_MEMBERS  # the service's first group
    assert (
        item.delivery_modes == ("in_kind", "voucher", "reimbursement")
        and item.declared_tax_basis == "art51_c2_f_bis"
    )
    # family members in the basket: the plan includes them unless told otherwise
    plan = sample_plan(territory=Territory(municipalities=("001139",)), basket=[item])
    assert plan.family_count == 8 and errors(app, plan) == []
    excluded = sample_plan(territory=Territory(municipalities=("001139",)), basket=[item], family_count=None)
    assert [field for _, field, _ in errors(app, excluded)] == ["items.girotondo.summer-camp"]


def test_the_app_loads_an_installed_plugin_through_its_entry_point_and_renders_its_section(tmp_path):
    assert installed_name(welfare_sms_pinerolese) == "sms-pinerolese"
    app = plugin_app(welfare_sms_pinerolese, "sms-pinerolese", tmp_path)
    records = {record.name: record.status for record in get_plugins(app).list()}
    assert records["sms-pinerolese"] == "active" and records["coop-il-sentiero"] == "not_allowed"
    line = basket_item(
        service_code="sms-pinerolese.health-plan", name="Piano <sanitario>", need_area="health"
    )
    section = document_section(app, sample_plan(basket=[line]), "sms-pinerolese-terms")
    assert "Piano &lt;sanitario&gt;" in section.html
    with pytest.raises(
        LookupError, match="no section 'sms-pinerolese-terms' in the document; its sections: preamble"
    ):
        document_section(app, sample_plan(), "sms-pinerolese-terms")
    with pytest.raises(
        RuntimeError, match="the installed plugin sms-pinerolese is not the plugin under test"
    ):
        plugin_app(load("annex_notes"), "sms-pinerolese", tmp_path / "other")


def test_a_plugin_not_installed_is_registered_under_its_name_and_strictly_checked(tmp_path):
    notes = load("annex_notes")
    app = plugin_app(notes, "annex-notes", tmp_path / "notes")
    assert get_plugins(app).records["annex-notes"].source == "local"
    plan = sample_plan(
        network_name="Rete", annexes=[MemberAnnex("Officina <Uno>", "10765430011", "001191", (), (), ())]
    )
    assert plan.is_joint
    section = document_section(app, plan, "annex-notes", annex_of="10765430011")
    assert "Officina &lt;Uno&gt;" in section.html
    with pytest.raises(PluginError, match="must not be negative"):
        plugin_app(load("invalid_data"), "invalid-data", tmp_path / "invalid")
