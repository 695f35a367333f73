"""Issue 14, security half: proxies, throttling, sessions, who has access, the firm's identity, network
invitations and passwords. Each test is a finding of the attack on the demo data, and failed before."""

from __future__ import annotations

import re

import pytest
from helpers import CSRF, csrf_token, form_post, login, make_firm, make_member
from sqlalchemy import select

from welfare_plans import accounts, audit
from welfare_plans.db import db_session
from welfare_plans.models import AuditEvent, Firm, User

INVITATION_LINK = re.compile(r'id="link" readonly value="http://localhost(/auth/invitations/[^"]+)"')


def sign_in(client, email: str, password: str, *, address: str | None = None, remember: bool = False):
    """Sign in as a browser behind the proxy would, from ``address`` (X-Forwarded-For)."""
    headers = {"X-Forwarded-For": address} if address else {}
    page = client.get("/auth/login", headers=headers)
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    data = {"csrf_token": token, "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/auth/login", data=data, headers=headers)


def sign_out(client):
    return client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/catalog/")})


def signed_in(client) -> bool:
    return client.get("/auth/password").status_code == 200


@pytest.fixture
def office(make_app):
    """An app behind one trusted reverse proxy, with a firm, its HR manager and a viewer."""

    def build(**config):
        app = make_app(PROXY_COUNT=1, **config)
        with app.app_context():
            firm = make_firm(db_session(), "Alfa S.r.l.", "05987650016")
            hr = make_member(db_session(), firm, "hr@alfa.example")
            viewer = make_member(db_session(), firm, "viewer@alfa.example", role="viewer")
            return app, {"firm": firm.id, "hr": hr, "viewer": viewer}

    return build


# -- finding 1: behind a proxy, twenty failures locked out every user ------------------------------------
def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_the_others(office):
    app, people = office()
    attacker = app.test_client()
    for number in range(25):
        sign_in(attacker, f"nobody{number}@example.org", "wrong-password", address="203.0.113.9")
    hr = people["hr"]
    assert sign_in(app.test_client(), hr["email"], hr["password"], address="198.51.100.7").status_code == 302


def test_without_trusted_proxies_a_client_cannot_choose_its_address(make_app):
    app = make_app()  # PROXY_COUNT 0: X-Forwarded-For is the client's to write, so it is not believed
    with app.app_context():
        hr = make_member(
            db_session(), make_firm(db_session(), "Alfa S.r.l.", "05987650016"), "hr@alfa.example"
        )
    client = app.test_client()
    for number in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, hr["email"], "wrong-password", address=f"192.0.2.{number}")
    assert sign_in(client, hr["email"], hr["password"], address="192.0.2.200").status_code == 429


# -- finding 9: anyone could lock out anyone; unknown e-mails answered faster -------------------------------
def test_failing_for_someone_elses_account_does_not_lock_its_owner_out(office):
    app, people = office()
    hr = people["hr"]
    attacker = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        sign_in(attacker, hr["email"], "wrong-password", address="203.0.113.9")
    assert sign_in(attacker, hr["email"], hr["password"], address="203.0.113.9").status_code == 429
    assert sign_in(app.test_client(), hr["email"], hr["password"], address="198.51.100.7").status_code == 302


def test_an_account_under_attack_from_many_addresses_still_lets_its_owner_in(office):
    app, people = office(LOGIN_ACCOUNT_LIMIT="6 per hour")
    hr = people["hr"]
    attacker = app.test_client()
    for number in range(4):  # 8 failures from 4 addresses: past the account's limit
        for _ in range(2):
            sign_in(attacker, hr["email"], "wrong-password", address=f"203.0.113.{number}")
    # an address that has been failing for the account is refused at once, even before its own allowance
    assert sign_in(attacker, hr["email"], "wrong-password", address="203.0.113.0").status_code == 429
    # one that has not gets its tries: the owner signs in
    assert sign_in(app.test_client(), hr["email"], hr["password"], address="198.51.100.7").status_code == 302


