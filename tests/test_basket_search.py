"""The basket step searches and pages through every service a plan may take, however many there are, and
flags at its row a service of a draft that the provider no longer offers."""

import re
from dataclasses import replace

import pytest
from helpers import form_post, login, make_firm, make_member
from sqlalchemy import exists, select

from benchmarks.catalog_plugin import GeneratedCatalog
from welfare_plans.catalog import collect, get_contributions, sync_catalog
from welfare_plans.db import db_session
from welfare_plans.models import CatalogService, Plan, ServiceArea, ServiceBeneficiary
from welfare_plans.plugins import PluginRecord, get_plugins

BASICS = {
    "title": "Piano welfare 2026",
    "fiscal_year": "2026",
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "legal_basis": "regulation_binding",
    "territory": "Provincia di Torino",
}


@pytest.fixture
def hr(app, client):
    with app.app_context():
        firm = make_firm(db_session(), "Tessitura Pellice S.p.A.", "05987650016")
        person = make_member(db_session(), firm, "hr@tessitura.example")
    login(client, person["email"], person["password"])
    client.firm_id = firm.id
    return client


def new_plan(client, **basics) -> int:
    response = form_post(
        client, f"/plans/new?firm={client.firm_id}", {"title": "Piano", "fiscal_year": "2026"}
    )
    plan_id = int(response.headers["Location"].split("/")[2])
    assert form_post(client, f"/plans/{plan_id}/steps/basics", {**BASICS, **basics}).status_code == 302
    return plan_id


def include_families(client, plan_id: int) -> None:
    beneficiaries = {
        "categories-0-name": "Operai", "categories-0-headcount": "20", "categories-0-included": "y",
        "include_family": "y", "family_count": "30",
    }  # fmt: skip
    assert form_post(client, f"/plans/{plan_id}/steps/beneficiaries", beneficiaries).status_code == 302


def basket_codes(app, plan_id: int) -> list[str]:
    with app.app_context():
        return [item.service_code for item in db_session().get(Plan, plan_id).items]


def candidate_names(html: str) -> list[str]:
    table = html.split('id="candidates"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>([^<]+)<br>", table)


def test_the_basket_finds_pages_and_adds_any_of_5000_services(app, hr):
    plugins = get_plugins(app)
    plugins.register(PluginRecord("generated", "local"), GeneratedCatalog(5_000))
    with app.app_context():
        session = db_session()
        sync_catalog(session, collect(plugins))
        # what the plan may take: active, offered somewhere in the province of Torino, to workers
        eligible = session.scalars(
            select(CatalogService)
            .where(
                CatalogService.withdrawn_at.is_(None),
                exists().where(
                    ServiceArea.service_id == CatalogService.id, ServiceArea.province_code == "001"
                ),
                exists().where(
                    ServiceBeneficiary.service_id == CatalogService.id,
                    ServiceBeneficiary.beneficiary_group == "workers",
                ),
            )
            .order_by(CatalogService.name, CatalogService.code)
        ).all()
        target = eligible[-1]  # the last in name order: far beyond the 200 the step used to show
        target_id, target_name, target_code = target.id, target.name, target.code
    assert len(eligible) > 1_000

    plan_id = new_plan(hr)
    url = f"/plans/{plan_id}/steps/basket"
    first = hr.get(f"{url}?lang=en").get_data(as_text=True)
    assert f"{len(eligible)} services match" in first
    pages = -(-len(eligible) // 20)
    assert f"Page 1 of {pages}" in first
    assert candidate_names(first) == [service.name for service in eligible[:20]]
    last = hr.get(f"{url}?lang=en&page={pages}").get_data(as_text=True)
    assert candidate_names(last)[-1] == target_name

    number = target_name.rsplit(" ", 1)[1]  # the generated names end with the service's number
    found = hr.get(f"{url}?lang=en&q={number}").get_data(as_text=True)
    assert "1 service matches" in found
    assert candidate_names(found) == [target_name]
    assert f'name="add_service" value="{target_id}"' in found

    response = form_post(hr, f"{url}?q={number}", {"add_service": str(target_id)}, page=f"{url}?q={number}")
    assert response.headers["Location"].endswith(f"{url}?q={number}#basket")
    assert basket_codes(app, plan_id) == [target_code]
    again = hr.get(f"{url}?lang=en&q={number}").get_data(as_text=True)
    assert "1 service matches" in again and "In the plan" in again  # counted, not hidden
    assert f'name="add_service" value="{target_id}"' not in again


def test_words_and_a_need_narrow_the_candidates_and_say_how_many_match(app, hr):
    plan_id = new_plan(hr, needs=["childcare_education", "health"])
    include_families(hr, plan_id)
    url = f"/plans/{plan_id}/steps/basket?lang=en"
    assert candidate_names(hr.get(f"{url}&q=nido").get_data(as_text=True)) == [
        "Full-time nursery place",
        "Part-time nursery place",
    ]
    html = hr.get(f"{url}&q=nido&need=health").get_data(as_text=True)
    assert "0 services match" in html
    assert "No service the plan may take matches these words." in html
    assert "Home care for the elderly" not in hr.get(url).get_data(as_text=True)  # not a need of the plan
    html = hr.get(f"{url}&q=assistenza+domiciliare&need=elderly_care").get_data(as_text=True)
    assert "1 service matches" in html
    assert candidate_names(html) == ["Home care for the elderly"]


def test_a_service_withdrawn_from_the_catalog_is_flagged_at_its_row_in_a_draft(app, hr):
    plan_id = new_plan(hr, needs=["childcare_education", "health"], territory="Luserna San Giovanni")
    include_families(hr, plan_id)
    url = f"/plans/{plan_id}/steps/basket"
    with app.app_context():
        ids = dict(db_session().execute(select(CatalogService.code, CatalogService.id)).all())
    for code in ("girotondo.summer-camp", "sms-pinerolese.health-plan"):
        form_post(hr, url, {"add_service": str(ids[code])})
    assert basket_codes(app, plan_id) == ["girotondo.summer-camp", "sms-pinerolese.health-plan"]
    assert 'data-flag="withdrawn"' not in hr.get(url).get_data(as_text=True)

    everything = get_contributions(app)
    without = replace(everything, service_types=dict(everything.service_types))
    del without.service_types["girotondo.summer-camp"]
    with app.app_context():
        sync_catalog(db_session(), without)

    html = hr.get(f"{url}?lang=en").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", html.split('id="basket"', 1)[1].split("</table>", 1)[0], re.S)
    camp, health = (row for row in rows if "item_id" in row)
    assert "Summer camp" in camp
    assert 'data-flag="withdrawn" data-service="girotondo.summer-camp"' in camp
    assert "The provider no longer offers this service." in camp
    assert 'data-flag="withdrawn"' not in health
    assert "Il fornitore non offre più questo servizio." in hr.get(f"{url}?lang=it").get_data(as_text=True)

    with app.app_context():
        sync_catalog(db_session(), everything)  # offered again: nothing to flag
    assert 'data-flag="withdrawn"' not in hr.get(url).get_data(as_text=True)
