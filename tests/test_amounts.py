"""Issue 14, finding 2: amounts no plan can hold (``Infinity``, ``1e30``, ``sNaN``, ``1E+999999``) are
refused by the forms, the values and the database; one stored before the checks existed shows as an error
at its field, for every reader of the plan, never as a 500."""

from decimal import Decimal

import pytest
from helpers import form_post
from integrity_world import build, drop_checks, signed_in, write_by_hand
from sqlalchemy import func, select
from sqlalchemy.exc import DataError, IntegrityError

from welfare_plans import networks
from welfare_plans.db import db_session
from welfare_plans.domain.network import MemberChoice
from welfare_plans.domain.plan import CategoryBudget, FundingKind, FundingSource
from welfare_plans.models import Plan, PlanCategory, PlanChange, PlanFunding

HOSTILE_AMOUNTS = ["Infinity", "-Infinity", "1e30", "sNaN", "NaN", "1E+999999", "-5", "12,345", "9" * 5000]


@pytest.fixture
def world(app):
    with app.app_context():
        return build(db_session())


def budget_form(app, plan_id) -> dict:
    with app.app_context():
        plan = db_session().get(Plan, plan_id)
        included = [c for c in plan.categories if c.included]
        return {
            **{f"credits-{i}-category_id": str(c.id) for i, c in enumerate(included)},
            **{f"credits-{i}-credit_per_worker": "400" for i, _c in enumerate(included)},
            "funding-0-kind": "employer",
            "funding-0-amount": "10000",
            "funding-0-note": "",
        }


@pytest.mark.parametrize("typed", HOSTILE_AMOUNTS)
def test_an_amount_no_plan_can_hold_is_refused_at_its_field_and_nothing_is_saved(app, world, typed):
    hr = signed_in(app, world["people"]["alfa"])
    plan_id = world["plans"]["alfa"]
    url = f"/plans/{plan_id}/steps/budget"
    for field in ("credits-0-credit_per_worker", "funding-0-amount"):
        response = form_post(hr, url, {**budget_form(app, plan_id), field: typed})
        html = response.get_data(as_text=True)
        assert response.status_code == 200, typed
        assert "Non è stato salvato nulla" in html and 'aria-invalid="true"' in html
    with app.app_context():
        plan = db_session().get(Plan, plan_id)
        assert [c.credit_per_worker for c in plan.categories] == [Decimal("400.00")] * 2
        assert [f.amount for f in plan.funding] == [Decimal("10000.00")]


@pytest.mark.parametrize("typed", ["Infinity", "1e30", "sNaN", "1E+999999"])
def test_a_members_part_with_an_amount_no_plan_can_hold_is_refused(app, world, typed):
    hr = signed_in(app, world["people"]["beta"])
    url = f"/plans/{world['joint']}/parts/{world['firms']['beta']}"
    response = form_post(hr, url, {
        "categories-0-name": "Operai", "categories-0-headcount": "8", "categories-0-included": "y",
        "categories-0-credit_per_worker": typed, "funding-0-kind": "employer", "funding-0-amount": "100",
    })  # fmt: skip
    assert response.status_code == 200 and 'aria-invalid="true"' in response.get_data(as_text=True)
    coordinator = signed_in(app, world["people"]["coordinator"])
    assert coordinator.get(f"/plans/{world['joint']}").status_code == 200


def test_a_huge_amount_writes_no_huge_history_row(app, world):
    hr = signed_in(app, world["people"]["alfa"])
    plan_id = world["plans"]["alfa"]
    form_post(
        hr, f"/plans/{plan_id}/steps/budget", {**budget_form(app, plan_id), "funding-0-amount": "1E+999999"}
    )
    with app.app_context():
        changes = db_session().scalars(select(PlanChange).where(PlanChange.plan_id == plan_id)).all()
        assert max(len(str(change.changes)) for change in changes) < 10_000


