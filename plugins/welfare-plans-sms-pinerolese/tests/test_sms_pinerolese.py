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
