"""The catalog: sync is idempotent and never deletes; the page filters as a user expects."""

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from welfare_plans.catalog import (
    CatalogQuery,
    get_contributions,
    search_services,
    set_contributions,
    sync_catalog,
)
from welfare_plans.db import db_session, get_db
from welfare_plans.domain.territory import gazetteer
from welfare_plans.models import CatalogProvider, CatalogService


def contributions(app):
    return get_contributions(app)


def test_first_sync_creates_every_service_and_a_second_changes_nothing(make_app):
    app = make_app()
    with app.app_context():
        first = sync_catalog(db_session(), contributions(app))
        assert (first.providers.created, first.services.created) == (3, 15)
        synced_at = dict(db_session().execute(select(CatalogService.code, CatalogService.synced_at)).all())
        second = sync_catalog(db_session(), contributions(app))
        assert not second.changed
        assert (second.providers.unchanged, second.services.unchanged) == (3, 15)
        assert (
            dict(db_session().execute(select(CatalogService.code, CatalogService.synced_at)).all())
            == synced_at
        )


def test_a_withdrawn_service_is_marked_not_deleted_and_can_come_back(app):
    everything = contributions(app)
    without = replace(everything, service_types=dict(everything.service_types))
    del without.service_types["girotondo.summer-camp"]
    with app.app_context():
        report = sync_catalog(db_session(), without)
        assert report.services.withdrawn == 1
        camp = db_session().scalar(
            select(CatalogService).where(CatalogService.code == "girotondo.summer-camp")
        )
        assert camp.withdrawn_at is not None
        assert db_session().scalar(select(func.count()).select_from(CatalogService)) == 15
    client = app.test_client()
    assert "Centro estivo" not in client.get("/catalog/").get_data(as_text=True)
    # plans will link to it: its page stays, saying it is no longer offered
    detail = client.get(f"/catalog/services/{camp.id}?lang=en").get_data(as_text=True)
    assert "The provider no longer offers this service." in detail
    with app.app_context():
        assert sync_catalog(db_session(), everything).services.restored == 1
    assert "Summer camp" in client.get("/catalog/").get_data(as_text=True)


def test_a_changed_price_updates_only_that_service(app):
    everything = contributions(app)
    plugin, service = everything.service_types["il-sentiero.home-care"]
    changed = replace(everything, service_types=dict(everything.service_types))
    changed.service_types["il-sentiero.home-care"] = (plugin, replace(service, price=Decimal("25.90")))
    with app.app_context():
        report = sync_catalog(db_session(), changed)
        assert (report.services.updated, report.services.unchanged) == (1, 14)
        row = db_session().scalar(
            select(CatalogService).where(CatalogService.code == "il-sentiero.home-care")
        )
        assert row.price == Decimal("25.90")


def test_a_provider_whose_plugin_is_uninstalled_is_withdrawn_with_its_services(app, make_app):
    with app.app_context():
        sync_catalog(db_session(), contributions(make_app(PLUGINS_BLOCKED=["sms-pinerolese"])))
        provider = db_session().scalar(select(CatalogProvider).where(CatalogProvider.key == "sms-pinerolese"))
        assert provider.withdrawn_at is not None
        assert all(service.withdrawn_at is not None for service in provider.services)


def codes(app, **filters):
    with app.app_context():
        return {
            service.code
            for service in search_services(db_session(), CatalogQuery(**filters), per_page=100).items
        }


def test_filters_by_need_area_place_group_and_text(app):
    places = gazetteer()
    assert codes(app, need_area="ltc_insurance") == {"sms-pinerolese.ltc-cover"}
    # Torre Pellice: Girotondo's valley services and the province-wide mutual society, not Il Sentiero
    in_torre = codes(app, place=places.find("Torre Pellice"))
    assert "girotondo.summer-camp" in in_torre and "sms-pinerolese.health-plan" in in_torre
    assert not any(code.startswith("il-sentiero.") for code in in_torre)
    # a province covers services named by municipality inside it
    assert len(codes(app, place=places.find("TO"))) == 15
    assert codes(app, place=places.find("Provincia di Cuneo")) == set()
    assert codes(app, beneficiary_group="former_employees") >= {"sms-pinerolese.retiree-health-plan"}
    assert "girotondo.nursery-full-time" not in codes(app, beneficiary_group="workers")
    assert codes(app, text="nido") == {"girotondo.nursery-full-time", "girotondo.nursery-part-time"}
    assert codes(app, text="nursery") == {"girotondo.nursery-full-time", "girotondo.nursery-part-time"}
    assert codes(app, text="Mutuo") == codes(app, need_area="health") | {"sms-pinerolese.ltc-cover"}
    assert codes(app, text="100%_") == set()  # LIKE wildcards are searched literally


