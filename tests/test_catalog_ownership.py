"""Names in the catalog belong to the plugin that first brought them in: another plugin's claim on them
is rejected and reported on that plugin; the owner, its rows and the plans pointing to them stay as they
were. An administrator hands a provider to another plugin with ``catalog transfer``."""

import shutil
from dataclasses import replace
from decimal import Decimal

from helpers import TEST_PLUGINS, make_firm, plugin_folder
from sqlalchemy import event, select

from welfare_plans import LegalForm, PriceUnit, Provider, ServiceType, Territory, hookimpl
from welfare_plans import plans as plan_service
from welfare_plans.accounts import create_user
from welfare_plans.catalog import collect, sync_catalog
from welfare_plans.db import db_session, get_db
from welfare_plans.domain.contributions import PluginContribution, validate_contributions
from welfare_plans.models import CatalogProvider, CatalogService, Plan
from welfare_plans.plugins import PluginRecord, get_plugins
from welfare_plans.types import BeneficiaryGroup, DeliveryMode

OWNER = "coop-il-sentiero"


def catalog_rows(app, provider_key: str) -> dict:
    """Everything stored of a provider and its services, by key and code."""
    with app.app_context():
        session = db_session()
        provider = session.scalar(select(CatalogProvider).where(CatalogProvider.key == provider_key))
        rows = {provider.key: (provider.id, provider.plugin, provider.name, provider.content_hash,
                               provider.synced_at, provider.withdrawn_at)}  # fmt: skip
        for service in session.scalars(
            select(CatalogService).where(CatalogService.provider_id == provider.id)
        ):
            rows[service.code] = (service.id, service.plugin, service.name, service.description,
                                  service.price, service.content_hash, service.synced_at, service.withdrawn_at)  # fmt: skip
        return rows


def plan_holding(app, code: str) -> tuple[int, tuple]:
    """A firm's draft plan with the service ``code`` in its basket; its id and the item as stored."""
    with app.app_context():
        session = db_session()
        firm = make_firm(session, "Tessitura Pellice S.p.A.", "05987650016")
        user = create_user(session, email="hr@tessitura.example", name="Hr", password="a-long-password")
        plan = plan_service.create_plan(session, firm, user, "Piano 2026", 2026)
        service = session.scalar(select(CatalogService).where(CatalogService.code == code))
        plan_service.add_service(plan, service, "family_members")
        session.commit()
        return plan.id, basket(app, plan.id)


def basket(app, plan_id: int) -> tuple:
    with app.app_context():
        return tuple(
            (item.service_id, item.service_code, item.name, item.provider_name, item.price)
            for item in db_session().get(Plan, plan_id).items
        )


def problems_of(app, plugin: str) -> dict[str, str]:
    return {problem.field: problem.render() for problem in get_plugins(app).records[plugin].problems}


def test_a_plugin_bringing_taken_names_is_refused_and_the_owner_keeps_its_rows_and_plans(
    app, make_app, tmp_path
):
    plan_id, items = plan_holding(app, "il-sentiero.home-care")
    before = catalog_rows(app, "il-sentiero")
    assert len(before) == 6  # the provider and its five services

    intruded = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "a_squatter.py"), PLUGINS_STRICT=False)
    result = intruded.test_cli_runner().invoke(args=["catalog", "sync"])
    assert result.exit_code == 0, result.output
    assert "providers: 1 created, 0 updated, 0 restored, 0 withdrawn, 3 unchanged" in result.output
    assert "services: 1 created, 0 updated, 0 restored, 0 withdrawn, 15 unchanged" in result.output

    assert catalog_rows(intruded, "il-sentiero") == before
    assert basket(intruded, plan_id) == items
    records = get_plugins(intruded).records
    assert (records[OWNER].status, records[OWNER].problems) == ("active", [])
    assert records["a_squatter"].status == "degraded"
    problems = problems_of(intruded, "a_squatter")
    assert problems["Provider[il-sentiero].key"] == (
        "key il-sentiero belongs to plugin coop-il-sentiero, which brought it into the catalog first"
    )
    assert problems["ServiceType[il-sentiero.home-care].code"] == (
        "code il-sentiero.home-care belongs to plugin coop-il-sentiero, which brought it into the catalog first"
    )
    assert "ServiceType[il-sentiero.night-care].provider" in problems  # no new code in another's namespace
    assert "a_squatter: Provider[il-sentiero].key: key il-sentiero belongs to plugin" in result.output

    client = intruded.test_client()
    page = client.get(f"/catalog/services/{items[0][0]}").get_data(as_text=True)
    assert "Assistenza domiciliare per anziani" in page and "abusiva" not in page
    assert "Servizio proprio" in client.get("/catalog/?q=proprio").get_data(as_text=True)