def test_a_count_of_people_beyond_any_plan_is_refused_at_its_field(app, world):
    hr = signed_in(app, world["people"]["alfa"])
    url = f"/plans/{world['plans']['alfa']}/steps/beneficiaries"
    response = form_post(hr, url, {
        "categories-0-name": "Operai", "categories-0-headcount": "20", "categories-0-included": "y",
        "include_family": "y", "family_count": str(10**19),
    })  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Non è stato salvato nulla" in html
    assert 'class="error" role="alert"' in html  # beside the field


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        (PlanCategory, "credit_per_worker", Decimal("1e30")),
        (PlanCategory, "credit_per_worker", Decimal("-1")),
        (PlanCategory, "headcount", 2_000_000),
        (PlanFunding, "amount", Decimal("1000000000")),
    ],
)
def test_the_database_refuses_what_no_plan_can_hold(app, world, row, column, value):
    with app.app_context():
        session = db_session()
        stored = session.scalar(select(row).where(row.plan_id == world["plans"]["alfa"]).limit(1))
        setattr(stored, column, value)
        with pytest.raises((IntegrityError, DataError)):
            session.commit()
        session.rollback()
        plan = session.get(Plan, world["plans"]["alfa"])
        plan.family_count = 10**8
        with pytest.raises((IntegrityError, DataError)):
            session.commit()


def test_the_database_keeps_amounts_to_two_decimals(app, world):
    """SQLite refuses a third decimal (its CHECK); PostgreSQL's numeric(14, 2) rounds it to the cent."""
    with app.app_context():
        session = db_session()
        stored = session.scalar(
            select(PlanCategory).where(PlanCategory.plan_id == world["plans"]["alfa"]).limit(1)
        )
        stored.credit_per_worker = Decimal("0.125")
        try:
            session.commit()
        except IntegrityError:
            assert session.get_bind().dialect.name == "sqlite"
            return
        session.expire_all()
        assert session.get(PlanCategory, stored.id).credit_per_worker == Decimal("0.13")


def test_sqlite_stores_no_infinity_as_an_amount(app, world):
    with app.app_context():
        session = db_session()
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("PostgreSQL's numeric(14, 2) refused infinities already")
        stored = session.scalar(
            select(PlanCategory).where(PlanCategory.plan_id == world["plans"]["alfa"]).limit(1)
        )
        stored.credit_per_worker = Decimal("Infinity")
        with pytest.raises(IntegrityError):
            session.commit()


def test_the_plans_values_reject_what_no_plan_can_hold():
    from welfare_plans.domain.plan import InvalidValue

    for credit in (Decimal("Infinity"), Decimal("NaN"), Decimal("1e30"), Decimal("-1"), Decimal("0.001")):
        with pytest.raises(InvalidValue):
            CategoryBudget("Operai", 10, True, credit)
        with pytest.raises(InvalidValue):
            FundingSource(FundingKind.EMPLOYER, credit)
        with pytest.raises(InvalidValue):
            MemberChoice("x", "x", "x", "health", credit, "year", True, 1, Decimal("1"))
    with pytest.raises(InvalidValue):
        CategoryBudget("Operai", 10**19, True, Decimal("1"))
    assert CategoryBudget("Operai", 10, True, Decimal("999999999.99")).budget == Decimal("9999999999.90")


def _store_bad_values(session, world) -> None:
    """An infinite credit in a member's part and in a firm's plan, a NaN funding: as saved before the fix
    (SQLite kept them) or written by hand."""
    for table in ("part_category", "plan_category", "plan_funding"):
        drop_checks(session, table)
    sqlite = session.get_bind().dialect.name == "sqlite"
    bad = float("inf") if sqlite else Decimal("99999999999.99")  # the worst numeric(14, 2) holds
    part = networks.part_of(session.get(Plan, world["joint"]), world["firms"]["beta"])
    write_by_hand(
        session, "UPDATE part_category SET credit_per_worker = :bad WHERE part_id = :id", bad=bad, id=part.id
    )
    write_by_hand(session, "UPDATE plan_category SET credit_per_worker = :bad WHERE plan_id = :id", bad=bad,
                  id=world["plans"]["alfa"])  # fmt: skip
    write_by_hand(session, "UPDATE plan_funding SET amount = :bad WHERE plan_id = :id",
                  bad=float("nan") if not sqlite else 1e30, id=world["plans"]["alfa"])  # fmt: skip


