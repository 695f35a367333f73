"""Loading plugins from the three sources, allow and block lists, and failures reported by name."""

import pytest
from helpers import login, plugin_folder

from welfare_plans import create_app
from welfare_plans.catalog import get_contributions
from welfare_plans.plugins import PluginError, get_plugins


def records(app):
    return {record.name: record for record in get_plugins(app).list()}


def test_builtins_and_the_three_installed_providers_are_active(app):
    found = records(app)
    assert found["need_areas"].source == "builtin"
    for name, version in {
        "coop-il-sentiero": "1.2.0",
        "coop-girotondo": "0.9.1",
        "sms-pinerolese": "2.0.3",
    }.items():
        assert found[name].source == "installed"
        assert found[name].status == "active"
        assert found[name].version == version
        assert {"register_providers", "register_service_types"} <= set(found[name].hooks)


def test_a_plugin_that_fails_to_import_is_reported_and_the_app_still_serves(make_app, tmp_path):
    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "broken_import.py"), PLUGINS_STRICT=False)
    broken = records(app)["broken_import"]
    assert broken.status == "failed"
    assert broken.source == "local"
    assert "ModuleNotFoundError" in broken.problems[0].render()
    assert "welfare_plans_dependency_that_is_not_installed" in broken.problems[0].render()
    assert records(app)["coop-il-sentiero"].status == "active"
    assert app.test_client().get("/catalog/").status_code == 200


def test_a_plugin_that_raises_in_a_hook_is_failed_and_contributes_nothing(make_app, tmp_path):
    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "raising_hook.py"), PLUGINS_STRICT=False)
    record = records(app)["raising_hook"]
    assert record.status == "failed"
    assert record.problems[0].field == "register_service_types"
    assert "RuntimeError: the provider's price list could not be read" in record.problems[0].render()
    assert app.test_client().get("/catalog/").status_code == 200


def test_a_misspelt_hook_fails_the_plugin_instead_of_being_ignored(make_app, tmp_path):
    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "unknown_hook.py"), PLUGINS_STRICT=False)
    record = records(app)["unknown_hook"]
    assert record.status == "failed"
    assert "register_service_type" in record.problems[0].render()


def test_strict_mode_refuses_to_start_and_names_the_plugin(database_url, tmp_path):
    from helpers import base_config

    with pytest.raises(PluginError) as raised:
        create_app(base_config(database_url, PLUGINS_DIR=plugin_folder(tmp_path, "broken_import.py")))
    assert "broken_import" in str(raised.value)


def test_invalid_items_are_rejected_one_by_one_naming_plugin_and_field(make_app, tmp_path):
    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "invalid_data.py"), PLUGINS_STRICT=False)
    record = records(app)["invalid_data"]
    assert record.status == "degraded"
    problems = {problem.field: problem.render() for problem in record.problems}
    assert "must not be negative" in problems["ServiceType[difettosa.negative-price].price"]
    assert "'astrology' is not a known need area" in problems["ServiceType[difettosa.unknown-area].need_area"]
    assert (
        "'999999' is not an ISTAT municipality code"
        in problems["ServiceType[difettosa.unknown-town].territory.municipalities"]
    )
    assert (
        "not a provider registered by this plugin"
        in problems["ServiceType[difettosa.foreign-provider].provider"]
    )
    assert (
        "already registered by plugin coop-il-sentiero" in problems["ServiceType[il-sentiero.home-care].code"]
    )
    assert "neither a valid VAT number" in problems["Provider[bad-vat].tax_id"]
    accepted = get_contributions(app).service_types
    assert accepted["difettosa.good"][0] == "invalid_data"
    assert accepted["il-sentiero.home-care"][0] == "coop-il-sentiero"


def test_blocked_plugins_are_listed_but_not_loaded(make_app):
    app = make_app(PLUGINS_BLOCKED=["sms-pinerolese"])
    assert records(app)["sms-pinerolese"].status == "blocked"
    services = get_contributions(app).service_types
    assert not any(code.startswith("sms-pinerolese.") for code in services)
    assert any(code.startswith("il-sentiero.") for code in services)


def test_an_allow_list_loads_only_the_named_installed_plugins_and_always_the_builtins(make_app):
    app = make_app(PLUGINS_ALLOWED=["coop-girotondo"])
    found = records(app)
    assert found["coop-girotondo"].status == "active"
    assert found["coop-il-sentiero"].status == "not_allowed"
    assert found["need_areas"].status == "active"


def test_a_provider_in_the_local_folder_appears_in_the_catalog_after_sync(make_app, tmp_path):
    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "fourth_provider"))
    assert records(app)["fourth_provider"].source == "local"
    result = app.test_cli_runner().invoke(args=["catalog", "sync"])
    assert result.exit_code == 0, result.output
    page = app.test_client().get("/catalog/?q=nuoto").get_data(as_text=True)
    assert "Corso di nuoto per ragazzi" in page
    assert "Associazione Val Chisone in Movimento APS" in page


def test_the_admin_page_shows_a_failed_plugin_with_its_reason(make_app, tmp_path):
    from welfare_plans.accounts import create_user
    from welfare_plans.db import db_session

    app = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "broken_import.py"), PLUGINS_STRICT=False)
    with app.app_context():
        create_user(db_session(), email="root@example.org", name="Root", password="0123456789ab", admin=True)
    client = app.test_client()
    login(client, "root@example.org", "0123456789ab")
    page = client.get("/admin/plugins?lang=en").get_data(as_text=True)
    assert "broken_import" in page
    assert "failed" in page
    assert "No module named" in page
    data = client.get("/admin/plugins.json").get_json()
    assert {"name": "broken_import", "status": "failed"}.items() <= next(
        item for item in data if item["name"] == "broken_import"
    ).items()
