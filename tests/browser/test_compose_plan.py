"""The demo HR manager composes a plan in Italian in a real browser, mistake and fix included."""

import re

from helpers import ARTIFACTS

from welfare_plans.demo import DEMO_HR


def save_and_continue(page):
    page.get_by_role("button", name="Salva e continua").click()
    page.wait_for_load_state("load")


def test_hr_manager_composes_a_plan_through_the_wizard(live_server, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("E-mail").fill(DEMO_HR["email"])
    page.get_by_label("Password").fill(DEMO_HR["password"])
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Piani di welfare")).to_be_visible()

    page.get_by_role("link", name="Nuovo piano").click()
    page.get_by_label("Titolo").fill("Piano di welfare 2027")
    page.get_by_label("Anno fiscale").fill("2027")
    page.get_by_role("button", name="Crea il piano").click()

    # basics
    expect(page.get_by_role("heading", name="Dati generali")).to_be_visible()
    page.get_by_label("Inizia il").fill("2027-01-01")
    page.get_by_label("Termina il").fill("2027-12-31")
    page.get_by_label("Base giuridica").select_option("company_agreement")
    page.get_by_label("Obiettivi").fill("Cura dei figli e salute dei lavoratori e delle loro famiglie.")
    page.get_by_label("Istruzione e cura dei figli").check()
    page.get_by_label("Sanità integrativa").check()
    page.get_by_label("Territorio servito").fill("Pinerolo\nLuserna San Giovanni")
    save_and_continue(page)

    # beneficiaries: the firm's categories are there already
    expect(page.get_by_role("heading", name="Beneficiari")).to_be_visible()
    expect(page.locator("input[value=Operai]")).to_be_visible()
    page.get_by_label("Familiari dei lavoratori").check()
    page.get_by_label("Quanti familiari").fill("40")
    save_and_continue(page)

    # budget: 53 workers at 500 euro is 26.500 euro; the funding typed first does not add up
    for index in range(3):
        page.locator(f"#credits-{index}-credit_per_worker").fill("500")
    page.locator("#funding-0-amount").fill("20.000,00")
    save_and_continue(page)
    problem = page.locator('[data-field="funding"]')
    expect(problem).to_contain_text("Le fonti di finanziamento sommano 20.000,00 euro")
    expect(problem).to_contain_text("26.500,00 euro")
    expect(page.locator("#funding-0-amount")).to_have_value("20.000,00")
    page.locator("#funding-0-amount").fill("26.500,00")
    save_and_continue(page)
    expect(page.locator('[data-field="funding"]')).to_have_count(0)

    # basket: services of the plan's needs, territory and groups
    expect(page.get_by_role("heading", name="Paniere dei servizi")).to_be_visible()
    page.get_by_role("row", name=re.compile("Centro estivo")).get_by_role("button", name="Aggiungi").click()
    page.get_by_role("row", name=re.compile("Piano sanitario integrativo per lavoratori")).get_by_role(
        "button", name="Aggiungi"
    ).click()
    page.locator("#items-0-quantity").fill("60")
    page.locator("#items-1-quantity").fill("53")
    save_and_continue(page)

    # governance
    page.get_by_label("Comitato di pilotaggio").fill("Comitato paritetico con la RSU, due riunioni l'anno.")
    page.locator("#partners-0-name").fill("RSU FIOM-CGIL")
    page.locator("#partners-0-kind").select_option("union")
    page.locator("#partners-0-signatory").check()
    save_and_continue(page)

    # review, then finalise
    expect(page.get_by_role("heading", name="Riepilogo", exact=True)).to_be_visible()
    expect(page.locator(".problem.error")).to_have_count(0)
    page.get_by_role("button", name="Rendi definitivo il piano").click()

    expect(page.get_by_text("Il piano è definitivo")).to_be_visible()
    expect(page.locator("h1 .badge")).to_contain_text("definitivo")
    expect(page.locator(".figures")).to_contain_text("26.500,00")
    charts = page.locator(".charts img")
    expect(charts).to_have_count(2)
    for index in range(2):
        width = charts.nth(index).evaluate("image => image.complete ? image.naturalWidth : 0")
        assert width > 0, "chart did not load"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-overview.png"), full_page=True)
