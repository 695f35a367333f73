"""An HR manager composes a plan through the wizard, with the mistakes people make on the way."""

from decimal import Decimal

import pytest
from helpers import csrf_token, form_post, login, make_firm, make_member
from sqlalchemy import select

from welfare_plans.db import db_session
from welfare_plans.models import Plan


@pytest.fixture
def firm(app):
    with app.app_context():
        firm = make_firm(db_session(), "Tessitura Pellice S.p.A.", "05987650016")
        hr = make_member(db_session(), firm, "hr@tessitura.example")
        viewer = make_member(db_session(), firm, "viewer@tessitura.example", role="viewer")
        return {"id": firm.id, "hr": hr, "viewer": viewer}


@pytest.fixture
def hr(client, firm):
    login(client, firm["hr"]["email"], firm["hr"]["password"])
    return client


def new_plan(client, firm_id, title="Piano welfare 2026"):
    response = form_post(client, f"/plans/new?firm={firm_id}", {"title": title, "fiscal_year": "2026"})
    assert response.status_code == 302
    return int(response.headers["Location"].split("/")[2])


def plan(app, plan_id):
    """The plan as saved, with everything the assertions read loaded before the session closes."""
    from sqlalchemy.orm import selectinload

    with app.app_context():
        return db_session().get(
            Plan,
            plan_id,
            options=[
                selectinload(getattr(Plan, name)) for name in ("categories", "funding", "items", "partners")
            ],
            populate_existing=True,
        )


def credit_ids(app, plan_id) -> dict:
    """The hidden fields of the budget step that name each credit row's category, as the page has them."""
    included = [c for c in plan(app, plan_id).categories if c.included]
    return {f"credits-{i}-category_id": str(category.id) for i, category in enumerate(included)}


BASICS = {
    "title": "Piano welfare 2026",
    "fiscal_year": "2026",
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "legal_basis": "regulation_binding",
    "objectives": "Conciliare lavoro e cura dei figli.",
    "needs": ["childcare_education", "health"],
    "territory": "Luserna San Giovanni\nProvincia di Torino",
}


def test_a_new_plan_starts_from_the_firms_worker_categories(app, hr, firm):
    plan_id = new_plan(hr, firm["id"])
    created = plan(app, plan_id)
    assert [(c.name, c.headcount) for c in created.categories] == [("Operai", 20), ("Impiegati", 5)]
    assert created.status == "draft" and created.version == 1