def test_a_script_behind_the_office_address_does_not_lock_out_colleagues_who_signed_in_from_it(office):
    app, people = office(LOGIN_ADDRESS_LIMIT="10 per hour")
    hr, viewer = people["hr"], people["viewer"]
    colleague = app.test_client()
    assert sign_in(colleague, hr["email"], hr["password"], address="192.0.2.1").status_code == 302
    sign_out(colleague)
    script = app.test_client()
    for number in range(12):
        sign_in(script, f"guess{number}@example.org", "wrong-password", address="192.0.2.1")
    assert sign_in(script, "guess99@example.org", "wrong-password", address="192.0.2.1").status_code == 429
    assert sign_in(colleague, hr["email"], hr["password"], address="192.0.2.1").status_code == 302
    # from elsewhere, everyone signs in
    assert (
        sign_in(app.test_client(), viewer["email"], viewer["password"], address="192.0.2.77").status_code
        == 302
    )


def test_an_unknown_email_costs_a_password_hash_like_a_known_one(app, client, hr_user, monkeypatch):
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda *args: checked.append(1) or real(*args))
    login(client, "nobody@example.org", "some-password")
    assert checked == [1]


def test_failed_and_refused_sign_ins_are_in_the_audit_log(app, client, hr_user):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        login(client, hr_user["email"], "wrong-password")
    login(client, "nobody@example.org", "wrong-password")
    with app.app_context():
        kinds = [
            (e.kind, e.actor_email) for e in db_session().scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]
    assert kinds.count((audit.SIGN_IN_FAILED, hr_user["email"])) == app.config["LOGIN_MAX_FAILURES"]
    assert (audit.SIGN_IN_REFUSED, hr_user["email"]) in kinds
    assert (audit.SIGN_IN_FAILED, "nobody@example.org") in kinds


def test_administrators_read_every_event_and_a_firm_only_its_own(app, client, admin):
    with app.app_context():
        firm = make_firm(db_session(), "Alfa S.r.l.", "05987650016")
        hr = make_member(db_session(), firm, "hr@alfa.example")
        firm_id = firm.id
    login(app.test_client(), "nobody@example.org", "wrong-password")
    login(client, admin["email"], admin["password"])
    everything = client.get("/admin/audit").get_data(as_text=True)
    assert "nobody@example.org" in everything and "Accesso fallito" in everything
    only_failures = client.get("/admin/audit?kind=sign_in_failed").get_data(as_text=True)
    assert "nobody@example.org" in only_failures and admin["email"] not in only_failures.split("<tbody>")[1]
    firm_hr = app.test_client()
    login(firm_hr, hr["email"], hr["password"])
    own = firm_hr.get(f"/firms/{firm_id}/audit").get_data(as_text=True)
    assert hr["email"] in own and "nobody@example.org" not in own and admin["email"] not in own


# -- finding 4: sessions could not be revoked --------------------------------------------------------------
def test_a_session_cookie_copied_before_signing_out_stops_working(app, client, hr_user):
    login(client, hr_user["email"], hr_user["password"])
    copied = client.get_cookie("session").value
    sign_out(client)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert not signed_in(thief)


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, hr_user):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, hr_user["email"], hr_user["password"])
    login(elsewhere, hr_user["email"], hr_user["password"])
    new = "vigna-torchio-ruscello-42"
    done = form_post(here, "/auth/password", {"current": hr_user["password"], "new": new, "confirm": new})
    assert done.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)


def test_sign_out_everywhere_ends_every_other_session_and_remember_me_cookie(app, hr_user):
    here, laptop = app.test_client(), app.test_client()
    login(here, hr_user["email"], hr_user["password"])
    sign_in(laptop, hr_user["email"], hr_user["password"], remember=True)
    remembered = laptop.get_cookie("remember_token").value
    ended = form_post(here, "/auth/sessions/end", {}, page="/auth/password")
    assert ended.status_code == 302
    assert signed_in(here)
    assert not signed_in(laptop)
    stolen = app.test_client()  # the remember-me cookie alone, as a thief would replay it
    stolen.set_cookie("remember_token", remembered)
    assert not signed_in(stolen)
    with app.app_context():
        assert db_session().scalar(
            select(AuditEvent.kind).where(AuditEvent.kind == audit.SIGN_OUT_EVERYWHERE)
        )


def test_the_remember_me_token_changes_after_signing_out(app, hr_user):
    client = app.test_client()
    sign_in(client, hr_user["email"], hr_user["password"], remember=True)
    first = client.get_cookie("remember_token").value
    sign_out(client)
    sign_in(client, hr_user["email"], hr_user["password"], remember=True)
    assert client.get_cookie("remember_token").value != first
    replayed = app.test_client()
    replayed.set_cookie("remember_token", first)
    assert not signed_in(replayed)