def test_names_of_an_owner_that_is_not_loaded_stay_its_own(app, make_app, tmp_path):
    """The owner uninstalled: its services are withdrawn, as always, but nobody else takes them."""
    before = catalog_rows(app, "il-sentiero")
    squatted = make_app(
        PLUGINS_DIR=plugin_folder(tmp_path, "a_squatter.py"), PLUGINS_BLOCKED=[OWNER], PLUGINS_STRICT=False
    )
    result = squatted.test_cli_runner().invoke(args=["catalog", "sync"])
    assert result.exit_code == 0, result.output
    assert "services: 1 created, 0 updated, 0 restored, 5 withdrawn, 10 unchanged" in result.output
    after = catalog_rows(squatted, "il-sentiero")
    assert {name: row[:-1] for name, row in after.items()} == {name: row[:-1] for name, row in before.items()}
    assert all(row[-1] is not None for row in after.values())  # withdrawn, names and texts untouched
    problems = problems_of(squatted, "a_squatter")
    assert "belongs to plugin coop-il-sentiero" in problems["Provider[il-sentiero].key"]
    assert (
        problems["ServiceType[il-sentiero.home-care].code"]
        == "must start with its provider's key and a dot (abusivo.)"
    )
    assert problems["ServiceType[il-sentiero.night-care].provider"] == (
        "provider il-sentiero belongs to plugin coop-il-sentiero, which brought it into the catalog first"
    )

    result = make_app().test_cli_runner().invoke(args=["catalog", "sync"])  # the owner is back
    assert "services: 0 created, 0 updated, 5 restored, 1 withdrawn, 10 unchanged" in result.output


class Twin:
    """A plugin bringing the provider ``gemelli`` and its service, under its own name."""

    def __init__(self, label: str):
        self.label = label

    @hookimpl
    def register_providers(self):
        return [Provider(key="gemelli", name=f"Gemelli {self.label}", legal_form=LegalForm.OTHER,
                         tax_id="10765430011", municipality="001191")]  # fmt: skip

    @hookimpl
    def register_service_types(self):
        return [ServiceType(code="gemelli.care", provider="gemelli", name=f"Cura {self.label}", need_area="health",
                            beneficiary_groups=(BeneficiaryGroup.WORKERS,), delivery_modes=(DeliveryMode.IN_KIND,),
                            price=Decimal("10"), unit=PriceUnit.HOUR, territory=Territory(provinces=("001",)))]  # fmt: skip


def with_twins(app, *names: str):
    plugins = get_plugins(app)
    for name in names:
        plugins.register(PluginRecord(name, "local"), Twin(name))
    return plugins


def test_plugins_new_together_the_first_by_name_takes_a_name_and_keeps_it_against_later_ones(make_app):
    app = make_app()
    plugins = with_twins(app, "twin_b", "twin_a")  # registered in the other order: the names decide
    contributions = collect(plugins, get_db(app).engine)
    assert contributions.providers["gemelli"][0] == "twin_a"
    assert contributions.service_types["gemelli.care"][0] == "twin_a"
    assert "already registered by plugin twin_a" in problems_of(app, "twin_b")["Provider[gemelli].key"]
    with app.app_context():
        sync_catalog(db_session(), contributions)

    later = make_app()  # a plugin whose name sorts before the owner's arrives later
    plugins = with_twins(later, "twin_0", "twin_a")
    contributions = collect(plugins, get_db(later).engine)
    assert contributions.service_types["gemelli.care"][0] == "twin_a"
    assert "belongs to plugin twin_a" in problems_of(later, "twin_0")["ServiceType[gemelli.care].code"]
    assert problems_of(later, "twin_a") == {}
    with later.app_context():
        report = sync_catalog(db_session(), contributions)
        assert report.problems == [] and not report.changed
        assert db_session().scalar(
            select(CatalogService.name).where(CatalogService.code == "gemelli.care")
        ) == ("Cura twin_a")


