"""Signing in and out, and who may see what."""

from helpers import csrf_token, login


def test_every_page_but_sign_in_and_the_catalog_needs_a_signed_in_user(client):
    for path in ("/admin/plugins", "/admin/plugins.json"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")
    assert client.get("/catalog/").status_code == 200
    assert client.get("/auth/login").status_code == 200


def test_a_wrong_password_is_explained_next_to_the_field_and_the_email_kept(client, hr_user):
    response = login(client, hr_user["email"], "not-the-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "E-mail o password non corretti." in html
    assert f'value="{hr_user["email"]}"' in html
    assert 'id="password-error"' in html


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(client, admin):
    token = csrf_token(client, "/auth/login")
    credentials = {"csrf_token": token, "email": admin["email"], "password": admin["password"]}
    response = client.post("/auth/login?next=/admin/plugins", data=credentials)
    assert response.headers["Location"] == "/admin/plugins"
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/catalog/")})
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login?next=//evil.example.com/x", data=dict(credentials, csrf_token=token))
    assert response.headers["Location"] == "/catalog/"


def test_a_form_without_its_csrf_token_is_refused(client, admin):
    response = client.post("/auth/login", data={"email": admin["email"], "password": admin["password"]})
    assert response.status_code == 400
    assert client.get("/admin/plugins").status_code == 302  # not signed in


def test_the_admin_pages_are_refused_to_a_user_who_is_not_an_administrator(client, hr_user):
    login(client, hr_user["email"], hr_user["password"])
    assert client.get("/admin/plugins").status_code == 403
    assert client.get("/admin/plugins.json").status_code == 403


def test_signing_out_needs_a_post_with_its_token(client, admin):
    login(client, admin["email"], admin["password"])
    assert client.get("/auth/logout").status_code == 405
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/catalog/")})
    assert client.get("/admin/plugins").status_code == 302


def test_pages_carry_security_headers(client):
    headers = client.get("/catalog/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_account_switched_off_is_signed_out_and_a_new_role_counts_at_once(app, client, hr_user):
    """Every request reads the account afresh: nothing about a person is kept from an earlier request."""
    from helpers import make_firm
    from sqlalchemy import update

    from welfare_plans.db import db_session
    from welfare_plans.models import Membership, User

    with app.app_context():
        firm = make_firm(db_session(), "Rossi Meccanica S.r.l.", "00743110157")
        user_id = db_session().query(User.id).filter_by(email=hr_user["email"]).scalar()
        firm_id = firm.id
    login(client, hr_user["email"], hr_user["password"])
    assert client.get(f"/firms/{firm_id}").status_code == 404  # no role in the firm yet
    with app.app_context():
        db_session().add(Membership(user_id=user_id, firm_id=firm_id, role="viewer"))
        db_session().commit()
    assert client.get(f"/firms/{firm_id}").status_code == 200
    with app.app_context():
        db_session().execute(update(User).where(User.id == user_id).values(active=False))
        db_session().commit()
    response = client.get(f"/firms/{firm_id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
