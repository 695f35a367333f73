"""Issue 14, findings 8, 13 and 14: unbounded input and memory, the answers of 500, the headers of
signed-in pages and PDFs, and a document's language that switched the pages' language."""

from datetime import date

import pytest
from helpers import form_post
from integrity_world import build, signed_in
from sqlalchemy import update

from welfare_plans.db import db_session
from welfare_plans.models import Network, Plan
from welfare_plans.web.cache import PageCache, page_cache


@pytest.fixture
def world(app):
    with app.app_context():
        return build(db_session())


# -- finding 8: unbounded input and memory ------------------------------------------------------------------
def test_thousands_of_categories_in_one_post_are_refused_with_a_message(app, world):
    hr = signed_in(app, world["people"]["alfa"])
    plan_id = world["plans"]["alfa"]
    rows = {}
    for i in range(6000):
        rows |= {f"categories-{i}-name": f"Categoria {i}", f"categories-{i}-headcount": "1",
                 f"categories-{i}-included": "y"}  # fmt: skip
    response = form_post(hr, f"/plans/{plan_id}/steps/beneficiaries", rows)
    assert response.status_code == 200 and "Al massimo 100 righe." in response.get_data(as_text=True)
    with app.app_context():
        assert len(db_session().get(Plan, plan_id).categories) == 2


@pytest.mark.parametrize(
    ("path", "prefix"),
    [("steps/budget", "funding-{i}-amount"), ("steps/governance", "partners-{i}-name")],
)
def test_every_list_of_rows_has_a_limit(app, world, path, prefix):
    hr = signed_in(app, world["people"]["alfa"])
    url = f"/plans/{world['plans']['alfa']}/{path}"
    rows = {prefix.format(i=i): str(i + 1) for i in range(150)}
    rows |= {f"funding-{i}-kind": "employer" for i in range(150)} | {"claims_deadline_days": "60"}
    rows |= {f"partners-{i}-kind": "union" for i in range(150)}
    rows |= {"new_hires_rule": "pro_rata", "unused_credit_rule": "expires"}
    response = form_post(hr, url, rows)
    assert response.status_code == 200 and "Al massimo 100 righe." in response.get_data(as_text=True)


def test_a_members_part_has_a_limit_of_rows_too(app, world):
    hr = signed_in(app, world["people"]["beta"])
    url = f"/plans/{world['joint']}/parts/{world['firms']['beta']}"
    rows = {}
    for i in range(150):
        rows |= {f"categories-{i}-name": f"C{i}", f"categories-{i}-headcount": "1"}
    response = form_post(hr, url, rows)
    assert response.status_code == 200 and "Al massimo 100 righe." in response.get_data(as_text=True)


def test_the_page_cache_is_bounded_in_bytes():
    """Pages of a megabyte each: the cache keeps what fits in its bytes, the least recently served go."""
    from flask import Flask

    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", PAGE_CACHE_SIZE=256, PAGE_CACHE_BYTES=8 * 1024 * 1024)
    cache = page_cache(app)
    with app.test_request_context():
        for i in range(60):
            cache.page(("plan", i), lambda i=i: f"<p>{i}</p>" + "x" * 1_000_000)
        assert cache.bytes <= 8 * 1024 * 1024 and len(cache) < 10
        assert cache.page(("plan", 59), lambda: "rendered again").startswith("<p>59</p>")  # the newest stay
        assert cache.page(("plan", 0), lambda: "rendered again") == "rendered again"  # the oldest went
        huge = PageCache(256, 1024 * 1024)
        huge.page("huge", lambda: "y" * 600_000)
        assert len(huge) == 0  # larger than a quarter of the cache: served, not kept


# -- finding 13: answers of 500 ------------------------------------------------------------------------------
def test_duplicating_a_plan_that_ends_on_the_last_day_there_is_is_refused_with_a_message(app, world):
    plan_id = world["plans"]["alfa"]
    with app.app_context():
        db_session().execute(update(Plan).where(Plan.id == plan_id).values(period_end=date(9999, 12, 31)))
        db_session().commit()
    hr = signed_in(app, world["people"]["alfa"])
    response = form_post(hr, f"/plans/{plan_id}/duplicate", {"title": "Piano 2027"}, page=f"/plans/{plan_id}")
    assert response.status_code == 302
    assert "non può essere spostato di un anno" in hr.get(response.headers["Location"]).get_data(as_text=True)


