"""A network's joint plan in a real browser: the coordinator invites a firm, its HR manager accepts and
fills in its part, the coordinator sees the totals change; the member cannot open another member's part."""

import re

from helpers import ARTIFACTS, make_firm, make_member
from sqlalchemy import select

from welfare_plans.db import db_session
from welfare_plans.demo import DEMO_COORDINATOR, DEMO_NETWORK
from welfare_plans.models import Network, Plan


def sign_in(page, server, email, password):
    page.goto(f"{server}/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_load_state("load")


def test_a_firm_joins_the_network_and_its_part_moves_the_totals(demo_app, live_server, new_page):
    from playwright.sync_api import expect

    with demo_app.app_context():
        session = db_session()
        firm = make_firm(
            session, "Nuova Meccanica S.r.l.", "01234560017", (("Operai", 30), ("Impiegati", 10))
        )
        newcomer = make_member(session, firm, "hr@nuovameccanica.example")
        network = session.scalar(select(Network).where(Network.name == DEMO_NETWORK))
        plan_id = session.scalar(select(Plan.id).where(Plan.network_id == network.id))
        other_member = network.members[1].firm_id

    coordinator = new_page()
    sign_in(coordinator, live_server, DEMO_COORDINATOR["email"], DEMO_COORDINATOR["password"])
    coordinator.get_by_role("link", name="Reti").click()
    coordinator.get_by_role("link", name=DEMO_NETWORK).click()
    coordinator.get_by_label("Partita IVA dell'impresa").fill("01234560017")
    coordinator.get_by_role("button", name="Invita l'impresa").click()
    # the answer names no firm: it is the same whether the VAT number is registered or not (issue 14)
    expect(
        coordinator.get_by_text("Se un'impresa con partita IVA 01234560017 è registrata, è invitata")
    ).to_be_visible()
    coordinator.goto(f"{live_server}/plans/{plan_id}")
    workers_before = int(coordinator.locator('[data-total="workers"]').inner_text())
    expect(coordinator.locator('[data-total="members"]')).to_have_text("9")

    member = new_page()
    sign_in(member, live_server, newcomer["email"], newcomer["password"])
    member.get_by_role("link", name="Reti").click()
    invitation = member.locator("#invitations")
    expect(invitation).to_contain_text("invita Nuova Meccanica S.r.l. ad aderire")
    invitation.get_by_role("button", name="Accetta").click()
    expect(member.get_by_text("Nuova Meccanica S.r.l. ora fa parte di")).to_be_visible()
    member.get_by_role("link", name="Piano di welfare territoriale 2026").click()
    member.get_by_role("link", name="La parte di Nuova Meccanica S.r.l.").click()

    # the firm's categories are there; it sets the credit, its funding and what it offers
    expect(member.locator("#categories-0-name")).to_have_value("Operai")
    member.locator("#categories-0-credit_per_worker").fill("400")
    member.locator("#categories-1-credit_per_worker").fill("abc")
    member.locator("#funding-0-amount").fill("16.000,00")
    health = member.get_by_role("row", name=re.compile("Piano sanitario integrativo per lavoratori"))
    health.get_by_role("checkbox").check()
    health.locator("input[name$=people]").fill("40")
    health.locator("input[name$=quantity]").fill("40")
    member.get_by_role("button", name="Salva la parte").click()
    expect(member.locator("#categories-1-credit_per_worker")).to_have_attribute("aria-invalid", "true")
    expect(member.locator("#categories-1-credit_per_worker")).to_have_value("abc")
    member.locator("#categories-1-credit_per_worker").fill("400")
    member.get_by_role("button", name="Salva la parte").click()
    expect(member.get_by_text("La tua parte è salvata")).to_be_visible()
    expect(member.locator('[data-total="workers"]')).to_have_text("40")
    expect(member.locator('[data-total="budget"]')).to_contain_text("16.000,00")

    # another member's part is not there for it
    response = member.goto(f"{live_server}/plans/{plan_id}/parts/{other_member}")
    assert response.status == 404

    coordinator.reload()
    expect(coordinator.locator('[data-total="members"]')).to_have_text("10")
    expect(coordinator.locator('[data-total="workers"]')).to_have_text(str(workers_before + 40))
    expect(coordinator.locator("tr[data-firm='01234560017']")).to_contain_text("16.000,00")
    ARTIFACTS.mkdir(exist_ok=True)
    coordinator.screenshot(path=str(ARTIFACTS / "joint-plan-overview.png"), full_page=True)