def test_owners_are_read_in_one_query_per_table_and_only_for_names_in_dispute(make_app):
    app = make_app()
    statements = []
    event.listen(get_db(app).engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    collect(get_plugins(app), get_db(app).engine)
    assert statements == []  # no two plugins bring the same name: nothing to ask
    collect(with_twins(app, "twin_a", "twin_b"), get_db(app).engine)
    assert len(statements) == 2  # the disputed key, the disputed code
    with app.app_context():
        sync_catalog(db_session(), collect(get_plugins(app)))
        statements.clear()
        assert not sync_catalog(db_session(), collect(get_plugins(app))).changed
    catalog_reads = [s for s in statements if "FROM provider" in s or "FROM service_type" in s]
    assert len(catalog_reads) == 3  # each table once, its owners with it; the count of active services
    assert sum("plugin" in s for s in catalog_reads) == 2


def test_a_code_starts_with_its_providers_key():
    need_areas = PluginContribution(need_areas=validate_plugin_need_areas())
    provider = Provider(key="coop", name="Coop", legal_form=LegalForm.OTHER, tax_id="10765430011",
                        municipality="001191")  # fmt: skip
    service = Twin("x").register_service_types()[0]
    raw = {
        "builtin": need_areas,
        "coop": PluginContribution(
            providers=[provider],
            service_types=[replace(service, code="coop.care", provider="coop"),
                           replace(service, code="coop-care", provider="coop"),
                           replace(service, code="cooperativa.care", provider="coop")],
        ),
    }  # fmt: skip
    result = validate_contributions(raw)
    assert set(result.service_types) == {"coop.care"}
    messages = {problem.field: problem.render() for problem in result.problems}
    assert messages == {
        "ServiceType[coop-care].code": "must start with its provider's key and a dot (coop.)",
        "ServiceType[cooperativa.care].code": "must start with its provider's key and a dot (coop.)",
    }


def validate_plugin_need_areas():
    from welfare_plans.testing import validate_plugin

    return validate_plugin(object()).ordered_need_areas()


def test_a_provider_moving_to_a_new_package_is_handed_over_and_its_plans_follow(make_app, tmp_path):
    first = make_app(PLUGINS_DIR=plugin_folder(tmp_path, "fourth_provider"))
    assert first.test_cli_runner().invoke(args=["catalog", "sync"]).exit_code == 0
    plan_id, items = plan_holding(first, "val-chisone.swimming-course")

    moved = tmp_path / "new-package"
    shutil.copytree(TEST_PLUGINS / "fourth_provider", moved / "val_chisone_v2")
    second = make_app(PLUGINS_DIR=str(moved), PLUGINS_STRICT=False)
    runner = second.test_cli_runner()
    result = runner.invoke(args=["catalog", "sync"])
    assert "services: 0 created, 0 updated, 0 restored, 1 withdrawn, 15 unchanged" in result.output
    assert (
        "belongs to plugin fourth_provider"
        in problems_of(second, "val_chisone_v2")["Provider[val-chisone].key"]
    )

    refused = runner.invoke(args=["catalog", "transfer", "no-such-provider", "val_chisone_v2"])
    assert refused.exit_code != 0 and "there is no provider 'no-such-provider'" in refused.output
    result = runner.invoke(args=["catalog", "transfer", "val-chisone", "val_chisone_v2"])
    assert result.exit_code == 0, result.output
    assert (
        "provider val-chisone and its 1 services now belong to plugin val_chisone_v2 (they belonged to fourth_provider)"
        in result.output
    )
    again = runner.invoke(args=["catalog", "transfer", "val-chisone", "val_chisone_v2"])
    assert again.exit_code != 0 and "already belongs to plugin 'val_chisone_v2'" in again.output

    third = make_app(PLUGINS_DIR=str(moved))  # strict: the new package has no problem left
    result = third.test_cli_runner().invoke(args=["catalog", "sync"])
    assert "providers: 0 created, 0 updated, 1 restored, 0 withdrawn, 3 unchanged" in result.output
    assert "services: 0 created, 0 updated, 1 restored, 0 withdrawn, 15 unchanged" in result.output
    rows = catalog_rows(third, "val-chisone")
    assert {row[1] for row in rows.values()} == {"val_chisone_v2"}
    assert all(row[-1] is None for row in rows.values())
    assert rows["val-chisone.swimming-course"][0] == items[0][0]  # the plans point to the same row
    assert basket(third, plan_id) == items
    owners = third.test_cli_runner().invoke(args=["catalog", "owners"]).output
    assert "val-chisone  val_chisone_v2  1 services  (from fourth_provider on " in owners
    assert "il-sentiero  coop-il-sentiero  5 services" in owners
