from importlib.metadata import entry_points

import welfare_girotondo

from welfare_plans.testing import validate_plugin


def test_installed_under_the_welfare_plans_entry_point():
    (entry_point,) = entry_points(group="welfare_plans", name="coop-girotondo")
    assert entry_point.load() is welfare_girotondo


def test_every_contribution_is_accepted():
    result = validate_plugin(welfare_girotondo)
    assert result.problems == []
    assert len(result.service_types) == 5


def test_every_service_is_childcare_for_children_refundable_against_receipts():
    # letter f-bis services may be refunded: every Girotondo service must allow it
    for _, service in validate_plugin(welfare_girotondo).service_types.values():
        assert service.need_area == "childcare_education"
        assert "family_members" in service.beneficiary_groups
        assert "reimbursement" in service.delivery_modes