def test_a_period_beyond_any_plan_is_refused_at_its_field(app, world):
    hr = signed_in(app, world["people"]["alfa"])
    response = form_post(hr, f"/plans/{world['plans']['alfa']}/steps/basics", {
        "title": "Piano", "fiscal_year": "2026", "period_start": "2026-01-01", "period_end": "9999-12-31",
    })  # fmt: skip
    assert response.status_code == 200 and "Scrivi una data tra gli anni 2000 e 2199." in response.get_data(
        as_text=True
    )


def test_the_annex_of_a_member_that_has_not_started_its_part_is_not_found(app, world):
    with app.app_context():
        session = db_session()
        plan = session.get(Plan, world["joint"])
        plan.parts = [part for part in plan.parts if part.firm_id != world["firms"]["gamma"]]
        session.commit()
    gamma = signed_in(app, world["people"]["gamma"])
    assert gamma.get(f"/plans/{world['joint']}/parts/{world['firms']['gamma']}").status_code == 200
    assert gamma.get(f"/plans/{world['joint']}/parts/{world['firms']['gamma']}/annex.pdf").status_code == 404


def test_a_member_with_sharing_in_force_sees_the_job_it_is_sent_to(app, world):
    with app.app_context():
        session = db_session()
        network = session.get(Network, world["network"])
        network.sharing_proposed = True
        for member in network.members:
            member.agrees_to_share = True
        session.commit()
    alfa = signed_in(app, world["people"]["alfa"])
    response = alfa.get(f"/plans/{world['joint']}/document.pdf")
    assert response.status_code == 302
    assert alfa.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("field", ["title", "objectives", "agreement_reference"])
def test_a_nul_character_in_a_text_is_refused_with_a_message(app, world, field):
    hr = signed_in(app, world["people"]["alfa"])
    plan_id = world["plans"]["alfa"]
    basics = {
        "title": "Piano",
        "fiscal_year": "2026",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
    }
    response = form_post(hr, f"/plans/{plan_id}/steps/basics", {**basics, field: "Piano\x00 nullo"})
    assert response.status_code == 400 and "carattere NUL" in response.get_data(as_text=True)
    assert hr.get("/catalog/?q=nido\x00").status_code == 400
    with app.app_context():
        assert db_session().get(Plan, plan_id).title == "Piano alfa 2026"


# -- finding 14: headers -------------------------------------------------------------------------------------
def test_signed_in_pages_and_pdfs_are_private_and_not_stored(app, world):
    hr = signed_in(app, world["people"]["alfa"])
    plan_id = world["plans"]["alfa"]
    for path in ("/plans/", f"/plans/{plan_id}", f"/plans/{plan_id}/steps/basics", "/networks/"):
        assert hr.get(path).headers.get("Cache-Control") == "private, no-store", path
    pdf = hr.get(f"/plans/{plan_id}/document.pdf")
    assert pdf.status_code == 200 and pdf.headers["Cache-Control"] == "private, no-store"
    pdf.close()
    beta = signed_in(app, world["people"]["beta"])
    annex = beta.get(f"/plans/{world['joint']}/parts/{world['firms']['beta']}/annex.pdf")
    assert annex.status_code == 200 and annex.headers["Cache-Control"] == "private, no-store"
    annex.close()
    anonymous = app.test_client().get("/catalog/")
    assert "no-store" not in (anonymous.headers.get("Cache-Control") or "")  # the public catalog may be kept


def test_asking_for_the_english_document_leaves_the_pages_in_italian(app, world):
    hr = signed_in(app, world["people"]["alfa"])
    plan_id = world["plans"]["alfa"]
    pdf = hr.get(f"/plans/{plan_id}/document.pdf?lang=en")
    assert pdf.status_code == 200
    pdf.close()
    assert '<html lang="it">' in hr.get("/plans/").get_data(as_text=True)
    hr.get("/plans/?lang=en")  # the pages' own switch still switches
    assert '<html lang="en">' in hr.get("/plans/").get_data(as_text=True)
