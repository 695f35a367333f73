"""Providers as data: TOML files read by the built-in data_providers, validated like Python plugins."""

from decimal import Decimal

import pytest
from helpers import TEST_PLUGINS, plugin_folder

from welfare_plans.builtin.data_providers import DataFileError, read_data_file
from welfare_plans.catalog import get_contributions
from welfare_plans.plugins import get_plugins
from welfare_plans.testing import validate_plugin


def problems_of(app, name):
    record = get_plugins(app).records[name]
    return record.status, sorted((problem.field, problem.render()) for problem in record.problems)


def test_a_toml_provider_gives_the_same_messages_as_the_same_data_in_python(make_app, tmp_path):
    (tmp_path / "py").mkdir()
    (tmp_path / "toml").mkdir()
    python = make_app(PLUGINS_DIR=plugin_folder(tmp_path / "py", "invalid_data.py"), PLUGINS_STRICT=False)
    data = make_app(PLUGINS_DIR=plugin_folder(tmp_path / "toml", "invalid_data.toml"), PLUGINS_STRICT=False)
    status, messages = problems_of(data, "invalid_data")
    assert (status, messages) == problems_of(python, "invalid_data")
    assert status == "degraded" and messages
    assert (
        "ServiceType[difettosa.negative-price].price",
        "must not be negative (-5)",
    ) in messages
    assert (
        "Provider[bad-vat].tax_id",
        "'12345678901' is neither a valid VAT number nor a valid tax code",
    ) in messages

    def accepted(app):
        contributions = get_contributions(app)
        return {
            code: (plugin, service)
            for code, (plugin, service) in contributions.service_types.items()
            if plugin == "invalid_data"
        }, {key: value for key, value in contributions.providers.items() if value[0] == "invalid_data"}

    assert accepted(data) == accepted(python)
    assert set(accepted(data)[0]) == {"difettosa.good"}


def test_a_data_file_in_the_plugins_folder_reaches_the_catalog_with_its_version(make_app, tmp_path):
    folder = tmp_path / "local-plugins"
    folder.mkdir()
    source = (TEST_PLUGINS / "invalid_data.toml").read_text()
    (folder / "coop-difettosa.toml").write_text(source)
    app = make_app(PLUGINS_DIR=str(folder), PLUGINS_STRICT=False)
    record = get_plugins(app).records["coop-difettosa"]
    assert (record.source, record.version, record.status) == ("local", "1.0.0", "degraded")
    assert record.location == str(folder / "coop-difettosa.toml")
    assert {"register_providers", "register_service_types"} <= set(record.hooks)
    result = app.test_cli_runner().invoke(args=["catalog", "sync"])
    assert result.exit_code == 0, result.output
    page = app.test_client().get("/catalog/?q=prova").get_data(as_text=True)
    assert "Cooperativa Difettosa" in page and "Servizio di prova" in page


def test_defaults_and_named_territories_apply_and_a_service_overrides_them():
    plugin = read_data_file(TEST_PLUGINS / "invalid_data.toml")
    services = {service.code: service for service in plugin.register_service_types()}
    good = services["difettosa.good"]
    assert (good.provider, good.need_area, good.unit, good.price) == (
        "difettosa",
        "elderly_care",
        "hour",
        "20.00",
    )
    assert good.beneficiary_groups == ("workers",) and good.territory.municipalities == ("001191",)
    assert services["difettosa.unknown-town"].territory.municipalities == ("999999",)
    assert services["difettosa.negative-price"].price == -5
    result = validate_plugin(TEST_PLUGINS / "invalid_data.toml")
    (_, accepted) = result.service_types["difettosa.good"]
    assert accepted.price == Decimal("20.00") and accepted.delivery_modes == ("in_kind",)


def test_mistakes_python_makes_at_import_fail_the_whole_file_each_one_named(make_app, tmp_path):
    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "misshapen_data.toml"), PLUGINS_STRICT=False)
    status, messages = problems_of(app, "misshapen_data")
    fields = {field: message for field, message in messages}
    assert status == "failed"
    assert fields["extras"].startswith("extras is not a section of a data file")
    assert fields["service_defaults.colour"].startswith("is not a field of ServiceType")
    assert fields["Provider[coop-storta].tax_id"] == "is required"
    assert fields["ServiceType[storta.typo].prcie"].startswith("is not a field of ServiceType")
    assert fields["ServiceType[storta.typo].price"] == "is required"
    assert (
        fields["ServiceType[storta.typo].territory"]
        == "'nowhere' is not one of the [territories] of this file (-)"
    )
    assert fields["ServiceType[storta.flat-territory].territory.municipalities"] == "must be a list"
    assert fields["ServiceType[storta.flat-territory].territory.towns"].startswith(
        "is not a field of Territory"
    )
    assert len(messages) == 8  # the unknown default is reported once, not on every service
    assert not any(code.startswith("storta.") for code in get_contributions(app).service_types)
    assert app.test_client().get("/catalog/").status_code == 200


def test_a_file_that_is_not_toml_is_reported_with_the_line(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[[providers]]\nkey = "x"\nname = "unterminated\n')
    with pytest.raises(DataFileError) as raised:
        read_data_file(broken)
    (problem,) = raised.value.problems
    assert problem.field == "broken.toml" and "line 3" in problem.params["error"]


def test_need_areas_can_be_data_too(tmp_path):
    path = tmp_path / "housing.toml"
    path.write_text(
        '[[need_areas]]\ncode = "housing"\nname = "Casa e abitare"\nname_en = "Housing"\nposition = 50\n'
    )
    result = validate_plugin(path, name="housing")
    assert result.problems == []
    assert result.need_areas["housing"] == ("housing", read_data_file(path).need_areas[0])


def test_the_girotondo_example_is_a_data_package_installed_with_its_entry_point(app):
    import welfare_girotondo

    assert not hasattr(welfare_girotondo, "__file__") or welfare_girotondo.__file__ is None  # no Python
    record = get_plugins(app).records["coop-girotondo"]
    assert (record.source, record.distribution, record.status) == (
        "installed",
        "welfare-plans-coop-girotondo",
        "active",
    )
    services = get_contributions(app).service_types
    assert {code for code, (plugin, _) in services.items() if plugin == "coop-girotondo"} == {
        "girotondo.nursery-full-time",
        "girotondo.nursery-part-time",
        "girotondo.summer-camp",
        "girotondo.after-school",
        "girotondo.pre-post-school",
    }
