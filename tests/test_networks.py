"""SME networks: invitations, membership, the joint plan, each firm's part and the totals."""

from decimal import Decimal
from pathlib import Path

import pytest
from helpers import csrf_token, form_post, login, make_firm, make_member
from sqlalchemy import select

from welfare_plans import networks
from welfare_plans import plans as plan_service
from welfare_plans.db import db_session
from welfare_plans.models import CatalogService, Firm, Network, NetworkMember, Plan, User
from welfare_plans.plugins import get_plugins


@pytest.fixture
def world(app):
    """A coordinator (not in any firm), three firms with an HR manager each, the catalog synced."""
    with app.app_context():
        session = db_session()
        firms = {
            "alfa": make_firm(session, "Alfa S.r.l.", "05987650016", (("Operai", 20), ("Impiegati", 5))),
            "beta": make_firm(session, "Beta S.r.l.", "05432100013", (("Operai", 8),)),
            "gamma": make_firm(session, "Gamma S.n.c.", "09876540015", (("Operai", 3),)),
        }
        people = {name: make_member(session, firm, f"hr@{name}.example") for name, firm in firms.items()}
        from welfare_plans.accounts import add_membership, create_user

        coordinator = create_user(
            session, email="coord@rete.example", name="Coordinatrice", password="a-long-password"
        )
        # only an HR manager of a firm (or an administrator) creates networks: the coordinator's own firm
        lead = make_firm(session, "Capofila S.r.l.", "08765430015", (("Operai", 4),))
        add_membership(session, coordinator, lead.id, "hr_manager")
        session.commit()
        people["coordinator"] = {
            "email": coordinator.email,
            "password": "a-long-password",
            "id": coordinator.id,
        }
        return {"firms": {name: firm.id for name, firm in firms.items()}, "people": people}


def signed_in(app, person):
    client = app.test_client()
    login(client, person["email"], person["password"])
    return client