def test_a_csrf_token_planted_before_sign_in_does_not_work_after_it(app, client, hr_user):
    planted = csrf_token(client, "/auth/login")  # the attacker's session, fixed in the victim's browser
    login_response = client.post(
        "/auth/login",
        data={"csrf_token": planted, "email": hr_user["email"], "password": hr_user["password"]},
    )
    assert login_response.status_code == 302
    response = client.post("/auth/logout", data={"csrf_token": planted})
    assert response.status_code == 400
    assert signed_in(client)


def test_signing_in_keeps_the_language_chosen_before(app, client, hr_user):
    client.get("/catalog/?lang=en")
    login(client, hr_user["email"], hr_user["password"])
    assert 'lang="en"' in client.get("/auth/password").get_data(as_text=True)


# -- finding 6 and 11: access nobody could see, invitations nobody could revoke ------------------------------
def _invite(admin_client, firm_id: int, email: str, role: str) -> str:
    page = form_post(admin_client, f"/admin/firms/{firm_id}", {"email": email, "role": role})
    return INVITATION_LINK.search(page.get_data(as_text=True)).group(1)


def test_an_administrator_who_invites_themselves_shows_in_the_firms_access_page_and_log(app, client, admin):
    with app.app_context():
        firm = make_firm(db_session(), "Alfa S.r.l.", "05987650016")
        hr = make_member(db_session(), firm, "hr@alfa.example")
        firm_id = firm.id
    login(client, admin["email"], admin["password"])
    link = _invite(client, firm_id, admin["email"], "viewer")
    firm_hr = app.test_client()
    login(firm_hr, hr["email"], hr["password"])
    pending = firm_hr.get(f"/firms/{firm_id}/access").get_data(as_text=True)
    assert admin["email"] in pending  # an open invitation already shows
    assert client.get(link).status_code == 302  # accepted: the administrator reads the firm's plans now
    access = firm_hr.get(f"/firms/{firm_id}/access").get_data(as_text=True)
    members = access.split("<h2>")[1]
    assert admin["email"] in members
    log = firm_hr.get(f"/firms/{firm_id}/audit").get_data(as_text=True)
    assert log.count(admin["email"]) >= 2  # invited by, and accepting
    assert "Invito creato" in log and "Invito accettato" in log


def test_a_revoked_or_superseded_invitation_link_no_longer_works(app, client, admin):
    with app.app_context():
        firm = make_firm(db_session(), "Alfa S.r.l.", "05987650016")
        hr = make_member(db_session(), firm, "hr@alfa.example")
        firm_id = firm.id
    login(client, admin["email"], admin["password"])
    older = _invite(client, firm_id, "new@alfa.example", "hr_manager")
    newer = _invite(client, firm_id, "new@alfa.example", "viewer")
    assert app.test_client().get(older).status_code == 404  # superseded by the newer one
    assert app.test_client().get(newer).status_code == 200
    firm_hr = app.test_client()
    login(firm_hr, hr["email"], hr["password"])
    with app.app_context():
        invitation_id = accounts.open_invitations(db_session(), firm_id)[0].id
    revoked = form_post(firm_hr, f"/firms/{firm_id}/invitations/revoke", {"invitation": invitation_id},
                        page=f"/firms/{firm_id}/access")  # fmt: skip
    assert revoked.status_code == 302
    assert app.test_client().get(newer).status_code == 404
    assert "new@alfa.example" in firm_hr.get(f"/firms/{firm_id}/audit").get_data(as_text=True)


def test_a_person_removed_from_the_firm_cannot_rejoin_with_an_older_open_link(app, client, admin):
    with app.app_context():
        firm = make_firm(db_session(), "Alfa S.r.l.", "05987650016")
        hr = make_member(db_session(), firm, "hr@alfa.example")
        firm_id = firm.id
        with_link = make_member(
            db_session(), make_firm(db_session(), "Beta S.r.l.", "05432100013"), "x@beta.example"
        )
    login(client, admin["email"], admin["password"])
    link = _invite(client, firm_id, with_link["email"], "hr_manager")
    person = app.test_client()
    login(person, with_link["email"], with_link["password"])
    assert person.get(link).status_code == 302  # joined
    # an administrator invites again (a mistake, a second link), then the firm removes the person
    second = _invite(client, firm_id, with_link["email"], "hr_manager")
    with app.app_context():
        membership = db_session().scalar(select(User).where(User.email == with_link["email"])).memberships
        membership_id = next(m.id for m in membership if m.firm_id == firm_id)
    firm_hr = app.test_client()
    login(firm_hr, hr["email"], hr["password"])
    removed = form_post(firm_hr, f"/firms/{firm_id}/members/remove", {"membership": membership_id},
                        page=f"/firms/{firm_id}/access")  # fmt: skip
    assert removed.status_code == 302
    assert person.get(f"/firms/{firm_id}").status_code == 404
    assert person.get(second).status_code == 404  # the open link died with the removal
    assert person.get(f"/firms/{firm_id}").status_code == 404


