"""Two tenants and a network, for the tests of issue 14 (a hostile user, a busy office, a proxy).

``build(session)`` makes: firm Alfa with an HR manager and a viewer, and a draft plan composed through the
services; firm Zeta, another tenant with its HR manager and plan; a network coordinated by someone of no
firm, with Alfa, Beta and Gamma as active members and a draft joint plan with two shared services in which
each member has started its part. Both kinds of plan can be finalised as they are. Everything is addressed by name in the dictionary returned.
"""

from __future__ import annotations

from decimal import Decimal

from helpers import login, make_firm, make_member
from sqlalchemy import select, text

from welfare_plans import networks
from welfare_plans import plans as plan_service
from welfare_plans.accounts import create_user
from welfare_plans.models import CatalogService, Firm, PartFunding, Plan, PlanFunding, PlanPartner, User

PASSWORD = "a-long-password"


def build(session) -> dict:
    firms = {
        "alfa": make_firm(session, "Alfa S.r.l.", "05987650016", (("Operai", 20), ("Impiegati", 5))),
        "beta": make_firm(session, "Beta S.r.l.", "05432100013", (("Operai", 8),)),
        "gamma": make_firm(session, "Gamma S.n.c.", "09876540015", (("Operai", 3),)),
        "zeta": make_firm(session, "Zeta S.p.A.", "08765430015", (("Tecnici", 12),)),
    }
    people = {name: make_member(session, firm, f"hr@{name}.example") for name, firm in firms.items()}
    people["viewer"] = make_member(session, firms["alfa"], "viewer@alfa.example", role="viewer")
    coordinator = create_user(session, email="coord@rete.example", name="Coordinatrice", password=PASSWORD)
    people["coordinator"] = {"email": coordinator.email, "password": PASSWORD, "id": coordinator.id}

    def user(name: str) -> User:
        return session.get(User, people[name]["id"])

    plans = {}
    for name in ("alfa", "zeta"):
        plan = plan_service.create_plan(session, firms[name], user(name), f"Piano {name} 2026", 2026)
        for category in plan.categories:
            category.credit_per_worker = Decimal("400")
        plan.legal_basis = "company_agreement"
        plan.funding = [PlanFunding(position=0, kind="employer", amount=Decimal("10000"), note="")]
        plan.partners = [PlanPartner(position=0, name="RSU", kind="union", role="Firmataria", signatory=True)]
        plans[name] = plan
    network = networks.create_network(session, coordinator, name="Rete Pinerolese", kind="territorial_pact",
                                      coordinating_body="SMS Pinerolo", municipalities=["001191"])  # fmt: skip
    for name in ("alfa", "beta", "gamma"):
        networks.invite(session, network, firms[name], coordinator)
        networks.respond(session, network, firms[name].id, user(name), accept=True)
    joint = plan_service.create_joint_plan(session, network, coordinator, "Piano territoriale 2026", 2026)
    for code in ("sms-pinerolese.health-plan", "il-sentiero.home-care"):
        service = session.scalar(select(CatalogService).where(CatalogService.code == code))
        plan_service.add_service(joint, service, "workers")
    for name in ("alfa", "beta", "gamma"):
        part = networks.start_part(session, joint, firms[name], user(name))
        for category in part.categories:
            category.credit_per_worker = Decimal("300")
        workers = sum(category.headcount for category in part.categories)
        part.funding = [PartFunding(position=0, kind="employer", amount=Decimal(300 * workers), note=name)]
    joint.partners = [
        PlanPartner(position=0, name="SMS Pinerolo", kind="other", role="Capofila", signatory=True)
    ]
    session.commit()
    return {
        "firms": {name: firm.id for name, firm in firms.items()},
        "people": people,
        "plans": {name: plan.id for name, plan in plans.items()},
        "joint": joint.id,
        "network": network.id,
    }


def signed_in(app, person: dict):
    client = app.test_client()
    login(client, person["email"], person["password"])
    return client


def write_by_hand(session, statement: str, **values) -> None:
    """Write what no form lets through, as someone at the database would: SQLite with its CHECK
    constraints off for the statement, PostgreSQL with them dropped (``ALTER TABLE`` names them)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        session.execute(text("PRAGMA ignore_check_constraints = ON"))
    session.execute(text(statement), values)
    session.commit()
    if sqlite:
        session.execute(text("PRAGMA ignore_check_constraints = OFF"))


def drop_checks(session, table: str) -> None:
    """PostgreSQL: drop the CHECK constraints of ``table``, so that a test can store what they refuse."""
    if session.get_bind().dialect.name == "sqlite":
        return
    names = session.scalars(
        text("SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid = CAST(:table AS regclass)"),
        {"table": table},
    ).all()
    for name in names:
        session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    session.commit()


def plan_of(session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id, populate_existing=True)
    session.refresh(plan)
    return plan


def firm_of(session, firm_id: int) -> Firm:
    return session.get(Firm, firm_id)