def create_network_through_the_form(client, name="Rete Val Pellice") -> int:
    response = form_post(client, "/networks/new", {
        "name": name, "kind": "network_contract", "coordinating_body": "Alfa S.r.l.",
        "territory": "Pinerolo\nTorre Pellice", "description": "",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_a_coordinator_invites_a_firm_whose_hr_manager_accepts(app, world):
    coordinator = signed_in(app, world["people"]["coordinator"])
    network_id = create_network_through_the_form(coordinator)
    page = coordinator.get(f"/networks/{network_id}").get_data(as_text=True)
    assert "Rete Val Pellice" in page and "Torre Pellice (TO)" in page

    response = form_post(
        coordinator,
        f"/networks/{network_id}/invite",
        {"vat_number": "IT05987650016"},
        page=f"/networks/{network_id}",
    )
    assert response.status_code == 302

    hr = signed_in(app, world["people"]["alfa"])
    listing = hr.get("/networks/").get_data(as_text=True)
    assert "Rete Val Pellice" in listing and "Alfa S.r.l." in listing
    firm = world["firms"]["alfa"]
    response = form_post(hr, f"/networks/{network_id}/members/{firm}/respond", {"answer": "accept"},
                         page=f"/networks/{network_id}")  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        member = db_session().scalar(select(NetworkMember).where(NetworkMember.firm_id == firm))
        assert member.status == "active"


def test_the_coordinator_edits_the_network_and_a_member_may_not(app, world):
    coordinator = signed_in(app, world["people"]["coordinator"])
    network_id = create_network_through_the_form(coordinator)
    edit = f"/networks/{network_id}/edit"
    assert 'value="Rete Val Pellice"' in coordinator.get(edit).get_data(
        as_text=True
    )  # the form starts filled
    response = form_post(coordinator, edit, {
        "name": "  Rete Val Pellice e Chisone ", "kind": "territorial_pact", "coordinating_body": "Comune di Pinerolo",
        "territory": "Provincia di Torino", "description": "Patto del 2026",
    })  # fmt: skip
    assert response.status_code == 302
    page = coordinator.get(f"/networks/{network_id}").get_data(as_text=True)
    assert (
        "Rete Val Pellice e Chisone" in page and "Comune di Pinerolo" in page and "Torre Pellice" not in page
    )

    form_post(coordinator, f"/networks/{network_id}/invite", {"vat_number": "05987650016"},
              page=f"/networks/{network_id}")  # fmt: skip
    hr = signed_in(app, world["people"]["alfa"])
    form_post(hr, f"/networks/{network_id}/members/{world['firms']['alfa']}/respond", {"answer": "accept"},
              page=f"/networks/{network_id}")  # fmt: skip
    token = csrf_token(hr, f"/networks/{network_id}")
    refused = hr.post(edit, data={"csrf_token": token, "name": "Presa", "kind": "association",
                                  "coordinating_body": "Alfa", "territory": "Pinerolo"})  # fmt: skip
    assert refused.status_code == 403
    with app.app_context():
        network = db_session().get(Network, network_id)
        assert (network.name, network.kind, network.coordinating_body, network.territory_provinces) == (
            "Rete Val Pellice e Chisone",
            "territorial_pact",
            "Comune di Pinerolo",
            ["001"],
        )


def test_inviting_a_bad_or_unknown_vat_number_says_why_next_to_the_field(app, world):
    coordinator = signed_in(app, world["people"]["coordinator"])
    network_id = create_network_through_the_form(coordinator)
    page = form_post(
        coordinator,
        f"/networks/{network_id}/invite",
        {"vat_number": "05987650017"},
        page=f"/networks/{network_id}",
    )
    text = page.get_data(as_text=True)
    assert 'id="vat_number-error"' in text and "partita IVA" in text  # Italian by default
    unknown = form_post(
        coordinator,
        f"/networks/{network_id}/invite",
        {"vat_number": "07654320014"},
        page=f"/networks/{network_id}",
        follow_redirects=True,  # the same answer as for a registered firm: a redirect with a message
    )
    assert "non è registrata" in unknown.get_data(as_text=True) or "Nessuna impresa" in unknown.get_data(
        as_text=True
    )
    with app.app_context():
        assert db_session().scalars(select(NetworkMember)).all() == []


def test_declining_leaving_and_being_invited_again(app, world):
    with app.app_context():
        session = db_session()
        coordinator = session.get(User, world["people"]["coordinator"]["id"])
        hr = session.get(User, world["people"]["beta"]["id"])
        firm = session.get(Firm, world["firms"]["beta"])
        network = networks.create_network(session, coordinator, name="Rete", kind="association",
                                          coordinating_body="Confartigianato")  # fmt: skip
        networks.invite(session, network, firm, coordinator)
        with pytest.raises(networks.NetworkError):
            networks.invite(session, network, firm, coordinator)  # already invited
        networks.respond(session, network, firm.id, hr, accept=False)
        assert networks.membership(network, firm.id).status == "declined"
        assert networks.network_role(hr, network) is None
        networks.invite(session, network, firm, coordinator)  # invited again after declining
        networks.respond(session, network, firm.id, hr, accept=True)
        assert networks.network_role(hr, network) == "member"
        networks.leave(session, network, firm.id, hr)
        assert networks.network_role(hr, network) is None
        with pytest.raises(networks.NetworkError):
            networks.leave(session, network, firm.id, hr)


def test_a_firm_belongs_to_several_networks(app, world):
    with app.app_context():
        session = db_session()
        coordinator = session.get(User, world["people"]["coordinator"]["id"])
        hr = session.get(User, world["people"]["gamma"]["id"])

        firm = session.get(Firm, world["firms"]["gamma"])
        for name in ("Rete uno", "Rete due"):
            network = networks.create_network(session, coordinator, name=name, kind="territorial_pact",
                                              coordinating_body="SMS")  # fmt: skip
            networks.invite(session, network, firm, coordinator)
            networks.respond(session, network, firm.id, hr, accept=True)
        session.commit()
        assert [n.name for n in networks.visible_networks(session, hr)] == ["Rete due", "Rete uno"]


def joint_plan_with_members(session, world, members=("alfa", "beta"), started=()):
    """A joint plan of a network of ``members`` with two shared services; the parts of the ``started``
    firms are begun (from the firms' worker categories)."""
    coordinator = session.get(User, world["people"]["coordinator"]["id"])
    network = networks.create_network(session, coordinator, name="Rete Pinerolese", kind="territorial_pact",
                                      coordinating_body="SMS Pinerolo", municipalities=["001191"])  # fmt: skip
    for name in members:
        firm = session.get(Firm, world["firms"][name])
        networks.invite(session, network, firm, coordinator)
        networks.respond(
            session, network, firm.id, session.get(User, world["people"][name]["id"]), accept=True
        )
    plan = plan_service.create_joint_plan(session, network, coordinator, "Piano territoriale 2026", 2026)
    for code in ("sms-pinerolese.health-plan", "il-sentiero.home-care"):
        service = session.scalar(select(CatalogService).where(CatalogService.code == code))
        plan_service.add_service(plan, service, "workers")
    for name in started:
        networks.start_part(session, plan, session.get(Firm, world["firms"][name]), coordinator)
    session.commit()
    return network, plan


def fill_part(client, plan_id, firm_id, categories, funding, choices):
    data = {}
    for i, (name, headcount, credit) in enumerate(categories):
        data |= {f"categories-{i}-name": name, f"categories-{i}-headcount": str(headcount),
                 f"categories-{i}-included": "y", f"categories-{i}-credit_per_worker": credit}  # fmt: skip
    for i, (kind, amount) in enumerate(funding):
        data |= {f"funding-{i}-kind": kind, f"funding-{i}-amount": amount, f"funding-{i}-note": ""}
    for i, (code, offered, people, quantity) in enumerate(choices):
        data |= {
            f"choices-{i}-service_code": code,
            f"choices-{i}-people": str(people),
            f"choices-{i}-quantity": quantity,
        }
        if offered:
            data[f"choices-{i}-opted_in"] = "y"
    return form_post(client, f"/plans/{plan_id}/parts/{firm_id}", data)


def totals(page: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'data-total="(\w+)">([^<]+)<', page))


def test_a_member_fills_in_its_part_and_the_network_totals_follow(app, world):
    with app.app_context():
        network, plan = joint_plan_with_members(db_session(), world)
        plan_id = plan.id
    coordinator = signed_in(app, world["people"]["coordinator"])
    before = totals(coordinator.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert before["workers"] == "0"

    hr = signed_in(app, world["people"]["alfa"])
    response = fill_part(hr, plan_id, world["firms"]["alfa"], [("Operai", 20, "500,00"), ("Impiegati", 5, "400,00")],
                         [("employer", "12.000,00")],
                         [("sms-pinerolese.health-plan", True, 25, "25"), ("il-sentiero.home-care", False, 0, "0")])  # fmt: skip
    assert response.status_code == 302
    after = totals(coordinator.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert after["workers"] == "25"
    assert after["budget"] == "12.000,00\xa0€"  # 20 × 500 + 5 × 400
    assert after["basket"] == "6.000,00\xa0€"  # 25 × 240, the health plan's price
    demand = coordinator.get(f"/plans/{plan_id}/demand").get_data(as_text=True)
    assert 'data-service="sms-pinerolese.health-plan" data-firms="1" data-people="25"' in demand
    assert 'data-flag="unchosen" data-service="il-sentiero.home-care"' in demand


def test_a_bad_amount_in_a_part_is_shown_at_its_field_and_nothing_is_lost(app, world):
    with app.app_context():
        _network, plan = joint_plan_with_members(db_session(), world)
        plan_id = plan.id
    hr = signed_in(app, world["people"]["alfa"])
    firm = world["firms"]["alfa"]
    fill_part(hr, plan_id, firm, [("Operai", 20, "500,00")], [("employer", "10.000,00")], [])
    page = fill_part(hr, plan_id, firm, [("Operai", 21, "cinquecento")], [("employer", "10.000,00")], [])
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'aria-invalid="true"' in text and "1.250,00" in text
    with app.app_context():
        part = networks.part_of(db_session().get(Plan, plan_id), firm)
        assert [(c.headcount, c.credit_per_worker) for c in part.categories] == [(20, Decimal("500.00"))]


def test_a_member_cannot_open_another_members_part_until_everyone_agrees_to_share(app, world):
    with app.app_context():
        network, plan = joint_plan_with_members(db_session(), world)
        plan_id, network_id = plan.id, network.id
    alfa, beta = world["firms"]["alfa"], world["firms"]["beta"]
    hr_alfa = signed_in(app, world["people"]["alfa"])
    hr_beta = signed_in(app, world["people"]["beta"])
    fill_part(hr_beta, plan_id, beta, [("Operai", 8, "300,00")], [("employer", "2.400,00")], [])
    assert hr_alfa.get(f"/plans/{plan_id}/parts/{alfa}").status_code == 200
    assert hr_alfa.get(f"/plans/{plan_id}/parts/{beta}").status_code == 404
    assert hr_alfa.get(f"/plans/{plan_id}/parts/{beta}/annex.pdf").status_code == 404
    overview = hr_alfa.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Beta S.r.l." not in overview and totals(overview)["workers"] == "8"  # in the totals, not by name
    assert hr_alfa.get(f"/plans/{plan_id}/document.pdf").status_code == 404  # it holds every annex

    coordinator = signed_in(app, world["people"]["coordinator"])
    form_post(
        coordinator, f"/networks/{network_id}/sharing", {"propose": "1"}, page=f"/networks/{network_id}"
    )
    form_post(
        hr_alfa,
        f"/networks/{network_id}/members/{alfa}/sharing",
        {"agree": "1"},
        page=f"/networks/{network_id}",
    )
    assert hr_alfa.get(f"/plans/{plan_id}/parts/{beta}").status_code == 404  # Beta has not agreed yet
    form_post(
        hr_beta,
        f"/networks/{network_id}/members/{beta}/sharing",
        {"agree": "1"},
        page=f"/networks/{network_id}",
    )
    assert hr_alfa.get(f"/plans/{plan_id}/parts/{beta}").status_code == 200
    assert hr_alfa.post(f"/plans/{plan_id}/parts/{beta}", data={
        "csrf_token": csrf_token(hr_alfa, f"/plans/{plan_id}/parts/{alfa}")}).status_code == 403  # fmt: skip


def test_a_firm_that_leaves_keeps_its_part_of_final_plans_and_drops_out_of_drafts(app, world):
    with app.app_context():
        session = db_session()
        network, plan = joint_plan_with_members(session, world)
        coordinator = session.get(User, world["people"]["coordinator"]["id"])
        beta_hr = session.get(User, world["people"]["beta"]["id"])

        for name in ("alfa", "beta"):
            networks.start_part(session, plan, session.get(Firm, world["firms"][name]), coordinator)
        draft = plan_service.create_joint_plan(session, network, coordinator, "Piano 2027", 2027)
        networks.start_part(session, draft, session.get(Firm, world["firms"]["beta"]), coordinator)
        plan.status = "final"
        networks.leave(session, network, world["firms"]["beta"], beta_hr)
        session.commit()
        assert [a.firm_name for a in plan_service.annexes(plan)] == ["Alfa S.r.l.", "Beta S.r.l."]
        assert plan_service.annexes(draft) == ()
        assert networks.plan_role(beta_hr, plan) == "member" and networks.plan_role(beta_hr, draft) is None
        copy = plan_service.new_version(session, plan, coordinator)
        assert [part.firm.legal_name for part in copy.parts] == ["Alfa S.r.l."]


def test_the_joint_plans_checks_and_new_versions_carry_the_parts(app, world):
    with app.app_context():
        session = db_session()
        _network, plan = joint_plan_with_members(session, world)
        coordinator = session.get(User, world["people"]["coordinator"]["id"])

        part = networks.start_part(session, plan, session.get(Firm, world["firms"]["alfa"]), coordinator)
        for category in part.categories:
            category.credit_per_worker = Decimal("100")
        networks.set_choices(plan, part, {"sms-pinerolese.health-plan": (True, 25, Decimal("25"))})
        session.commit()
        domain = plan_service.to_domain(plan)
        assert domain.is_joint and domain.total_budget == Decimal("2500.00")
        problems = plan_service.check_plan(get_plugins(app), domain)
        assert any(p.field == "funding" for p in problems)  # 2,500 € of credit and no funding
        plan.status = "final"
        copy = plan_service.new_version(session, plan, coordinator)
        session.commit()
        assert plan_service.to_domain(copy).annexes == domain.annexes


def test_the_annexes_job_renders_the_joint_document_and_each_annex_once(app, world):
    from welfare_plans import jobs

    with app.app_context():
        session = db_session()
        network, plan = joint_plan_with_members(session, world, started=("alfa", "beta"))
        coordinator = session.get(User, world["people"]["coordinator"]["id"])
        job, _new = jobs.create(app, "render_annexes", {"plan_id": plan.id, "languages": ["it"]},
                                network_id=network.id, user_id=coordinator.id)  # fmt: skip
        done = jobs.run_job(app, job.id)
        assert done.status == "done" and done.total == 3
        assert sorted(r.get("title") for r in done.results) == [
            "Alfa S.r.l.",
            "Beta S.r.l.",
            "Piano territoriale 2026",
        ]
        files = sorted(p.name for p in Path(app.config["DOCUMENTS_DIR"]).glob("*.pdf"))
        assert len(files) == 3
        jobs.run_job(app, job.id)  # a duplicate delivery renders nothing more
        assert sorted(p.name for p in Path(app.config["DOCUMENTS_DIR"]).glob("*.pdf")) == files

    client = signed_in(app, world["people"]["coordinator"])
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f"/plans/{plan.id}/parts/{world['firms']['alfa']}/annex.pdf" in page
    pdf = client.get(f"/plans/{plan.id}/document.pdf?lang=it")
    assert pdf.status_code == 200 and pdf.get_data()[:5] == b"%PDF-"  # cached by the job: served at once
    pdf.close()
    outsider = signed_in(app, world["people"]["gamma"])
    assert outsider.get(f"/jobs/{job.id}").status_code == 404


def test_annexes_rendered_after_a_firm_is_renamed_carry_its_new_name(app, world):
    """A worker process reuses the joint plan's value between units; a renamed member must not be missed."""
    import io

    import pypdf

    from welfare_plans import jobs

    with app.app_context():
        session = db_session()
        network, plan = joint_plan_with_members(session, world, started=("alfa", "beta"))
        params = {"plan_id": plan.id, "languages": ["it"], "include_plan": False}
        jobs.run_job(app, jobs.create(app, "render_annexes", params, network_id=network.id)[0].id)
        session.get(Firm, world["firms"]["alfa"]).legal_name = "Alfa Rinominata S.r.l."
        session.commit()
        done = jobs.run_job(app, jobs.create(app, "render_annexes", params, network_id=network.id)[0].id)
        (result,) = [r for r in done.results if r["firm_id"] == world["firms"]["alfa"]]
        content = (Path(app.config["DOCUMENTS_DIR"]) / result["file"]).read_bytes()
        text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
        assert "Alfa Rinominata S.r.l." in text
