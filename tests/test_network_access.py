"""Who sees what across networks, route by route.

Two networks and a firm outside both. Every route that takes a network, a plan, a firm or a job is asked
for the first network's objects by people of the second network, of the outside firm and of an invited
firm that has not answered: all get 404. Inside the first network, one member asks for the other
member's part: 404 again, until every member agrees to share. The routes come from the URL map, so a
route added later is covered without touching this file.
"""

import pytest
from helpers import csrf_token, login, make_firm, make_member
from sqlalchemy import select
from test_access import routes, send

from welfare_plans import networks
from welfare_plans import plans as plan_service
from welfare_plans.db import db_session
from welfare_plans.models import CatalogService, Job, Network, User

ARGUMENTS = {"network_id", "plan_id", "firm_id", "job_id"}


def seed(session) -> dict:
    firms = {
        "a1": make_firm(session, "Alfa Uno S.r.l.", "05987650016"),
        "a2": make_firm(session, "Alfa Due S.r.l.", "05432100013"),
        "invited": make_firm(session, "Invitata S.r.l.", "09876540015"),
        "b1": make_firm(session, "Beta Uno S.r.l.", "08765430015"),
        "outside": make_firm(session, "Fuori S.r.l.", "07654320014"),
    }
    people = {name: make_member(session, firm, f"hr@{name}.example") for name, firm in firms.items()}
    from welfare_plans.accounts import create_user

    for name in ("c1", "c2"):
        user = create_user(
            session, email=f"{name}@rete.example", name=name.upper(), password="a-long-password"
        )
        people[name] = {"email": user.email, "password": "a-long-password", "id": user.id}

    def user(name):
        return session.get(User, people[name]["id"])

    n1 = networks.create_network(
        session, user("c1"), name="Rete 1", kind="network_contract", coordinating_body="C1"
    )
    n2 = networks.create_network(
        session, user("c2"), name="Rete 2", kind="association", coordinating_body="C2"
    )
    for network, name in ((n1, "a1"), (n1, "a2"), (n2, "b1")):
        networks.invite(session, network, firms[name], user(network.name == "Rete 1" and "c1" or "c2"))
        networks.respond(session, network, firms[name].id, user(name), accept=True)
    networks.invite(session, n1, firms["invited"], user("c1"))
    plan = plan_service.create_joint_plan(session, n1, user("c1"), "Piano della rete 1", 2026)
    service = session.scalar(select(CatalogService).limit(1))
    if service is not None:
        plan_service.add_service(plan, service, "workers")
    for name in ("a1", "a2"):
        networks.start_part(session, plan, firms[name], user(name))
    other_plan = plan_service.create_joint_plan(session, n2, user("c2"), "Piano della rete 2", 2026)
    job = Job(id="b" * 32, kind="render_annexes", key="k", network_id=n1.id, params={"plan_id": plan.id},
              created_at=plan.created_at)  # fmt: skip
    session.add(job)
    session.commit()
    ids = {"network_id": n1.id, "plan_id": plan.id, "firm_id": firms["a1"].id, "job_id": job.id}
    return {
        "ids": ids,
        "people": people,
        "other_plan": other_plan.id,
        "n1": n1.id,
        "firms": {k: f.id for k, f in firms.items()},
    }


@pytest.fixture
def two_networks(app):
    with app.app_context():
        return seed(db_session())


def url(app, rule, ids) -> str:
    values = {**ids, "step": "basics", "name": "groups"}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})


def object_routes(app):
    for rule, method in routes(app):
        if ARGUMENTS & set(rule.arguments) and not rule.endpoint.startswith("admin."):
            yield rule, method


def answers(app, person, ids, only=lambda rule: True, methods=("GET", "POST")) -> dict[str, int]:
    client = app.test_client()
    login(client, person["email"], person["password"])
    token = csrf_token(client, "/networks/")
    found = {}
    for rule, method in object_routes(app):
        if only(rule) and method in methods:
            path = url(app, rule, ids) + (
                f"?with={ids['plan_id']}" if rule.endpoint == "plans.compare" else ""
            )
            response = send(client, method, path, token)
            found[f"{method} {rule.rule}"] = response.status_code
            response.close()  # PDFs are streamed from their file
    return found


