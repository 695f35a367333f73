"""Issue 14, finding 5: races and lost work. Two people saving one step, a save racing a finalisation,
rows matched by their place in a list, lifecycle actions that both succeed.

The races are played out in one process: a second session (another request's) acts at the moment the
first request is between reading the plan and writing it. ``tests/test_two_clients.py`` plays them with
real clients against gunicorn on PostgreSQL."""

import re
from decimal import Decimal

import pytest
from helpers import csrf_token, form_post
from integrity_world import build, signed_in
from sqlalchemy import select

from welfare_plans import plans as plan_service
from welfare_plans.db import db_session, get_db
from welfare_plans.models import Plan, PlanChange, User
from welfare_plans.web import plan_forms

HIDDEN = re.compile(
    r'name="([\w-]+)" type="hidden" value="([^"]*)"|type="hidden" name="([\w-]+)" value="([^"]*)"'
)


@pytest.fixture
def world(app):
    with app.app_context():
        return build(db_session())


def page_form(client, path: str) -> dict[str, str]:
    """The hidden fields of the form on ``path`` (the CSRF token, the revision, the rows' ids), as a browser
    holds them when it shows the page."""
    html = client.get(path).get_data(as_text=True)
    fields = {}
    for name_a, value_a, name_b, value_b in HIDDEN.findall(html):
        fields[name_a or name_b] = value_a or value_b
    fields["csrf_token"] = csrf_token(client, path)
    return fields


def governance(partners: list[tuple[str, str]], base: dict) -> dict:
    data = {"steering_committee": "Comitato.", "new_hires_rule": "pro_rata", "unused_credit_rule": "expires",
            "claims_deadline_days": "60", "usage_notes": "", "goto": "governance"}  # fmt: skip
    for i, (row_id, name) in enumerate(partners):
        data |= {f"partners-{i}-name": name, f"partners-{i}-kind": "union", f"partners-{i}-role": "Firma"}
        if row_id:
            data[f"partners-{i}-row_id"] = row_id
    return {**{k: v for k, v in base.items() if k in ("csrf_token", "revision")}, **data}


def test_two_editors_one_conflict_and_nothing_lost(app, world):
    """Both open the governance step; the first adds a partner and saves; the second, who added another,
    gets a conflict page that keeps what they typed and names the partner added meanwhile."""
    plan_id = world["plans"]["alfa"]
    url = f"/plans/{plan_id}/steps/governance"
    first, second = signed_in(app, world["people"]["alfa"]), signed_in(app, world["people"]["alfa"])
    seen_first, seen_second = page_form(first, url), page_form(second, url)
    rsu = seen_first.get("partners-0-row_id", "")
    saved = first.post(url, data=governance([(rsu, "RSU"), ("", "Comune di Pinerolo")], seen_first))
    assert saved.status_code == 302
    stale = second.post(url, data=governance([(rsu, "RSU"), ("", "Fondazione CRT")], seen_second))
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert 'value="Fondazione CRT"' in html  # what the second person typed is kept
    assert "Comune di Pinerolo" in html and 'id="conflict"' in html  # what changed meanwhile is shown
    with app.app_context():
        partners = [p.name for p in db_session().get(Plan, plan_id).partners]
        assert partners == ["RSU", "Comune di Pinerolo"]  # the first save stands, nothing silently lost
    again = second.post(url, data=governance([(rsu, "RSU"), ("", "Comune di Pinerolo"), ("", "Fondazione CRT")],
                                             {**seen_second, **page_form(second, url)}))  # fmt: skip
    assert again.status_code == 302  # saved over the current revision, on purpose
    with app.app_context():
        partners = [p.name for p in db_session().get(Plan, plan_id).partners]
        assert partners == ["RSU", "Comune di Pinerolo", "Fondazione CRT"]