def test_a_viewer_sees_who_has_access_but_neither_revokes_nor_reads_the_log(app, client):
    with app.app_context():
        firm = make_firm(db_session(), "Alfa S.r.l.", "05987650016")
        make_member(db_session(), firm, "hr@alfa.example")
        viewer = make_member(db_session(), firm, "viewer@alfa.example", role="viewer")
        firm_id = firm.id
    login(client, viewer["email"], viewer["password"])
    page = client.get(f"/firms/{firm_id}/access")
    assert page.status_code == 200 and "hr@alfa.example" in page.get_data(as_text=True)
    assert client.get(f"/firms/{firm_id}/audit").status_code == 403
    token = csrf_token(client, f"/firms/{firm_id}/access")
    assert client.post(f"/firms/{firm_id}/invitations/revoke", data={"csrf_token": token}).status_code == 403


def test_finalising_and_downloading_are_in_the_firms_log(app, client):
    from welfare_plans import plans as plan_service

    with app.app_context():
        firm = make_firm(db_session(), "Alfa S.r.l.", "05987650016")
        hr = make_member(db_session(), firm, "hr@alfa.example")
        plan = plan_service.create_plan(db_session(), firm, db_session().get(User, hr["id"]), "Piano", 2026)
        plan_service.finalise(db_session(), plan, db_session().get(User, hr["id"]), [])
        db_session().commit()
        firm_id, plan_id = firm.id, plan.id
    login(client, hr["email"], hr["password"])
    document = client.get(f"/plans/{plan_id}/document.pdf")
    assert document.status_code == 200
    document.close()  # streamed from its file
    log = client.get(f"/firms/{firm_id}/audit").get_data(as_text=True)
    assert "Piano finalizzato" in log and "Documento scaricato" in log


# -- finding 7: an HR manager could change the firm's VAT number and legal name ------------------------------
def test_an_hr_manager_cannot_change_the_firms_vat_number_or_legal_name(app, client):
    with app.app_context():
        firm = make_firm(db_session(), "Alfa S.r.l.", "05987650016")
        hr = make_member(db_session(), firm, "hr@alfa.example")
        firm_id = firm.id
    login(client, hr["email"], hr["password"])
    response = form_post(client, f"/firms/{firm_id}", {
        "legal_name": "Squatter S.r.l.", "vat_number": "05432100013", "ateco_code": "",
        "size_class": "", "municipality": "", "national_contract": "",
        "categories-0-name": "Operai", "categories-0-headcount": "20",
    })  # fmt: skip
    assert response.status_code == 302  # the rest of the profile saves
    with app.app_context():
        firm = db_session().get(Firm, firm_id)
        assert (firm.legal_name, firm.vat_number) == ("Alfa S.r.l.", "05987650016")
    assert client.post(f"/admin/firms/{firm_id}/identity", data={}).status_code in (400, 403)


def test_an_administrator_changes_them_and_a_registered_number_answers_at_the_field(app, client, admin):
    with app.app_context():
        firm = make_firm(db_session(), "Alfa S.r.l.", "05987650016")
        make_firm(db_session(), "Beta S.r.l.", "05432100013")
        firm_id = firm.id
    login(client, admin["email"], admin["password"])
    taken = form_post(client, f"/admin/firms/{firm_id}/identity",
                      {"legal_name": "Alfa S.r.l.", "vat_number": "05432100013"}, page=f"/admin/firms/{firm_id}")  # fmt: skip
    assert taken.status_code == 409
    assert 'id="vat_number-error"' in taken.get_data(as_text=True)
    renamed = form_post(client, f"/admin/firms/{firm_id}/identity",
                        {"legal_name": "Alfa Nuova S.r.l.", "vat_number": "07654320014"}, page=f"/admin/firms/{firm_id}")  # fmt: skip
    assert renamed.status_code == 302
    with app.app_context():
        firm = db_session().get(Firm, firm_id)
        assert (firm.legal_name, firm.vat_number) == ("Alfa Nuova S.r.l.", "07654320014")
        assert db_session().scalar(
            select(AuditEvent.subject).where(AuditEvent.kind == audit.FIRM_IDENTITY_CHANGED)
        )