@pytest.mark.parametrize("who", ["c2", "b1", "outside", "invited"])
def test_nobody_outside_the_network_reaches_anything_of_it(app, two_networks, who):
    found = answers(app, two_networks["people"][who], two_networks["ids"])
    assert len(found) > 30  # every network, plan, part, annex, job and firm route
    if who == "invited":  # it may see the network to answer the invitation, nothing else of it
        found.pop("GET /networks/<int:network_id>")
    assert {route: status for route, status in found.items() if status != 404} == {}


def test_a_member_does_not_reach_another_members_part_unless_everyone_shares(app, two_networks):
    def part_routes(rule):
        return "firm_id" in rule.arguments

    people, ids = two_networks["people"], two_networks["ids"]
    own = answers(app, people["a1"], ids, part_routes, methods=("GET",))  # POST would leave the network
    assert own["GET /plans/<int:plan_id>/parts/<int:firm_id>"] == 200  # the test reaches the routes at all
    assert own["GET /plans/<int:plan_id>/parts/<int:firm_id>/annex.pdf"] == 200
    other = answers(app, people["a2"], ids, part_routes)
    assert {route: status for route, status in other.items() if status != 404} == {}

    with app.app_context():
        session = db_session()
        network = session.get(Network, two_networks["n1"])
        networks.set_sharing_proposal(network, True)
        for name in ("a1", "a2"):
            networks.set_agreement(network, two_networks["firms"][name], True)
        session.commit()
    shared = answers(app, people["a2"], ids, part_routes)
    assert shared["GET /plans/<int:plan_id>/parts/<int:firm_id>"] == 200
    assert shared["POST /plans/<int:plan_id>/parts/<int:firm_id>"] == 403  # seeing is not changing
    assert shared["GET /firms/<int:firm_id>"] == 404  # the firm's own pages stay its own


def test_members_read_the_joint_plan_and_only_coordinators_change_it(app, two_networks):
    people, ids = two_networks["people"], two_networks["ids"]

    def plan_routes(rule):
        return rule.endpoint.startswith(("plans.", "wizard.")) and "firm_id" not in rule.arguments

    member = answers(app, people["a2"], ids, plan_routes)
    assert member["GET /plans/<int:plan_id>"] == 200
    assert member["GET /plans/<int:plan_id>/steps/<step>"] == 200
    writes = {route: status for route, status in member.items() if route.startswith("POST")}
    assert writes and set(writes.values()) == {403}, writes
    coordinator = answers(app, people["c1"], ids, plan_routes)
    assert coordinator["POST /plans/<int:plan_id>/steps/<step>"] in (200, 302)
    assert {route: status for route, status in coordinator.items() if status in (403, 404)} == {}


def test_a_coordinator_of_one_network_cannot_compare_with_another_networks_plan(app, two_networks):
    client = app.test_client()
    login(client, two_networks["people"]["c2"]["email"], "a-long-password")
    own = two_networks["other_plan"]
    assert client.get(f"/plans/{own}").status_code == 200
    assert client.get(f"/plans/{own}/compare?with={two_networks['ids']['plan_id']}").status_code == 404


def test_firm_actions_in_a_network_are_for_that_firms_hr_managers(app, two_networks):
    """Accepting, leaving and agreeing are the firm's: another member's manager gets 404."""
    people, firms, network = two_networks["people"], two_networks["firms"], two_networks["n1"]
    client = app.test_client()
    login(client, people["a2"]["email"], "a-long-password")
    token = csrf_token(client, "/networks/")
    for action in ("respond", "leave", "sharing"):
        response = client.post(
            f"/networks/{network}/members/{firms['a1']}/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 404, action
    with app.app_context():  # and Alfa Uno is still a member, not having agreed to anything
        member = networks.membership(db_session().get(Network, network), firms["a1"])
        assert (member.status, member.agrees_to_share) == ("active", False)