def test_a_bad_value_already_stored_shows_as_an_error_at_its_field_for_every_reader(app, world):
    with app.app_context():
        _store_bad_values(db_session(), world)
    joint, alfa_plan = world["joint"], world["plans"]["alfa"]
    pages = {
        "coordinator": [f"/plans/{joint}", f"/plans/{joint}/review", f"/plans/{joint}/steps/budget",
                        f"/plans/{joint}/parts/{world['firms']['beta']}", f"/plans/{joint}/demand",
                        f"/plans/{joint}/history"],
        "alfa": [f"/plans/{joint}", f"/plans/{joint}/parts/{world['firms']['alfa']}", f"/plans/{alfa_plan}",
                 f"/plans/{alfa_plan}/review", f"/plans/{alfa_plan}/steps/budget",
                 f"/plans/{alfa_plan}/steps/beneficiaries", f"/plans/{alfa_plan}/history",
                 f"/plans/{alfa_plan}/charts/groups.svg"],
        "beta": [f"/plans/{joint}", f"/plans/{joint}/parts/{world['firms']['beta']}"],
        "viewer": [f"/plans/{alfa_plan}", f"/plans/{alfa_plan}/steps/budget"],
    }  # fmt: skip
    for who, urls in pages.items():
        client = signed_in(app, world["people"][who])
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)
    alfa = signed_in(app, world["people"]["alfa"])
    budget = alfa.get(f"/plans/{alfa_plan}/steps/budget").get_data(as_text=True)
    assert 'data-field="credits"' in budget and 'data-field="funding"' in budget  # the problem, at the field
    assert 'aria-invalid="true"' in budget  # and the stored value marked in its input
    beta = signed_in(app, world["people"]["beta"])
    part = beta.get(f"/plans/{joint}/parts/{world['firms']['beta']}").get_data(as_text=True)
    assert "non è un valore che un piano possa contenere" in part
    review = (
        signed_in(app, world["people"]["coordinator"]).get(f"/plans/{joint}/review").get_data(as_text=True)
    )
    assert "non è un valore che un piano possa contenere" in review


def test_a_bad_stored_value_is_corrected_through_its_form_and_copies_leave_it_behind(app, world):
    with app.app_context():
        _store_bad_values(db_session(), world)
    plan_id = world["plans"]["alfa"]
    hr = signed_in(app, world["people"]["alfa"])
    title = {
        "title": "Piano corretto",
        "fiscal_year": "2026",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
    }
    assert form_post(hr, f"/plans/{plan_id}/steps/basics", title).status_code == 302  # another step saves
    assert form_post(hr, f"/plans/{plan_id}/steps/budget", budget_form(app, plan_id)).status_code == 302
    with app.app_context():
        plan = db_session().get(Plan, plan_id)
        assert plan.title == "Piano corretto"
        assert [c.credit_per_worker for c in plan.categories] == [Decimal("400.00")] * 2
        count = db_session().scalar(
            select(func.count()).select_from(PlanChange).where(PlanChange.plan_id == plan_id)
        )
        assert count >= 3
    coordinator = signed_in(app, world["people"]["coordinator"])
    with app.app_context():
        joint = db_session().get(Plan, world["joint"])
        joint.status = "final"
        db_session().commit()
    response = form_post(
        coordinator, f"/plans/{world['joint']}/new-version", {}, page=f"/plans/{world['joint']}"
    )
    assert response.status_code == 302
    with app.app_context():
        copy = db_session().scalar(select(Plan).where(Plan.lineage_id == world["joint"], Plan.version == 2))
        beta = networks.part_of(copy, world["firms"]["beta"])
        assert [c.credit_per_worker for c in beta.categories] == [Decimal("0")]  # repaired in the copy