def test_a_members_part_saved_twice_from_one_page_gets_a_conflict(app, world):
    joint, beta = world["joint"], world["firms"]["beta"]
    url = f"/plans/{joint}/parts/{beta}"
    first, second = signed_in(app, world["people"]["beta"]), signed_in(app, world["people"]["beta"])
    seen_first, seen_second = page_form(first, url), page_form(second, url)

    def part(credit: str, seen: dict) -> dict:
        return {"csrf_token": seen["csrf_token"], "revision": seen.get("revision", ""), "categories-0-name": "Operai",
                "categories-0-headcount": "8", "categories-0-included": "y",
                "categories-0-credit_per_worker": credit, "funding-0-kind": "employer", "funding-0-amount": "100"}  # fmt: skip

    assert first.post(url, data=part("500", seen_first)).status_code == 302
    stale = second.post(url, data=part("700", seen_second))
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and 'value="700"' in html and "500.00" in html
    with app.app_context():
        part_row = next(p for p in db_session().get(Plan, joint).parts if p.firm_id == beta)
        assert [c.credit_per_worker for c in part_row.categories] == [Decimal("500.00")]


def test_credits_follow_their_category_by_id_after_a_reorder(app, world):
    """The budget step was opened with Operai first; meanwhile the categories were put in another order.
    Each credit still goes to the category it was typed for."""
    plan_id = world["plans"]["alfa"]
    hr = signed_in(app, world["people"]["alfa"])
    budget_url, beneficiaries_url = f"/plans/{plan_id}/steps/budget", f"/plans/{plan_id}/steps/beneficiaries"
    seen = page_form(hr, budget_url)
    ids = page_form(hr, beneficiaries_url)
    reorder = {"csrf_token": ids["csrf_token"], "goto": "beneficiaries",
               "categories-0-row_id": ids.get("categories-1-row_id", ""), "categories-0-name": "Impiegati",
               "categories-0-headcount": "5", "categories-0-included": "y",
               "categories-1-row_id": ids.get("categories-0-row_id", ""), "categories-1-name": "Operai",
               "categories-1-headcount": "20", "categories-1-included": "y"}  # fmt: skip
    assert hr.post(beneficiaries_url, data=reorder).status_code == 302
    budget = {"csrf_token": seen["csrf_token"], "goto": "budget",
              "credits-0-category_id": seen.get("credits-0-category_id", ""), "credits-0-credit_per_worker": "3000",
              "credits-1-category_id": seen.get("credits-1-category_id", ""), "credits-1-credit_per_worker": "100",
              "funding-0-kind": "employer", "funding-0-amount": "60500"}  # fmt: skip
    assert hr.post(budget_url, data=budget).status_code == 302
    with app.app_context():
        credits = {c.name: c.credit_per_worker for c in db_session().get(Plan, plan_id).categories}
        assert credits == {"Operai": Decimal("3000.00"), "Impiegati": Decimal("100.00")}


def test_partners_are_changed_by_id_not_by_their_place(app, world):
    plan_id = world["plans"]["alfa"]
    url = f"/plans/{plan_id}/steps/governance"
    hr = signed_in(app, world["people"]["alfa"])
    seen = page_form(hr, url)
    rsu = seen.get("partners-0-row_id", "")
    assert hr.post(url, data=governance([("", "Comune"), (rsu, "RSU aziendale")], seen)).status_code == 302
    with app.app_context():
        partners = [(str(p.id), p.name) for p in db_session().get(Plan, plan_id).partners]
    assert partners[1] == (rsu, "RSU aziendale") and partners[0][1] == "Comune"  # the same row, renamed


def _finalise_elsewhere(app, plan_id: int, user_id: int) -> None:
    """Another request's finalisation, committed on a session of its own."""
    session = get_db(app).session_factory()
    try:
        plan = session.get(Plan, plan_id)
        problems = plan_service.check_plan(
            app.extensions["welfare_plans.plugins"], plan_service.to_domain(plan)
        )
        plan_service.finalise(session, plan, session.get(User, user_id), problems)
        session.commit()
    finally:
        session.close()


