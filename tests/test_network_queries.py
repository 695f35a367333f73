"""A joint plan's pages run as many SQL statements for a network of 30 member firms as for one of 3: the
roll-up reads the parts in bulk, and nothing on the way asks the database once per firm."""

import itertools
from decimal import Decimal

import pytest
from helpers import login, make_member
from sqlalchemy import event, select
from stdnum import luhn

from welfare_plans import networks
from welfare_plans import plans as plan_service
from welfare_plans.accounts import create_user
from welfare_plans.db import db_session, get_db
from welfare_plans.domain.plan import CategoryBudget, FundingKind, FundingSource
from welfare_plans.models import CatalogService, Firm, MemberPart, WorkerCategory

_serial = itertools.count(1)
PAGES = ["/plans/{plan}", "/plans/{plan}/demand", "/networks/{network}"]


def vat_number() -> str:
    base = f"{6000000 + next(_serial):07d}001"
    return base + luhn.calc_check_digit(base)


def build_network(app, size: int) -> dict:
    """A network of ``size`` active member firms, every part filled in, made as the app makes it; the
    first firm has an HR manager, the network a coordinator of its own."""
    with app.app_context():
        session = db_session()
        coordinator = create_user(
            session, email=f"coord{size}@rete.example", name="Coordinatrice", password="a-long-password"
        )
        network = networks.create_network(
            session, coordinator, name=f"Rete {size}", kind="network_contract", coordinating_body="Consorzio"
        )
        plan = plan_service.create_joint_plan(session, network, coordinator, f"Piano {size}", 2026)
        for service in session.scalars(select(CatalogService).order_by(CatalogService.code).limit(6)):
            plan_service.add_service(plan, service, service.beneficiary_groups[0], Decimal(0))
        session.flush()
        codes = [item.service_code for item in plan.items]
        for index in range(size):
            firm = Firm(legal_name=f"Impresa {index:02d} della rete {size}", vat_number=vat_number(),
                        municipality_code="001191", created_at=plan.created_at,
                        categories=[WorkerCategory(name="Operai", headcount=10 + index, position=0),
                                    WorkerCategory(name="Impiegati", headcount=3, position=1)])  # fmt: skip
            session.add(firm)
            session.flush()
            networks.invite(session, network, firm, coordinator)
            networks.respond(session, network, firm.id, coordinator, accept=True)
            networks.save_part(
                session, plan, firm, coordinator,
                categories=[CategoryBudget(c.name, c.headcount, True, Decimal(300)) for c in firm.categories],
                funding=[FundingSource(FundingKind.EMPLOYER, Decimal(300 * (13 + index)))],
                choices={code: networks.PartChoiceInput(index % 2 == 0, 2, Decimal(3)) for code in codes},
            )  # fmt: skip
        session.commit()
        member = make_member(session, session.get(Firm, network.members[0].firm_id), f"hr{size}@rete.example")
        return {
            "ids": {"plan": plan.id, "network": network.id},
            "coordinator": {"email": coordinator.email, "password": "a-long-password"},
            "member": member,
        }


def statements_per_page(app, network: dict, person: str) -> dict[str, int]:
    """How many statements each page of the network runs for the person, once its caches are warm."""
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    client = app.test_client()
    login(client, network[person]["email"], network[person]["password"])
    counts = {}
    for page in PAGES:
        path = page.format(**network["ids"])
        assert client.get(path).status_code == 200
        event.listen(get_db(app).engine, "before_cursor_execute", listener)
        try:
            statements.clear()
            assert client.get(path).status_code == 200
            counts[page] = len(statements)
        finally:
            event.remove(get_db(app).engine, "before_cursor_execute", listener)
    return counts


@pytest.mark.parametrize("person", ["coordinator", "member"])
def test_a_joint_plans_pages_run_as_many_statements_for_30_firms_as_for_3(app, person):
    small, large = build_network(app, 3), build_network(app, 30)
    few, many = statements_per_page(app, small, person), statements_per_page(app, large, person)
    assert many == few, (few, many)
    # and a handful at that: the user, the plan and its own rows, the parts in bulk, the versions
    assert all(count <= 20 for count in few.values()), few


def test_each_member_firms_row_links_to_its_part_and_its_annex(app):
    network = build_network(app, 3)
    client = app.test_client()
    login(client, network["coordinator"]["email"], network["coordinator"]["password"])
    plan_id = network["ids"]["plan"]
    page = client.get(f"/plans/{plan_id}?lang=en").get_data(as_text=True)
    with app.app_context():
        firms = db_session().scalars(select(MemberPart.firm_id).where(MemberPart.plan_id == plan_id)).all()
    assert len(firms) == 3
    for firm_id in firms:
        assert f'href="/plans/{plan_id}/parts/{firm_id}"' in page
        assert f'href="/plans/{plan_id}/parts/{firm_id}/annex.pdf?lang=en&amp;download=1"' in page
        with client.get(f"/plans/{plan_id}/parts/{firm_id}/annex.pdf?lang=en") as annex:
            assert annex.status_code == 200 and annex.data.startswith(b"%PDF")