def test_basics_saved_and_a_wrong_period_explained_at_the_field_with_the_input_kept(app, hr, firm):
    plan_id = new_plan(hr, firm["id"])
    url = f"/plans/{plan_id}/steps/basics"
    response = form_post(hr, url, BASICS)
    assert response.status_code == 302 and response.headers["Location"].endswith("/steps/beneficiaries")
    saved = plan(app, plan_id)
    assert saved.legal_basis == "regulation_binding"
    assert saved.territory_municipalities == ["001139"] and saved.territory_provinces == ["001"]

    wrong = form_post(hr, url, {**BASICS, "title": "Titolo nuovo", "period_end": "2025-12-31"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 200
    assert "Il piano deve finire dopo l&#39;inizio." in html
    assert 'value="Titolo nuovo"' in html  # the rest of the input is kept
    assert "Non è stato salvato nulla" in html
    assert plan(app, plan_id).title == "Piano welfare 2026"  # nothing already saved is lost


def test_an_unknown_place_is_named_at_the_territory_field(hr, firm):
    plan_id = new_plan(hr, firm["id"])
    html = form_post(
        hr, f"/plans/{plan_id}/steps/basics", {**BASICS, "territory": "Pinerolo\nAtlantide"}
    ).get_data(as_text=True)
    assert "Non trovati: Atlantide." in html


def test_funding_that_does_not_add_up_is_saved_and_explained_at_the_field(app, hr, firm):
    plan_id = new_plan(hr, firm["id"])
    form_post(hr, f"/plans/{plan_id}/steps/basics", BASICS)
    url = f"/plans/{plan_id}/steps/budget"
    budget = {
        **credit_ids(app, plan_id),
        "credits-0-credit_per_worker": "500",
        "credits-1-credit_per_worker": "500",
        "funding-0-kind": "employer",
        "funding-0-amount": "10.000,00",  # Italian notation; the credit totals 12.500
        "funding-0-note": "",
    }
    response = form_post(hr, url, budget)
    assert response.status_code == 302 and response.headers["Location"].endswith("/steps/budget")
    html = hr.get(url).get_data(as_text=True)
    assert 'data-field="funding"' in html
    assert (
        "Le fonti di finanziamento sommano 10.000,00 euro, "
        "ma il credito welfare dei lavoratori inclusi è di 12.500,00 euro."
    ) in html
    saved = plan(app, plan_id)
    assert saved.funding[0].amount == Decimal("10000.00")
    form_post(hr, url, {**budget, "funding-0-amount": "12.500,00"})
    assert 'data-field="funding"' not in hr.get(url).get_data(as_text=True)


def test_a_plan_composed_step_by_step_is_finalised_and_versioned(app, hr, firm):
    plan_id = new_plan(hr, firm["id"])
    assert form_post(hr, f"/plans/{plan_id}/steps/basics", BASICS).status_code == 302
    beneficiaries = {
        "categories-0-name": "Operai", "categories-0-headcount": "20", "categories-0-included": "y",
        "categories-1-name": "Impiegati", "categories-1-headcount": "5", "categories-1-included": "y",
        "include_family": "y", "family_count": "30",
    }  # fmt: skip
    assert form_post(hr, f"/plans/{plan_id}/steps/beneficiaries", beneficiaries).status_code == 302
    budget = {
        **credit_ids(app, plan_id),
        "credits-0-credit_per_worker": "400", "credits-1-credit_per_worker": "400",
        "funding-0-kind": "employer", "funding-0-amount": "10000",
    }  # fmt: skip
    assert form_post(hr, f"/plans/{plan_id}/steps/budget", budget).status_code == 302

    basket_url = f"/plans/{plan_id}/steps/basket"
    page = hr.get(basket_url).get_data(as_text=True)
    assert "Centro estivo" in page  # childcare, in Luserna, for family members
    assert "Assistenza domiciliare per anziani" not in page  # not a need of this plan
    from welfare_plans.models import CatalogService

    with app.app_context():
        camp_id = db_session().scalar(
            select(CatalogService.id).where(CatalogService.code == "girotondo.summer-camp")
        )
    form_post(hr, basket_url, {"add_service": str(camp_id)})
    (item,) = plan(app, plan_id).items
    assert item.price == Decimal("125.00") and item.beneficiary_group == "family_members"
    form_post(hr, basket_url, {"items-0-item_id": str(item.id), "items-0-quantity": "40",
                               "items-0-beneficiary_group": "family_members"})  # fmt: skip
    assert plan(app, plan_id).items[0].budget == Decimal("5000.00")

    governance = {"steering_committee": "Comitato paritetico.", "partners-0-name": "Comune di Luserna",
                  "partners-0-kind": "municipality", "partners-0-role": "Partner", "new_hires_rule": "pro_rata",
                  "unused_credit_rule": "carried_over", "claims_deadline_days": "90"}  # fmt: skip
    response = form_post(hr, f"/plans/{plan_id}/steps/governance", governance)
    assert response.headers["Location"].endswith(f"/plans/{plan_id}/review")

    review = hr.get(f"/plans/{plan_id}/review").get_data(as_text=True)
    assert "Errore" not in review
    token = csrf_token(hr, f"/plans/{plan_id}/review")
    assert hr.post(f"/plans/{plan_id}/finalise", data={"csrf_token": token}).status_code == 302
    assert plan(app, plan_id).status == "final"

    # a final plan is locked
    locked = form_post(hr, f"/plans/{plan_id}/steps/basics", {**BASICS, "title": "Cambiato"})
    assert locked.status_code == 302 and plan(app, plan_id).title == BASICS["title"]

    token = csrf_token(hr, f"/plans/{plan_id}")
    response = hr.post(f"/plans/{plan_id}/new-version", data={"csrf_token": token})
    version_2 = int(response.headers["Location"].split("/")[2])
    assert plan(app, version_2).version == 2 and plan(app, version_2).status == "draft"
    form_post(hr, f"/plans/{version_2}/steps/basics", {**BASICS, "title": "Piano welfare 2026 bis"})
    overview = hr.get(f"/plans/{version_2}").get_data(as_text=True)  # the versions, each with "compare"
    assert f'href="/plans/{version_2}/compare?with={plan_id}"' in overview
    comparison = hr.get(f"/plans/{version_2}/compare?with={plan_id}").get_data(as_text=True)
    assert "Piano welfare 2026 bis" in comparison and "<del>Piano welfare 2026</del>" in comparison
    history = hr.get(f"/plans/{version_2}/history").get_data(as_text=True)
    assert "Hr" in history and "Dati generali salvati" in history and "Reso definitivo" in history

    token = csrf_token(hr, f"/plans/{version_2}/review")
    hr.post(f"/plans/{version_2}/finalise", data={"csrf_token": token})
    assert plan(app, version_2).status == "final"
    assert plan(app, plan_id).status == "archived"  # the version it replaces

    token = csrf_token(hr, f"/plans/{version_2}")
    response = hr.post(
        f"/plans/{version_2}/duplicate", data={"csrf_token": token, "title": "Piano welfare 2027"}
    )
    copy = plan(app, int(response.headers["Location"].split("/")[2]))
    assert (copy.title, copy.fiscal_year, copy.version, copy.status) == (
        "Piano welfare 2027",
        2027,
        1,
        "draft",
    )
    assert copy.period_start.year == 2027 and len(copy.items) == 1


def test_finalising_is_refused_while_there_are_errors(app, hr, firm):
    plan_id = new_plan(hr, firm["id"])
    token = csrf_token(hr, f"/plans/{plan_id}/review")
    response = hr.post(f"/plans/{plan_id}/finalise", data={"csrf_token": token}, follow_redirects=True)
    assert "Correggi gli errori prima di rendere definitivo il piano." in response.get_data(as_text=True)
    assert plan(app, plan_id).status == "draft"


def test_the_overview_shows_the_charts_as_svg(app, hr, firm):
    plan_id = new_plan(hr, firm["id"])
    html = hr.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert f'src="/plans/{plan_id}/charts/need-areas.svg"' in html
    svg = hr.get(f"/plans/{plan_id}/charts/need-areas.svg")
    assert svg.mimetype == "image/svg+xml" and svg.get_data(as_text=True).lstrip().startswith("<?xml")
    assert "script-src" not in svg.headers["Content-Security-Policy"]


def test_a_viewer_reads_but_cannot_change(app, client, firm):
    login(client, firm["hr"]["email"], firm["hr"]["password"])
    plan_id = new_plan(client, firm["id"])
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/plans/")})
    login(client, firm["viewer"]["email"], firm["viewer"]["password"])
    assert client.get(f"/plans/{plan_id}").status_code == 200
    assert "fieldset disabled" in client.get(f"/plans/{plan_id}/steps/basics").get_data(as_text=True)
    assert form_post(client, f"/plans/{plan_id}/steps/basics", BASICS).status_code == 403
    assert client.get(f"/plans/new?firm={firm['id']}").status_code == 403


@pytest.mark.parametrize(
    ("lang", "typed", "expected"),
    [
        ("it", "1.250,50", "1250.50"),
        ("it", "1250,5", "1250.5"),
        ("it", "1234.5", "1234.5"),  # a decimal point typed on an Italian page
        ("it", "€ 300", "300"),
        ("en", "1,250.50", "1250.50"),
    ],
)
def test_amounts_are_read_the_way_the_page_writes_them(app, lang, typed, expected):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from welfare_plans.web.fields import AmountField

    class AmountForm(Form):
        amount = AmountField()

    with app.test_request_context(f"/?lang={lang}"):
        from flask import session

        session["lang"] = lang
        form = AmountForm(formdata=MultiDict({"amount": typed}))
        assert form.validate()
        assert form.amount.data == Decimal(expected)


def test_an_amount_that_is_not_a_number_is_explained(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from welfare_plans.web.fields import AmountField

    class AmountForm(Form):
        amount = AmountField()

    with app.test_request_context("/"):
        form = AmountForm(formdata=MultiDict({"amount": "dodici"}))
        assert not form.validate()
        assert str(form.amount.errors[0]) == "Scrivi un importo come 1.250,00"


def test_a_later_catalog_change_does_not_alter_the_plans_basket(app, hr, firm):
    from dataclasses import replace

    from welfare_plans.catalog import get_contributions, sync_catalog
    from welfare_plans.models import CatalogService

    plan_id = new_plan(hr, firm["id"])
    form_post(hr, f"/plans/{plan_id}/steps/basics", BASICS)
    with app.app_context():
        camp_id = db_session().scalar(
            select(CatalogService.id).where(CatalogService.code == "girotondo.summer-camp")
        )
    form_post(hr, f"/plans/{plan_id}/steps/basket", {"add_service": str(camp_id)})

    everything = get_contributions(app)
    plugin, camp = everything.service_types["girotondo.summer-camp"]
    dearer = replace(everything, service_types={**everything.service_types,
                                                "girotondo.summer-camp": (plugin, replace(camp, price=Decimal("150")))})  # fmt: skip
    with app.app_context():
        sync_catalog(db_session(), dearer)
        assert db_session().get(CatalogService, camp_id).price == Decimal("150.00")
    assert plan(app, plan_id).items[0].price == Decimal("125.00")


def test_moving_to_another_step_with_the_step_buttons_keeps_what_was_typed(app, hr, firm):
    plan_id = new_plan(hr, firm["id"])
    response = form_post(
        hr,
        f"/plans/{plan_id}/steps/basics",
        {**BASICS, "objectives": "Scritto e non perso.", "goto": "governance"},
    )
    assert response.headers["Location"].endswith(f"/plans/{plan_id}/steps/governance")
    assert plan(app, plan_id).objectives == "Scritto e non perso."
    assert "Scritto e non perso." in hr.get(f"/plans/{plan_id}/steps/basics").get_data(as_text=True)


def test_the_cached_overview_follows_every_change_and_its_forms_work_for_each_reader(app, hr, firm):
    plan_id = new_plan(hr, firm["id"])
    assert "Piano welfare 2026" in hr.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Piano welfare 2026" in hr.get(f"/plans/{plan_id}").get_data(as_text=True)  # served from the cache
    form_post(hr, f"/plans/{plan_id}/steps/basics", {**BASICS, "title": "Piano rinominato"})
    hr.get(f"/plans/{plan_id}")  # shows "draft saved": a page with a message is not kept
    page = hr.get(f"/plans/{plan_id}").get_data(as_text=True)  # kept in the cache
    assert "Piano rinominato" in page and "Piano welfare 2026" not in page

    # the firm's name is on the page: renaming the firm shows at once
    with app.app_context():
        from welfare_plans.models import Firm

        db_session().get(Firm, firm["id"]).legal_name = "Tessitura Val Pellice S.p.A."
        db_session().commit()
    assert "Tessitura Val Pellice S.p.A." in hr.get(f"/plans/{plan_id}").get_data(as_text=True)

    # another reader of the same firm gets a page of their own: a viewer has no buttons to change it, and a
    # second HR manager's forms carry their own CSRF token, which the server accepts
    viewer = app.test_client()
    login(viewer, firm["viewer"]["email"], firm["viewer"]["password"])
    assert "Duplica come piano" not in viewer.get(f"/plans/{plan_id}").get_data(as_text=True)
    with app.app_context():
        other = make_member(db_session(), db_session().get(Firm, firm["id"]), "hr2@tessitura.example")
    second = app.test_client()
    login(second, other["email"], other["password"])
    second.get("/plans/")  # reads the "signed in" message
    second.get(f"/plans/{plan_id}")  # stored in the cache for this reader
    page = second.get(f"/plans/{plan_id}").get_data(as_text=True)  # and served from it
    assert "\x00" not in page
    token = csrf_token(second, f"/plans/{plan_id}")
    response = second.post(f"/plans/{plan_id}/duplicate", data={"csrf_token": token, "title": "Piano 2027"})
    assert response.status_code == 302 and "/steps/basics" in response.headers["Location"]
    # the new plan appears in the list, and the old overview is still right after it
    assert "Piano 2027" in second.get("/plans/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("form_class", "row_fields"),
    [
        ("welfare_plans.web.firms:FirmForm", {"headcount": "3"}),
        ("welfare_plans.web.plan_forms:BeneficiariesForm", {"headcount": "3", "included": "y"}),
        (
            "welfare_plans.web.network_forms:PartForm",
            {"headcount": "3", "included": "y", "credit_per_worker": "100"},
        ),
    ],
)
def test_two_categories_with_one_name_are_refused_at_the_field(app, form_class, row_fields):
    """The firm's profile, the plan's beneficiaries and a member's part all refuse "Operai" twice,
    whatever its case or spaces, with the message in Italian next to the categories."""
    from importlib import import_module

    from werkzeug.datastructures import MultiDict

    module, name = form_class.split(":")
    form_type = getattr(import_module(module), name)

    def categories_errors(*names):
        data = MultiDict()
        for index, category in enumerate(names):
            data[f"categories-{index}-name"] = category
            for field, value in row_fields.items():
                data[f"categories-{index}-{field}"] = value
        with app.test_request_context():
            form = form_type(formdata=data, meta={"csrf": False})
            form.validate()
            return [str(error) for error in form.categories.errors if not isinstance(error, dict)]

    assert categories_errors("Operai", " operai ") == ["Due categorie hanno lo stesso nome."]
    assert categories_errors("Operai", "Impiegati", "") == []