def test_a_save_racing_a_finalisation_never_changes_the_final_plan(app, world, monkeypatch):
    """The save has read the plan and is checking its input when another request finalises the plan."""
    plan_id, hr_id = world["plans"]["alfa"], world["people"]["alfa"]["id"]
    hr = signed_in(app, world["people"]["alfa"])
    url = f"/plans/{plan_id}/steps/basics"
    basics = {"title": "Titolo cambiato", "fiscal_year": "2026", "period_start": "2026-01-01",
              "period_end": "2026-12-31", "legal_basis": "company_agreement", "territory": "Pinerolo"}  # fmt: skip
    assert form_post(hr, url, {**basics, "title": "Piano alfa 2026"}).status_code == 302
    token = csrf_token(hr, url)
    checked = plan_forms.BasicsForm.validate_period_end

    def finalised_meanwhile(form, field):
        monkeypatch.setattr(plan_forms.BasicsForm, "validate_period_end", checked)
        _finalise_elsewhere(app, plan_id, hr_id)
        return checked(form, field)

    monkeypatch.setattr(plan_forms.BasicsForm, "validate_period_end", finalised_meanwhile)
    response = hr.post(url, data={"csrf_token": token, **basics})
    with app.app_context():
        plan = db_session().get(Plan, plan_id)
        assert (plan.status, plan.title) == ("final", "Piano alfa 2026")  # the save did not slip in
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/plans/{plan_id}")
    with app.app_context():
        actions = [c.action for c in db_session().scalars(
            select(PlanChange).where(PlanChange.plan_id == plan_id).order_by(PlanChange.id))]  # fmt: skip
        assert actions[-1] == "finalised"


def _stale_sessions(app, plan_id: int, user_id: int):
    """Two sessions that have both read the plan, as two requests that arrived together."""
    sessions = [get_db(app).session_factory() for _ in range(2)]
    return [(s, s.get(Plan, plan_id), s.get(User, user_id)) for s in sessions]


def test_finalising_twice_at_once_finalises_once(app, world):
    plan_id, user_id = world["plans"]["alfa"], world["people"]["alfa"]["id"]
    with app.app_context():
        (first, plan_1, user_1), (second, plan_2, user_2) = _stale_sessions(app, plan_id, user_id)
        plan_service.finalise(first, plan_1, user_1, [])
        first.commit()
        with pytest.raises(plan_service.LifecycleError):
            plan_service.finalise(second, plan_2, user_2, [])
        second.rollback()
        for session in (first, second):
            session.close()
        finalised = (
            db_session()
            .scalars(
                select(PlanChange).where(PlanChange.plan_id == plan_id, PlanChange.action == "finalised")
            )
            .all()
        )
        assert len(finalised) == 1


def test_archiving_twice_at_once_archives_once(app, world):
    plan_id, user_id = world["plans"]["alfa"], world["people"]["alfa"]["id"]
    with app.app_context():
        _finalise_elsewhere(app, plan_id, user_id)
        (first, plan_1, user_1), (second, plan_2, user_2) = _stale_sessions(app, plan_id, user_id)
        plan_service.archive(first, plan_1, user_1)
        first.commit()
        with pytest.raises(plan_service.LifecycleError):
            plan_service.archive(second, plan_2, user_2)
        second.rollback()
        for session in (first, second):
            session.close()
        archived = (
            db_session()
            .scalars(select(PlanChange).where(PlanChange.plan_id == plan_id, PlanChange.action == "archived"))
            .all()
        )
        assert len(archived) == 1


def test_a_finalisation_from_a_page_older_than_the_last_save_is_refused(app, world):
    plan_id = world["plans"]["alfa"]
    hr = signed_in(app, world["people"]["alfa"])
    seen = page_form(hr, f"/plans/{plan_id}/review")
    assert "revision" in seen
    basics = {"title": "Cambiato dopo", "fiscal_year": "2026", "period_start": "2026-01-01",
              "period_end": "2026-12-31", "legal_basis": "company_agreement", "territory": "Pinerolo"}  # fmt: skip
    assert form_post(hr, f"/plans/{plan_id}/steps/basics", basics).status_code == 302
    response = hr.post(f"/plans/{plan_id}/finalise", data=seen, follow_redirects=True)
    assert "modificato mentre lo stavi guardando" in response.get_data(as_text=True)
    with app.app_context():
        assert db_session().get(Plan, plan_id).status == "draft"
