from importlib.metadata import entry_points

import welfare_il_sentiero

from welfare_plans.testing import validate_plugin


def test_installed_under_the_welfare_plans_entry_point():
    (entry_point,) = entry_points(group="welfare_plans", name="coop-il-sentiero")
    assert entry_point.load() is welfare_il_sentiero


def test_every_contribution_is_accepted():
    result = validate_plugin(welfare_il_sentiero)
    assert result.problems == []
    assert set(result.providers) == {"il-sentiero"}
    assert len(result.service_types) == 5


def test_home_care_is_offered_in_pinerolo_by_the_hour():
    services = {
        code: service for code, (_, service) in validate_plugin(welfare_il_sentiero).service_types.items()
    }
    home_care = services["il-sentiero.home-care"]
    assert home_care.need_area == "elderly_care"
    assert home_care.unit == "hour"
    assert "001191" in home_care.territory.municipalities
    assert 15 <= home_care.price <= 40