def test_the_catalog_page_is_public_and_in_italian_by_default(client):
    page = client.get("/catalog/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="it">' in html
    assert "Catalogo dei servizi" in html
    assert "15 servizi trovati" in html
    assert "Assistenza domiciliare per anziani" in html
    assert "24,50\xa0€ <small>all'ora</small>" in html


def test_the_catalog_page_in_english_when_asked(client):
    html = client.get("/catalog/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Service catalog" in html and "15 services found" in html
    assert "Home care for the elderly" in html
    assert "€24.50" in html
    # the choice is remembered for the next pages
    assert "Full-time nursery place" in client.get("/catalog/?need_area=childcare_education").get_data(
        as_text=True
    )


def test_a_browser_asking_for_english_gets_english(client):
    html = client.get("/catalog/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Service catalog" in html


def test_filters_on_the_page_and_an_unknown_place_explained_at_the_field(client):
    html = client.get("/catalog/?need_area=childcare_education&place=Torre+Pellice").get_data(as_text=True)
    assert "Centro estivo" in html and "Assistenza domiciliare" not in html
    wrong = client.get("/catalog/?place=Atlantide&q=nido").get_data(as_text=True)
    assert "Nessun comune o provincia italiana si chiama “Atlantide”." in wrong
    assert 'value="Atlantide"' in wrong and 'value="nido"' in wrong  # the input is kept
    assert 'aria-invalid="true"' in wrong


def test_a_service_page_shows_provider_terms_and_territory(client, app):
    with app.app_context():
        service_id = db_session().scalar(
            select(CatalogService.id).where(CatalogService.code == "sms-pinerolese.ltc-cover")
        )
    html = client.get(f"/catalog/services/{service_id}").get_data(as_text=True)
    assert "Copertura per la non autosufficienza" in html
    assert "Società di Mutuo Soccorso Pinerolese ETS" in html
    assert "Provincia di Torino" in html
    assert "94120010015" in html
    assert client.get("/catalog/services/999999").status_code == 404


@pytest.mark.parametrize("page_size", [2, 5])
def test_the_catalog_page_runs_the_same_number_of_queries_whatever_it_shows(make_app, page_size):
    app = make_app(CATALOG_PAGE_SIZE=page_size)
    with app.app_context():
        sync_catalog(db_session(), contributions(app))
    statements = []
    event.listen(get_db(app).engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    client.get("/catalog/?q=warm-up")  # fills the suggested places, kept for a few minutes
    statements.clear()
    client.get("/catalog/")
    first = len(statements)
    statements.clear()
    client.get("/catalog/?page=2&place=TO")
    assert len(statements) == first
    # docs/architecture.md: at most three queries (ids, their count, the page) plus two eager loads
    assert first <= 3 + 2, statements


def test_what_a_user_types_is_escaped_in_the_error_next_to_the_field(client):
    html = client.get("/catalog/?place=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "“&lt;script&gt;alert(1)&lt;/script&gt;”" in html


def test_error_pages_are_translated_and_keep_the_language_links(client):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    html = missing.get_data(as_text=True)
    assert "Questa pagina non esiste, oppure non puoi vederla." in html
    assert 'href="/no-such-page?lang=en"' in html


def test_services_are_listed_in_alphabetical_order_of_the_language_shown(client):
    import re

    def names(html):
        return re.findall(r'<td><a href="/catalog/services/\d+">([^<]+)</a></td>', html)

    italian = names(client.get("/catalog/").get_data(as_text=True))
    english = names(client.get("/catalog/?lang=en").get_data(as_text=True))
    assert italian[:2] == ["Assistenza domiciliare per anziani", "Centro diurno per anziani"]
    assert english[:2] == ["After-school and homework help", "Before- and after-school care"]
    assert english == sorted(english, key=str.lower)


def test_beneficiary_groups_are_shown_workers_first(client):
    html = client.get("/catalog/?q=check-up&lang=en").get_data(as_text=True)
    assert "<td>Workers, Family members, Former employees</td>" in html


def test_text_search_matches_words_as_they_are_typed_in_either_language(app):
    home_care = {"il-sentiero.home-care"}
    assert codes(app, text="domicil") >= home_care  # the start of a word is enough
    assert codes(app, text="assistenza domiciliare") >= home_care  # every word must match
    assert codes(app, text="domiciliare cuneo") == set()
    assert codes(app, text="home care") >= home_care  # the English name
    assert codes(app, text="SOCIETÀ") == codes(app, text="societa")  # accents and case do not matter
    assert codes(app, text="nido", place=gazetteer().find("Cuneo")) == set()  # words and filters together
    with app.app_context():
        if get_db(app).engine.dialect.name == "postgresql":  # Italian stemming: plural finds singular
            assert codes(app, text="nidi") == {"girotondo.nursery-full-time", "girotondo.nursery-part-time"}


def test_the_search_index_follows_withdrawals_renamed_providers_and_an_emptied_index(app):
    everything = contributions(app)
    without = replace(everything, service_types=dict(everything.service_types))
    del without.service_types["girotondo.summer-camp"]
    with app.app_context():
        sync_catalog(db_session(), without)
    assert "girotondo.summer-camp" not in codes(app, text="estivo")
    assert "girotondo.summer-camp" not in codes(app, need_area="childcare_education")

    plugin, girotondo = everything.providers["girotondo"]
    renamed = replace(
        everything,
        providers={
            **everything.providers,
            "girotondo": (plugin, replace(girotondo, name="Arcobaleno Cooperativa Sociale")),
        },
    )
    with app.app_context():
        sync_catalog(db_session(), renamed)
    assert "girotondo.nursery-full-time" in codes(app, text="arcobaleno")
    assert codes(app, text="girotondo") == set()

    with app.app_context():  # as after an upgrade that created the index empty: the next sync fills it
        from sqlalchemy import text

        tables = ["service_search"]
        if db_session().get_bind().dialect.name == "postgresql":
            tables.append("service_search_words")
        for table in tables:
            db_session().execute(text(f"DELETE FROM {table}"))  # noqa: S608
        db_session().commit()
        assert codes(app, text="arcobaleno") == set()
        assert not sync_catalog(db_session(), renamed).changed
    assert "girotondo.nursery-full-time" in codes(app, text="arcobaleno")


def test_a_large_catalog_pages_in_name_order_with_right_totals_and_few_queries(make_app):
    """Past 500 matches the page walks the names' index instead of sorting the matches: the same services,
    in the same order, with the same total, as a plain query would give."""
    from benchmarks.catalog_plugin import GeneratedCatalog
    from welfare_plans.catalog import collect
    from welfare_plans.models import ServiceBeneficiary
    from welfare_plans.plugins import PluginRecord

    app = make_app()
    plugins = app.extensions["welfare_plans.plugins"]
    plugins.register(PluginRecord("generated", "local"), GeneratedCatalog(1_200))
    with app.app_context():
        session = db_session()
        sync_catalog(session, collect(plugins))
        statements = []
        event.listen(get_db(app).engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        for query, expected in (
            # dense: every generated service is for workers
            (CatalogQuery(beneficiary_group="workers"),
             select(CatalogService).join(ServiceBeneficiary).where(ServiceBeneficiary.beneficiary_group == "workers")),
            (CatalogQuery(need_area="health"), select(CatalogService).where(CatalogService.need_area == "health")),
            (CatalogQuery(), select(CatalogService)),
        ):  # fmt: skip
            every = session.scalars(
                expected.where(CatalogService.withdrawn_at.is_(None)).order_by(
                    CatalogService.name, CatalogService.code
                )
            ).all()
            statements.clear()
            page = search_services(session, query, page=3, per_page=20)
            assert len(statements) <= 5  # ids, their count (one query on PostgreSQL), page, two loads
            assert page.total == len(every)
            assert [s.code for s in page.items] == [s.code for s in every[40:60]]
        assert page.total > 1_200  # the demo plugins' services and the generated ones


def test_a_bulk_first_sync_stores_every_service_with_its_own_places_and_groups(make_app):
    """Past a few thousand new services the sync streams them (COPY on PostgreSQL) and reads their ids
    back: every service must end up with its own fields, places and groups, and be found by the search."""
    from benchmarks.catalog_plugin import GeneratedCatalog
    from welfare_plans.catalog import collect
    from welfare_plans.models import ServiceArea, ServiceBeneficiary
    from welfare_plans.plugins import PluginRecord

    app = make_app()
    plugins = app.extensions["welfare_plans.plugins"]
    plugins.register(PluginRecord("generated", "local"), GeneratedCatalog(6_000))
    contributed = collect(plugins)
    with app.app_context():
        session = db_session()
        report = sync_catalog(session, contributed)
        assert report.services.created == len(contributed.service_types)
        generated = {code: value for code, (_plugin, value) in contributed.service_types.items()}
        stored = {service.code: service for service in session.scalars(select(CatalogService))}
        places: dict[str, set] = {}
        for code, province, municipality in session.execute(
            select(CatalogService.code, ServiceArea.province_code, ServiceArea.municipality_code).join(
                ServiceArea
            )
        ):
            places.setdefault(code, set()).add(municipality or province)
        groups: dict[str, set] = {}
        for code, group in session.execute(
            select(CatalogService.code, ServiceBeneficiary.beneficiary_group).join(ServiceBeneficiary)
        ):
            groups.setdefault(code, set()).add(group)
        for code, value in generated.items():
            service = stored[code]
            assert (service.name, service.need_area) == (value.name, value.need_area)
            assert service.price == value.price
            assert service.delivery_modes == [mode.value for mode in value.delivery_modes]
            assert service.extra == dict(value.extra)
            assert places[code] == {*value.territory.provinces, *value.territory.municipalities}
            assert groups[code] == {group.value for group in value.beneficiary_groups}
        found = search_services(session, CatalogQuery(text="5999"))
        assert [service.code for service in found.items] == ["bench-119.5999"]
        assert not sync_catalog(session, contributed).changed


def active_services(app) -> int:
    with app.app_context():
        return db_session().scalar(
            select(func.count()).select_from(CatalogService).where(CatalogService.withdrawn_at.is_(None))
        )


def test_the_start_up_sync_runs_before_the_first_request_and_only_once(make_app):
    app = make_app(CATALOG_SYNC_ON_STARTUP=True)
    assert active_services(app) == 0  # building the app (as every flask command does) syncs nothing
    client = app.test_client()
    assert "15 servizi trovati" in client.get("/catalog/").get_data(as_text=True)
    everything = get_contributions(app)
    without = replace(everything, service_types=dict(everything.service_types))
    del without.service_types["girotondo.summer-camp"]
    set_contributions(app, without)  # a later request would withdraw the camp if it synced again
    assert "15 servizi trovati" in client.get("/catalog/").get_data(as_text=True)
    assert active_services(app) == 15


def test_a_server_that_forks_workers_syncs_once_in_its_master(make_app):
    """gunicorn with preload_app builds the app in its master: the catalog is synced there, before the
    workers fork, and a worker's first request does not sync again."""
    import runpy
    from pathlib import Path
    from types import SimpleNamespace

    settings = runpy.run_path(str(Path(__file__).parent.parent / "gunicorn.conf.py"))

    def master(app, preload_app: bool):
        return SimpleNamespace(
            cfg=SimpleNamespace(preload_app=preload_app), app=SimpleNamespace(wsgi=lambda: app)
        )

    separate = make_app(CATALOG_SYNC_ON_STARTUP=True)
    settings["on_starting"](master(separate, preload_app=False))  # each worker builds its own app
    assert active_services(separate) == 0

    preloaded = make_app(CATALOG_SYNC_ON_STARTUP=True)
    settings["on_starting"](master(preloaded, preload_app=True))
    assert active_services(preloaded) == 15
    everything = get_contributions(preloaded)
    with preloaded.app_context():
        sync_catalog(db_session(), replace(everything, service_types={}))  # everything withdrawn
    preloaded.test_client().get("/catalog/")  # a forked worker's first request
    assert active_services(preloaded) == 0


def test_the_start_up_sync_skips_a_schema_that_is_behind_and_the_app_still_answers(tmp_path, caplog):
    from helpers import base_config

    from welfare_plans import create_app

    app = create_app(base_config(f"sqlite:///{tmp_path / 'empty.db'}", CATALOG_SYNC_ON_STARTUP=True))
    with caplog.at_level("INFO", logger="welfare_plans.catalog.startup"):
        assert app.test_client().get("/health/live").status_code == 200
    assert "database schema is not up to date" in caplog.text
    app.extensions["welfare_plans.db"].engine.dispose()
