"""Every route needs a signed-in user, and no firm reaches another firm's objects.

The checks enumerate the app's URL map, so a route added later is covered without touching this file;
the last tests show that they catch a route left unprotected on purpose.
"""

from datetime import timedelta

import pytest
from helpers import csrf_token, form_post, login, make_firm, make_member
from sqlalchemy import select

from welfare_plans import networks
from welfare_plans import plans as plan_service
from welfare_plans.db import db_session
from welfare_plans.models import CatalogService, Job, Membership, User

PUBLIC = {
    "static",
    "index",
    "catalog.index",
    "catalog.service",
    "auth.login",
    "auth.accept",
    "health.live",
    "health.ready",
}
OBJECT_ARGUMENTS = {"plan_id", "firm_id", "membership_id", "job_id", "network_id"}
QUERY_OBJECTS = {"plans.new", "plans.prepare_documents"}  # the firm comes in the query string: ?firm=<id>


def sample_url(app, rule, ids) -> str:
    values = {
        "plan_id": ids["plan"], "firm_id": ids["firm"], "membership_id": ids["membership"],
        "service_id": ids["service"], "job_id": ids["job"], "network_id": ids["network"], "step": "basics", "name": "need-areas", "token": "not-a-token",
        "filename": "style.css",
    }  # fmt: skip
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def send(client, method, url, token):
    return client.get(url) if method == "GET" else client.open(url, method=method, data={"csrf_token": token})


def unprotected_routes(app, ids) -> list[str]:
    """Routes an anonymous visitor reaches without being sent to sign in (the public ones aside)."""
    client = app.test_client()
    token = csrf_token(client, "/auth/login")
    found = []
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC:
            continue
        response = send(client, method, sample_url(app, rule, ids), token)
        if not (response.status_code == 302 and response.headers["Location"].startswith("/auth/login")):
            found.append(f"{method} {rule.rule} -> {response.status_code}")
    return found


def leaking_routes(app, ids, outsider) -> list[str]:
    """Object routes of firm A that a member of firm B gets anything but 404 from (403 on admin pages)."""
    client = app.test_client()
    login(client, outsider["email"], outsider["password"])
    token = csrf_token(client, "/plans/")
    found = []
    for rule, method in routes(app):
        admin_page = rule.endpoint.startswith("admin.")
        object_route = OBJECT_ARGUMENTS & set(rule.arguments) or rule.endpoint in QUERY_OBJECTS
        if not (admin_page or object_route) or rule.endpoint in PUBLIC:
            continue
        url = sample_url(app, rule, ids)
        if rule.endpoint in QUERY_OBJECTS:
            url += f"?firm={ids['firm']}"
        if rule.endpoint == "plans.compare":
            url += f"?with={ids['plan']}"
        status = send(client, method, url, token).status_code
        if status != (403 if admin_page else 404):
            found.append(f"{method} {rule.rule} -> {status}")
    return found


def seed_two_firms(session) -> dict:
    """Firm A with a plan and its HR manager, firm B with its own: the outsider."""
    firm_a = make_firm(session, "Alfa S.r.l.", "05987650016")
    firm_b = make_firm(session, "Beta S.r.l.", "05432100013")
    hr_a = make_member(session, firm_a, "hr@alfa.example")
    hr_b = make_member(session, firm_b, "hr@beta.example")
    plan = plan_service.create_plan(session, firm_a, session.get(User, hr_a["id"]), "Piano Alfa", 2026)
    session.commit()
    membership = session.scalar(select(Membership.id).where(Membership.firm_id == firm_a.id))
    service = session.scalar(select(CatalogService.id).limit(1)) or 1
    job = Job(id="a" * 32, kind="render_documents", key="k", firm_id=firm_a.id, params={"plan_ids": [plan.id]},
              created_at=plan.created_at)  # fmt: skip
    session.add(job)
    session.commit()
    network = networks.create_network(session, session.get(User, hr_a["id"]), name="Rete Alfa",
                                      kind="network_contract", coordinating_body="Alfa S.r.l.")  # fmt: skip
    networks.invite(session, network, firm_a, session.get(User, hr_a["id"]))
    session.commit()
    ids = {"plan": plan.id, "firm": firm_a.id, "membership": membership, "service": service, "job": job.id,
           "network": network.id}  # fmt: skip
    return {"ids": ids, "a": hr_a, "b": hr_b, "firm_b": firm_b.id}


@pytest.fixture
def two_firms(app):
    with app.app_context():
        return seed_two_firms(db_session())


def test_every_route_but_the_public_ones_sends_anonymous_visitors_to_sign_in(app, two_firms):
    assert unprotected_routes(app, two_firms["ids"]) == []


def test_no_route_gives_one_firm_anything_of_another_firm(app, two_firms):
    assert leaking_routes(app, two_firms["ids"], two_firms["b"]) == []