# -- finding 12: anyone could create a network and probe VAT numbers with invitations -------------------------
def test_a_viewer_cannot_create_a_network(app, client):
    with app.app_context():
        viewer = make_member(db_session(), make_firm(db_session(), "Alfa S.r.l.", "05987650016"),
                             "viewer@alfa.example", role="viewer")  # fmt: skip
    login(client, viewer["email"], viewer["password"])
    assert client.get("/networks/new").status_code == 403
    token = csrf_token(client, "/networks/")
    response = client.post("/networks/new", data={"csrf_token": token, "name": "Rete", "kind": "network_contract",
                                                  "coordinating_body": "X", "territory": "Pinerolo"})  # fmt: skip
    assert response.status_code == 403


def test_an_invitation_answers_the_same_whether_or_not_the_firm_is_registered(app, client):
    from welfare_plans import networks

    with app.app_context():
        lead = make_firm(db_session(), "Capofila S.r.l.", "08765430015")
        make_firm(db_session(), "Registrata S.r.l.", "05987650016")
        hr = make_member(db_session(), lead, "hr@capofila.example")
        network = networks.create_network(db_session(), db_session().get(User, hr["id"]), name="Rete",
                                          kind="network_contract", coordinating_body="Capofila")  # fmt: skip
        db_session().commit()
        network_id = network.id
    login(client, hr["email"], hr["password"])

    def answer(vat: str):
        response = form_post(client, f"/networks/{network_id}/invite", {"vat_number": vat},
                             page=f"/networks/{network_id}")  # fmt: skip
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        message = re.search(r'class="flash[^"]*"[^>]*>(.*?)</', page, re.S).group(1).replace(vat, "<vat>")
        return response.status_code, response.headers["Location"], message

    registered, unregistered, again = answer("05987650016"), answer("07654320014"), answer("05987650016")
    assert registered == unregistered == again
    assert "Registrata S.r.l." not in client.get(f"/networks/{network_id}").get_data(as_text=True)


# -- finding 10: any password, and unlimited guesses of the current one ---------------------------------------
def test_an_easy_password_is_refused_when_changing_it_or_accepting_an_invitation(app, client, hr_user, admin):
    login(client, hr_user["email"], hr_user["password"])
    for easy in ("aaaaaaaaaa", "password1234", "hr@example.org1"):
        page = form_post(
            client, "/auth/password", {"current": hr_user["password"], "new": easy, "confirm": easy}
        )
        assert page.status_code == 200 and 'id="new-error"' in page.get_data(as_text=True), easy
    with app.app_context():
        user = accounts.find_user(db_session(), admin["email"])
        token = accounts.invite(db_session(), email="new@example.org", invited_by=user, admin=True)
    accept = form_post(app.test_client(), f"/auth/invitations/{token}",
                       {"name": "Nuova", "password": "qwertyuiop", "confirm": "qwertyuiop"})  # fmt: skip
    assert accept.status_code == 200 and 'id="password-error"' in accept.get_data(as_text=True)


def test_guessing_the_current_password_is_throttled(app, client, hr_user):
    login(client, hr_user["email"], hr_user["password"])
    new = "vigna-torchio-ruscello-42"
    for number in range(5):
        form_post(client, "/auth/password", {"current": f"guess-{number}", "new": new, "confirm": new})
    right = form_post(client, "/auth/password", {"current": hr_user["password"], "new": new, "confirm": new})
    assert right.status_code == 429
    assert "Troppi tentativi falliti" in right.get_data(as_text=True)


def test_the_migration_keeps_accounts_and_adds_the_generation(app):
    from welfare_plans import schema
    from welfare_plans.db import get_db

    with app.app_context():
        accounts.create_user(db_session(), email="old@example.org", name="Old", password="a-long-password")
    get_db(app).engine.dispose()
    schema.downgrade(app, "0009")
    schema.upgrade(app)
    with app.app_context():
        user = accounts.find_user(db_session(), "old@example.org")
        assert user.session_generation == 0 and user.get_id() == f"{user.id}.0"
