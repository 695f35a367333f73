"""The pooled demand page adds up the members' parts: checked on generated networks of many sizes."""

import itertools
import re
from decimal import Decimal

from helpers import login
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from stdnum import luhn

from welfare_plans import networks
from welfare_plans import plans as plan_service
from welfare_plans.accounts import create_user
from welfare_plans.db import db_session
from welfare_plans.domain.network import demand_by_need_area, firms_by_need_area, offers_of, pooled_demand
from welfare_plans.models import CatalogService, Firm, PartCategory, Plan, WorkerCategory

_serial = itertools.count(1)


def vat_number() -> str:
    base = f"{next(_serial):07d}001"
    return base + luhn.calc_check_digit(base)


choice = st.tuples(st.booleans(), st.integers(0, 500), st.decimals(0, 2000, places=2))
member = st.tuples(st.integers(0, 300), st.lists(choice, min_size=6, max_size=6))
network_shape = st.tuples(st.integers(1, 6), st.lists(member, min_size=1, max_size=40))

ROW = re.compile(
    r'data-service="([^"]+)" data-firms="(\d+)" data-people="(\d+)" data-quantity="([\d.]+)" data-budget="([\d.]+)"'
)
AREA = re.compile(r'data-area="([^"]+)" data-people="(\d+)" data-budget="([\d.]+)"')


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=network_shape)
def test_pooled_demand_is_the_sum_of_the_members_parts(app, shape):
    basket_size, members = shape
    with app.app_context():
        session = db_session()
        coordinator = create_user(
            session, email=f"c{next(_serial)}@rete.example", name="C", password="a-long-password"
        )
        network = networks.create_network(
            session, coordinator, name="Rete", kind="territorial_pact", coordinating_body="SMS"
        )
        plan = plan_service.create_joint_plan(session, network, coordinator, "Piano", 2026)
        services = list(
            session.scalars(select(CatalogService).order_by(CatalogService.code).limit(basket_size))
        )
        for service in services:
            plan_service.add_service(plan, service, service.beneficiary_groups[0])
        expected = {s.code: [0, 0, Decimal("0"), Decimal("0")] for s in services}
        area_firms: dict[str, int] = {}  # firms offering at least one service of the area
        for headcount, choices in members:
            firm = Firm(legal_name=f"Impresa {next(_serial)}", vat_number=vat_number(), created_at=plan.created_at,
                        categories=[WorkerCategory(name="Operai", headcount=headcount, position=0)])  # fmt: skip
            session.add(firm)
            session.flush()
            networks.invite(session, network, firm, coordinator)
            networks.respond(session, network, firm.id, coordinator, accept=True)
            part = networks.start_part(session, plan, firm, coordinator)
            part.categories = [
                PartCategory(
                    name="Operai", headcount=headcount, included=True, credit_per_worker=Decimal("100")
                )
            ]
            networks.set_choices(plan, part, {s.code: c for s, c in zip(services, choices, strict=False)})
            for service, (opted_in, people, quantity) in zip(services, choices, strict=False):
                if opted_in:
                    row = expected[service.code]
                    row[0] += 1
                    row[1] += people
                    row[2] += quantity
                    row[3] += (service.price * quantity).quantize(Decimal("0.01"))
            for area in {s.need_area for s, c in zip(services, choices, strict=False) if c[0]}:
                area_firms[area] = area_firms.get(area, 0) + 1
        session.commit()
        assert networks.offering_firms_by_need_area(plan) == area_firms
        plan_id = plan.id
        areas: dict[str, list] = {}
        for service in services:
            area = areas.setdefault(service.need_area, [0, Decimal("0")])
            area[0] += expected[service.code][1]
            area[1] += expected[service.code][3]

    client = app.test_client()
    login(client, coordinator.email, "a-long-password")
    page = client.get(f"/plans/{plan_id}/demand").get_data(as_text=True)
    shown = {code: [int(f), int(p), Decimal(q), Decimal(b)] for code, f, p, q, b in ROW.findall(page)}
    assert shown == expected
    assert {a: [int(p), Decimal(b)] for a, p, b in AREA.findall(page)} == areas
    unchosen = set(re.findall(r'data-flag="unchosen" data-service="([^"]+)"', page))
    assert unchosen == {code for code, row in expected.items() if row[0] == 0}
    assert f'data-members="{len(members)}"' in page  # how many firms it sums over

    # the database's sums are the annexes' sums: the same figures from the plan as plugins see it
    with app.app_context():
        domain = plan_service.to_domain(db_session().get(Plan, plan_id))
    from_annexes = pooled_demand(domain.basket, offers_of(domain.annexes))
    assert {
        row.service_code: [row.firms, row.people, row.quantity, row.budget] for row in from_annexes
    } == expected
    assert firms_by_need_area(domain.annexes) == area_firms
    by_area = demand_by_need_area(from_annexes, firms_by_need_area(domain.annexes))
    assert {area.need_area: [area.people, area.budget] for area in by_area} == areas