def test_comparing_with_another_firms_plan_is_refused(app, two_firms):
    client = app.test_client()
    login(client, two_firms["b"]["email"], two_firms["b"]["password"])
    own = int(
        form_post(
            client, f"/plans/new?firm={two_firms['firm_b']}", {"title": "Piano Beta", "fiscal_year": "2026"}
        )
        .headers["Location"]
        .split("/")[2]
    )
    assert client.get(f"/plans/{own}").status_code == 200
    assert client.get(f"/plans/{own}/compare?with={two_firms['ids']['plan']}").status_code == 404


def test_the_owner_reaches_the_same_routes(app, two_firms):
    client = app.test_client()
    login(client, two_firms["a"]["email"], two_firms["a"]["password"])
    plan_id = two_firms["ids"]["plan"]
    for path in (f"/plans/{plan_id}", f"/plans/{plan_id}/steps/basket", f"/plans/{plan_id}/history",
                 f"/plans/{plan_id}/charts/groups.svg", f"/firms/{two_firms['ids']['firm']}"):  # fmt: skip
        assert client.get(path).status_code == 200, path


def test_the_checks_catch_routes_left_unprotected_on_purpose(make_app, database_url):
    from flask import abort

    from welfare_plans.models import Plan
    from welfare_plans.web.security import public

    app = make_app()

    @app.get("/plans/<int:plan_id>/title-for-anyone")
    @public
    def title_for_anyone(plan_id):  # forgot: this is not public information
        plan = db_session().get(Plan, plan_id) or abort(404)
        return plan.title

    @app.get("/plans/<int:plan_id>/title-for-any-user")
    def title_for_any_user(plan_id):  # signed in, but no check that the plan is the user's firm's
        plan = db_session().get(Plan, plan_id) or abort(404)
        return plan.title

    with app.app_context():
        seeded = seed_two_firms(db_session())
    ids, outsider = seeded["ids"], seeded["b"]

    assert "GET /plans/<int:plan_id>/title-for-anyone -> 200" in unprotected_routes(app, ids)
    leaks = leaking_routes(app, ids, outsider)
    assert "GET /plans/<int:plan_id>/title-for-anyone -> 200" in leaks
    assert "GET /plans/<int:plan_id>/title-for-any-user -> 200" in leaks


def test_sign_in_is_refused_for_a_while_after_repeated_failures(app, client, hr_user, clock):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(client, hr_user["email"], "wrong-password").status_code == 200
    locked = login(client, hr_user["email"], hr_user["password"])  # even the right password
    assert locked.status_code == 429
    assert "Troppi tentativi falliti. Riprova tra 15 minuti." in locked.get_data(as_text=True)
    clock.advance(timedelta(minutes=16))  # the limiter's window has passed
    assert login(client, hr_user["email"], hr_user["password"]).status_code == 302


def test_a_user_changes_their_password(client, hr_user):
    login(client, hr_user["email"], hr_user["password"])
    wrong = form_post(
        client, "/auth/password", {"current": "nope", "new": "a-new-password!", "confirm": "a-new-password!"}
    )
    assert "Non è la tua password attuale." in wrong.get_data(as_text=True)
    short = form_post(
        client, "/auth/password", {"current": hr_user["password"], "new": "short", "confirm": "short"}
    )
    assert short.status_code == 200
    done = form_post(
        client,
        "/auth/password",
        {"current": hr_user["password"], "new": "a-new-password!", "confirm": "a-new-password!"},
    )
    assert done.status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/catalog/")})
    assert login(client, hr_user["email"], "a-new-password!").status_code == 302


def test_an_administrator_invites_an_hr_manager_who_then_sees_the_firm(app, client, admin):
    with app.app_context():
        firm = make_firm(db_session(), "Gamma S.r.l.", "05987650016")
        firm_id = firm.id
    login(client, admin["email"], admin["password"])
    page = form_post(
        client, f"/admin/firms/{firm_id}", {"email": "nuova@gamma.example", "role": "hr_manager"}
    )
    import re

    link = re.search(
        r'id="link" readonly value="http://localhost(/auth/invitations/[^"]+)"', page.get_data(as_text=True)
    )
    assert link, "the invitation link is shown to the administrator"
    invited = app.test_client()
    accepted = form_post(invited, link.group(1), {"name": "Nuova Persona", "password": "una-password-lunga",
                                                  "confirm": "una-password-lunga"})  # fmt: skip
    assert accepted.status_code == 302
    assert invited.get(f"/firms/{firm_id}").status_code == 200
    assert invited.get(link.group(1)).status_code == 404  # used once
    members = client.get(f"/admin/firms/{firm_id}").get_data(as_text=True)
    assert "Nuova Persona" in members and '<option value="hr_manager" selected>' in members
